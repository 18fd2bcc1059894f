package io.sentinelpager.azure;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How long to wait before trying a failed call again, the same rule for every Azure API: a server's
 * {@code Retry-After} is obeyed exactly (never sooner); without one the wait grows exponentially from
 * {@code base} with "equal jitter" (a random half of each step), so that many pollers throttled at
 * once do not come back in lock-step; attempts are bounded.
 *
 * @param maxRetries how many times a call is tried again after its first attempt
 * @param base       the first wait without Retry-After (halved at random by the jitter)
 * @param max        the longest wait; a Retry-After beyond it is not waited for here, the failure
 *                   goes to the caller, which has its own schedule (a poller's next cycle)
 */
public record Backoff(int maxRetries, Duration base, Duration max) {

    /** Four retries, 1 s doubling, at most 60 s: rides out a throttling burst of Graph's 150 requests a minute. */
    public static final Backoff DEFAULT = new Backoff(4, Duration.ofSeconds(1), Duration.ofSeconds(60));

    public Backoff {
        Objects.requireNonNull(base, "base");
        Objects.requireNonNull(max, "max");
        if (maxRetries < 0 || base.isNegative() || base.isZero() || max.compareTo(base) < 0) {
            throw new IllegalArgumentException("a backoff needs maxRetries >= 0 and 0 < base <= max; got " + this);
        }
    }

    /**
     * @param retry      1 for the first retry
     * @param retryAfter what the server asked for, if it did
     * @param random     a number in [0, 1) for the jitter
     * @return the wait before that retry, or empty when the call should not be retried
     */
    public Optional<Duration> delay(int retry, Optional<Duration> retryAfter, double random) {
        if (retry > maxRetries) {
            return Optional.empty();
        }
        if (retryAfter.isPresent()) {
            return retryAfter.filter(after -> after.compareTo(max) <= 0);
        }
        Duration step = base.multipliedBy(1L << Math.min(retry - 1, 30));
        Duration capped = step.compareTo(max) > 0 ? max : step;
        Duration half = capped.dividedBy(2);
        return Optional.of(half.plusNanos((long) (half.toNanos() * random)));
    }
}
