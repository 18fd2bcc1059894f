package io.sentinelpager.azure;

import java.time.Duration;
import java.util.Optional;

/**
 * A Microsoft Graph call that failed, saying which call (operation, alert), how (HTTP status and
 * Graph or Entra ID error code and message), and whether trying again later can help. It never
 * holds the client secret or an access token; see {@link GraphErrors} for how it is built.
 */
public final class GraphCallException extends RuntimeException {

    private final String connectorId;
    private final String operation;
    private final String alertId;
    private final int httpStatus;
    private final String errorCode;
    private final boolean retriable;
    private final Duration retryAfter;

    GraphCallException(String message, Throwable cause, String connectorId, String operation, String alertId,
                       int httpStatus, String errorCode, boolean retriable, Duration retryAfter) {
        super(message, cause);
        this.connectorId = connectorId;
        this.operation = operation;
        this.alertId = alertId;
        this.httpStatus = httpStatus;
        this.errorCode = errorCode;
        this.retriable = retriable;
        this.retryAfter = retryAfter;
    }

    public String connectorId() {
        return connectorId;
    }

    /** The client operation, e.g. {@code listAlerts} or {@code updateAlert}. */
    public String operation() {
        return operation;
    }

    public Optional<String> alertId() {
        return Optional.ofNullable(alertId);
    }

    /** The HTTP status of Graph's or Entra ID's answer; 0 when there was no answer (network, timeout, TLS). */
    public int httpStatus() {
        return httpStatus;
    }

    /** Graph's {@code error.code} (e.g. {@code Forbidden}) or the Entra ID code (e.g. {@code AADSTS7000215}). */
    public Optional<String> errorCode() {
        return Optional.ofNullable(errorCode);
    }

    /** True when the same call may succeed later unchanged: throttling, server errors, network failures. */
    public boolean retriable() {
        return retriable;
    }

    /** Graph's {@code Retry-After}, when it sent one. */
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }
}
