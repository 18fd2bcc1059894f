package io.sentinelpager.azure;

import java.time.Duration;
import java.util.Optional;

/** A Microsoft Graph call that failed; see {@link GraphErrors} for how it is classified. */
public final class GraphCallException extends AzureCallException {

    private final String alertId;

    GraphCallException(String message, Throwable cause, String connectorId, String operation, String alertId,
                       int httpStatus, String errorCode, boolean retriable, Duration retryAfter) {
        super(message, cause, connectorId, operation, httpStatus, errorCode, retriable, retryAfter);
        this.alertId = alertId;
    }

    public Optional<String> alertId() {
        return Optional.ofNullable(alertId);
    }
}
