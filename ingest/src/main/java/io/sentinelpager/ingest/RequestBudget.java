package io.sentinelpager.ingest;

import java.time.Duration;
import java.time.Instant;

/**
 * A token bucket per connector: at most {@code perMinute} Graph requests in any minute, with a burst of the same
 * size. Graph's security API allows 150 requests per minute per app and tenant and answers 429 beyond that; staying
 * below it keeps one connector's backlog from throttling syncback's writes to the same tenant. Pure arithmetic on
 * the instants it is given, so tests need no clock.
 */
final class RequestBudget {

    private final double perMilli;
    private final double capacity;
    private double tokens;
    private Instant refilledAt;

    RequestBudget(int perMinute, Instant now) {
        this.capacity = perMinute;
        this.perMilli = perMinute / 60_000.0;
        this.tokens = perMinute;
        this.refilledAt = now;
    }

    /** When a request is free without waiting: a past instant while one is left. Takes nothing. */
    Instant availableAt() {
        return tokens >= 1 ? refilledAt : refilledAt.plusMillis((long) Math.ceil((1 - tokens) / perMilli));
    }

    /** Takes one request if one is left, and returns zero; otherwise takes nothing and returns how long to wait. */
    Duration take(Instant now) {
        if (now.isAfter(refilledAt)) {
            tokens = Math.min(capacity, tokens + Duration.between(refilledAt, now).toMillis() * perMilli);
            refilledAt = now;
        }
        if (tokens >= 1) {
            tokens -= 1;
            return Duration.ZERO;
        }
        return Duration.ofMillis((long) Math.ceil((1 - tokens) / perMilli));
    }
}
