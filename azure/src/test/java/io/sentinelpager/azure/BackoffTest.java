package io.sentinelpager.azure;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class BackoffTest {

    private final Backoff backoff = new Backoff(3, Duration.ofSeconds(1), Duration.ofSeconds(10));

    @Test
    void retryAfterIsObeyedExactly() {
        assertThat(backoff.delay(1, Optional.of(Duration.ofSeconds(7)), 0.0)).contains(Duration.ofSeconds(7));
        assertThat(backoff.delay(1, Optional.of(Duration.ofSeconds(7)), 0.99)).contains(Duration.ofSeconds(7));
    }

    @Test
    void aRetryAfterBeyondTheMaximumIsLeftToTheCaller() {
        assertThat(backoff.delay(1, Optional.of(Duration.ofSeconds(11)), 0.5)).isEmpty();
    }

    @Test
    void withoutRetryAfterTheWaitDoublesWithinAJitteredHalfAndIsCapped() {
        assertThat(backoff.delay(1, Optional.empty(), 0.0)).contains(Duration.ofMillis(500));
        assertThat(backoff.delay(1, Optional.empty(), 0.999).orElseThrow()).isBetween(Duration.ofMillis(999), Duration.ofSeconds(1));
        assertThat(backoff.delay(3, Optional.empty(), 0.0)).contains(Duration.ofSeconds(2));
        assertThat(new Backoff(10, Duration.ofSeconds(1), Duration.ofSeconds(10)).delay(8, Optional.empty(), 0.0))
                .contains(Duration.ofSeconds(5));
    }

    @Test
    void attemptsAreBounded() {
        assertThat(backoff.delay(4, Optional.empty(), 0.5)).isEmpty();
        assertThat(backoff.delay(4, Optional.of(Duration.ofSeconds(1)), 0.5)).isEmpty();
    }

    @Test
    void retryAfterIsSecondsOrAnHttpDate() {
        Clock clock = Clock.fixed(Instant.parse("2026-05-05T10:00:00Z"), ZoneOffset.UTC);
        assertThat(RetryAfter.parse("3", clock)).contains(Duration.ofSeconds(3));
        assertThat(RetryAfter.parse("Tue, 05 May 2026 10:00:30 GMT", clock)).contains(Duration.ofSeconds(30));
        assertThat(RetryAfter.parse("soon", clock)).isEmpty();
        assertThat(RetryAfter.parse(null, clock)).isEmpty();
    }
}
