package io.sentinelpager.notify;

import java.time.Duration;
import java.util.Optional;

/**
 * A channel could not deliver, classified so the processor knows what to do next: retry later, wait as the provider
 * asks, or give up on this contact method and fall back to the next. The message is safe for a receipt: channels
 * build it from status codes and provider error texts, never from a credential or a secret URL.
 */
public final class DeliveryFailure extends Exception {

    public enum Kind {
        /** Might work later: a timeout, a refused connection, a 5xx. */
        TRANSIENT,
        /** The provider asked us to slow down (429), perhaps saying for how long. */
        RATE_LIMITED,
        /** Will not work by trying again: a bad address, a rejected credential, a 4xx. */
        PERMANENT
    }

    private final Kind kind;
    private final Duration retryAfter;

    private DeliveryFailure(Kind kind, String message, Duration retryAfter) {
        super(message);
        this.kind = kind;
        this.retryAfter = retryAfter;
    }

    public static DeliveryFailure transientFailure(String message) {
        return new DeliveryFailure(Kind.TRANSIENT, message, null);
    }

    public static DeliveryFailure transientFailure(String message, Duration retryAfter) {
        return new DeliveryFailure(Kind.TRANSIENT, message, retryAfter);
    }

    public static DeliveryFailure rateLimited(String message, Duration retryAfter) {
        return new DeliveryFailure(Kind.RATE_LIMITED, message, retryAfter);
    }

    public static DeliveryFailure permanent(String message) {
        return new DeliveryFailure(Kind.PERMANENT, message, null);
    }

    public Kind kind() {
        return kind;
    }

    /** How long the provider asked us to wait ({@code Retry-After}), if it said. */
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }
}
