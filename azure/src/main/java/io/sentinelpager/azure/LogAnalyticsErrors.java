package io.sentinelpager.azure;

import com.azure.core.exception.HttpResponseException;
import java.io.IOException;
import java.time.Clock;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLException;

/**
 * The one place that decides what a failed Log Analytics query means: Entra refusals, 400 (a query
 * the service rejects), 401 and 403 are permanent, and a 403 names the role the app lacks; 408, 429
 * (more than 5 concurrent queries), 5xx and 504 (query timeout) are retriable; I/O failures are
 * retriable, TLS failures permanent.
 */
final class LogAnalyticsErrors {

    static final String READER_ROLE = "Log Analytics Reader";

    private static final Set<Integer> RETRIABLE_STATUS = Set.of(408, 429, 500, 502, 503, 504);

    private LogAnalyticsErrors() {
    }

    static AzureCallException classify(ConnectorConfig config, String operation, Throwable failure) {
        String call = "connector '" + config.id() + "': " + operation + " failed: ";
        Optional<EntraErrors.Refusal> refused = EntraErrors.find(failure);
        if (refused.isPresent()) {
            return build(config, operation, call + EntraErrors.describe(config, refused.get()), failure, 0,
                    refused.get().code(), false, null);
        }
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof HttpResponseException http && http.getResponse() != null) {
                int status = http.getResponse().getStatusCode();
                String text = call + "HTTP " + status + ": " + http.getMessage();
                if (status == 403) {
                    text += " (the app registration needs the Azure role " + READER_ROLE + " on workspace "
                            + config.requireWorkspace().workspaceName() + ")";
                }
                return build(config, operation, text, failure, status, null, RETRIABLE_STATUS.contains(status),
                        http.getResponse().getHeaderValue("Retry-After"));
            }
        }
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SSLException) {
                return build(config, operation, call + "TLS failed (" + t.getMessage() + "); if the host uses a"
                        + " private certificate, set extraTrustedCertificate", failure, 0, null, false, null);
            }
            if (t instanceof IOException || t instanceof TimeoutException) {
                return build(config, operation, call + "no answer from Log Analytics: " + t, failure, 0, null, true,
                        null);
            }
        }
        return build(config, operation, call + failure, failure, 0, null, false, null);
    }

    private static AzureCallException build(ConnectorConfig config, String operation, String message, Throwable cause,
                                            int status, String code, boolean retriable, String retryAfter) {
        return new AzureCallException(config.redact(message), cause, config.id(), operation, status, code, retriable,
                RetryAfter.parse(retryAfter, Clock.systemUTC()).orElse(null));
    }
}
