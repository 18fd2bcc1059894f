package io.sentinelpager.azure;

import com.azure.core.http.policy.RetryStrategy;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * {@link Backoff} as azure-core's retry strategy. azure-core's RetryPolicy itself obeys Retry-After
 * (and ARM's x-ms-retry-after-ms) when a response has one and asks this strategy only when it has
 * not; it retries 408, 429, 5xx (but 501 and 505) and I/O failures.
 */
final class BackoffRetryStrategy implements RetryStrategy {

    private final Backoff backoff;

    BackoffRetryStrategy(Backoff backoff) {
        this.backoff = backoff;
    }

    @Override
    public int getMaxRetries() {
        return backoff.maxRetries();
    }

    /** @param retryAttempts azure-core counts from 0 for the first retry */
    @Override
    public Duration calculateRetryDelay(int retryAttempts) {
        return backoff.delay(retryAttempts + 1, Optional.empty(), ThreadLocalRandom.current().nextDouble())
                .orElse(backoff.max());
    }
}
