package io.sentinelpager.azure;

import com.microsoft.graph.models.odataerrors.MainError;
import com.microsoft.graph.models.odataerrors.ODataError;
import com.microsoft.kiota.ApiException;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import javax.net.ssl.SSLException;

/**
 * The one place that turns whatever the Graph SDK or azure-identity threw into a
 * {@link GraphCallException}, and decides retriable versus permanent:
 * <ul>
 *   <li>Entra ID refusing the credentials (any AADSTS error): permanent, the configuration is wrong;</li>
 *   <li>HTTP 408, 429 and 5xx: retriable, honouring Retry-After;</li>
 *   <li>other HTTP 4xx: permanent, and a 403 names the Graph permission the app lacks;</li>
 *   <li>TLS failures: permanent, the trust configuration is wrong;</li>
 *   <li>other I/O failures and timeouts: retriable.</li>
 * </ul>
 */
final class GraphErrors {

    private static final Set<Integer> RETRIABLE_STATUS = Set.of(408, 429, 500, 502, 503, 504);

    private GraphErrors() {
    }

    /**
     * @param permission the Graph application permission the operation needs, named in 403 messages
     */
    static GraphCallException classify(ConnectorConfig config, String operation, String alertId, String permission,
                                       Throwable failure) {
        String call = "connector '" + config.id() + "': " + operation + (alertId == null ? "" : " of alert " + alertId)
                + " failed: ";
        Optional<EntraErrors.Refusal> refused = EntraErrors.find(failure);
        if (refused.isPresent()) {
            return build(config, call + EntraErrors.describe(config, refused.get()), failure, operation, alertId, 0,
                    refused.get().code(), refused.get().transientFailure(), null);
        }
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof ApiException api) {
                return fromResponse(config, call, operation, alertId, permission, api, failure);
            }
        }
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SSLException) {
                return build(config, call + "TLS failed (" + t.getMessage() + "); if the host uses a private"
                        + " certificate, set extraTrustedCertificate", failure, operation, alertId, 0, null, false, null);
            }
        }
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof IOException) {
                return build(config, call + "no answer from Microsoft Graph: " + t, failure, operation, alertId,
                        0, null, true, null);
            }
        }
        return build(config, call + failure, failure, operation, alertId, 0, null, false, null);
    }

    private static GraphCallException fromResponse(ConnectorConfig config, String call, String operation,
                                                   String alertId, String permission, ApiException api,
                                                   Throwable failure) {
        int status = api.getResponseStatusCode();
        String code = null;
        String message = api.getMessage();
        if (api instanceof ODataError odata && odata.getError() != null) {
            MainError error = odata.getError();
            code = error.getCode();
            message = error.getMessage();
        }
        StringBuilder text = new StringBuilder(call).append("HTTP ").append(status);
        if (code != null) {
            text.append(' ').append(code);
        }
        text.append(": ").append(message);
        if (status == 403) {
            text.append(" (the app registration needs the Microsoft Graph application permission ")
                    .append(permission).append(", with admin consent)");
        }
        return build(config, text.toString(), failure, operation, alertId, status, code,
                RETRIABLE_STATUS.contains(status), retryAfter(api));
    }

    private static Duration retryAfter(ApiException api) {
        if (api.getResponseHeaders() == null) {
            return null;
        }
        Set<String> values = api.getResponseHeaders().get("Retry-After");
        if (values == null || values.isEmpty()) {
            return null;
        }
        return RetryAfter.parse(values.iterator().next(), Clock.systemUTC()).orElse(null);
    }

    private static GraphCallException build(ConnectorConfig config, String message, Throwable cause, String operation,
                                            String alertId, int status, String code, boolean retriable,
                                            Duration retryAfter) {
        return new GraphCallException(config.redact(message), cause, config.id(), operation, alertId, status, code, retriable, retryAfter);
    }
}
