package io.sentinelpager.emulator;

import java.time.Duration;
import java.util.Optional;

/**
 * A failed call to an emulated API. Thrown anywhere below a route; the route's {@link Api} renders it
 * in that API's own error shape, so Graph, ARM and Log Analytics clients each parse what they expect.
 */
final class ApiError extends RuntimeException {

    final int status;
    final String code;
    final Optional<Duration> retryAfter;

    ApiError(int status, String code, String message) {
        this(status, code, message, Optional.empty());
    }

    ApiError(int status, String code, String message, Optional<Duration> retryAfter) {
        super(message);
        this.status = status;
        this.code = code;
        this.retryAfter = retryAfter;
    }
}
