package io.sentinelpager.azure;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.time.Clock;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLException;

/**
 * The one place that decides what a failed Sentinel (ARM) call means:
 * <ul>
 *   <li>Entra ID refusing the credentials: permanent;</li>
 *   <li>401 and 403: permanent, and a 403 names the Azure role the app lacks on the workspace (ARM
 *       names only the action);</li>
 *   <li>409 Conflict: retriable, the incident changed since it was read: read it again;</li>
 *   <li>408, 429 and 5xx: retriable, honouring Retry-After (azure-core has already retried them);</li>
 *   <li>other 4xx: permanent; TLS failures: permanent; other I/O failures and timeouts: retriable.</li>
 * </ul>
 */
final class SentinelErrors {

    static final String READER_ROLE = "Microsoft Sentinel Reader";
    static final String CONTRIBUTOR_ROLE = "Microsoft Sentinel Contributor";

    private static final Set<Integer> RETRIABLE_STATUS = Set.of(408, 409, 429, 500, 502, 503, 504);

    private SentinelErrors() {
    }

    /**
     * An ARM error answer.
     *
     * @param role the role the operation needs, named in a 403
     */
    static AzureCallException fromResponse(ConnectorConfig config, String operation, String role, int status,
                                           JsonNode body, String retryAfter) {
        JsonNode error = body.path("error");
        String code = error.path("code").asText(null);
        StringBuilder text = new StringBuilder(call(config, operation)).append("HTTP ").append(status);
        if (code != null) {
            text.append(' ').append(code);
        }
        text.append(": ").append(error.path("message").asText("(no message)"));
        if (status == 403) {
            text.append(" (the app registration needs the Azure role ").append(role)
                    .append(" on workspace ").append(config.requireWorkspace().workspaceName()).append(')');
        }
        return new AzureCallException(config.redact(text.toString()), null, config.id(), operation, status, code,
                RETRIABLE_STATUS.contains(status), RetryAfter.parse(retryAfter, Clock.systemUTC()).orElse(null));
    }

    /** A failure without an ARM answer: the token, TLS, the network. */
    static AzureCallException fromFailure(ConnectorConfig config, String operation, Throwable failure) {
        String call = call(config, operation);
        Optional<EntraErrors.Refusal> refused = EntraErrors.find(failure);
        if (refused.isPresent()) {
            return failed(config, operation, call + EntraErrors.describe(config, refused.get()), failure,
                    refused.get().code(), refused.get().transientFailure());
        }
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SSLException) {
                return failed(config, operation, call + "TLS failed (" + t.getMessage() + "); if the host uses a"
                        + " private certificate, set extraTrustedCertificate", failure, null, false);
            }
        }
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof IOException || t instanceof TimeoutException) {
                return failed(config, operation, call + "no answer from Azure Resource Manager: " + t, failure, null,
                        true);
            }
        }
        return failed(config, operation, call + failure, failure, null, false);
    }

    private static AzureCallException failed(ConnectorConfig config, String operation, String message,
                                             Throwable cause, String code, boolean retriable) {
        return new AzureCallException(config.redact(message), cause, config.id(), operation, 0, code, retriable, null);
    }

    private static String call(ConnectorConfig config, String operation) {
        return "connector '" + config.id() + "': " + operation + " failed: ";
    }
}
