package io.sentinelpager.azure;

import java.time.Duration;
import java.util.Optional;

/**
 * A call to an Azure API that failed, saying which call (connector, operation), how (HTTP status and
 * the service's or Entra ID's error code and message), and whether trying again later can help. It
 * never holds the client secret or an access token: each API's error classifier builds it.
 */
public class AzureCallException extends RuntimeException {

    private final String connectorId;
    private final String operation;
    private final int httpStatus;
    private final String errorCode;
    private final boolean retriable;
    private final Duration retryAfter;

    AzureCallException(String message, Throwable cause, String connectorId, String operation, int httpStatus,
                       String errorCode, boolean retriable, Duration retryAfter) {
        super(message, cause);
        this.connectorId = connectorId;
        this.operation = operation;
        this.httpStatus = httpStatus;
        this.errorCode = errorCode;
        this.retriable = retriable;
        this.retryAfter = retryAfter;
    }

    public String connectorId() {
        return connectorId;
    }

    /** The client operation, e.g. {@code listAlerts} or {@code updateIncident}. */
    public String operation() {
        return operation;
    }

    /** The HTTP status of the service's or Entra ID's answer; 0 when there was no answer (network, timeout, TLS). */
    public int httpStatus() {
        return httpStatus;
    }

    /** The service's error code (e.g. {@code Forbidden}, {@code AuthorizationFailed}) or Entra's (e.g. {@code AADSTS7000215}). */
    public Optional<String> errorCode() {
        return Optional.ofNullable(errorCode);
    }

    /** True when the same call may succeed later unchanged: throttling, server errors, network failures, conflicts. */
    public boolean retriable() {
        return retriable;
    }

    /** The service's {@code Retry-After}, when it sent one. */
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }
}
