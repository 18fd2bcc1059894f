package io.sentinelpager.azure;

import com.azure.core.exception.HttpResponseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.io.IOException;
import java.time.Clock;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLException;

/**
 * The one place that decides what a failed Log Analytics query means: Entra refusals, 400 (a query
 * the service rejects), 401, 403 and 404 are permanent, reported with the service's error code and
 * message (and its inner error), and a 403 names the role the app lacks; 408, 429
 * (more than 5 concurrent queries), 5xx and 504 (query timeout) are retriable; I/O failures are
 * retriable, TLS failures permanent.
 */
final class LogAnalyticsErrors {

    static final String READER_ROLE = "Log Analytics Reader";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<Integer> RETRIABLE_STATUS = Set.of(408, 429, 500, 502, 503, 504);

    private LogAnalyticsErrors() {
    }

    static AzureCallException classify(ConnectorConfig config, String operation, Throwable failure) {
        String call = "connector '" + config.id() + "': " + operation + " failed: ";
        Optional<EntraErrors.Refusal> refused = EntraErrors.find(failure);
        if (refused.isPresent()) {
            return build(config, operation, call + EntraErrors.describe(config, refused.get()), failure, 0,
                    refused.get().code(), refused.get().transientFailure(), null);
        }
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof HttpResponseException http && http.getResponse() != null) {
                int status = http.getResponse().getStatusCode();
                JsonNode error = body(http.getMessage()).path("error");
                String code = error.path("code").asText(null);
                StringBuilder text = new StringBuilder(call).append("HTTP ").append(status);
                if (code != null) {
                    text.append(' ').append(code).append(": ").append(error.path("message").asText("(no message)"));
                    JsonNode inner = error.path("innererror");
                    if (inner.hasNonNull("code")) {
                        text.append(" (").append(inner.path("code").asText()).append(": ")
                                .append(inner.path("message").asText("")).append(')');
                    }
                } else {
                    text.append(": ").append(http.getMessage());
                }
                if (status == 403) {
                    text.append(" (the app registration needs the Azure role ").append(READER_ROLE)
                            .append(" on workspace ").append(config.requireWorkspace().workspaceName()).append(')');
                }
                return build(config, operation, text.toString(), failure, status, code,
                        RETRIABLE_STATUS.contains(status), http.getResponse().getHeaderValue("Retry-After"));
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

    /**
     * The error body inside azure-core's message ({@code Status code 403, "{...}"}): the service's
     * {@code {"error":{"code","message","innererror"}}}; empty when there is none.
     */
    private static JsonNode body(String message) {
        if (message == null || message.indexOf('{') < 0) {
            return MissingNode.getInstance();
        }
        try {
            return JSON.readTree(message.substring(message.indexOf('{'), message.lastIndexOf('}') + 1));
        } catch (JsonProcessingException e) {
            return MissingNode.getInstance();
        }
    }

    private static AzureCallException build(ConnectorConfig config, String operation, String message, Throwable cause,
                                            int status, String code, boolean retriable, String retryAfter) {
        return new AzureCallException(config.redact(message), cause, config.id(), operation, status, code, retriable,
                RetryAfter.parse(retryAfter, Clock.systemUTC()).orElse(null));
    }
}
