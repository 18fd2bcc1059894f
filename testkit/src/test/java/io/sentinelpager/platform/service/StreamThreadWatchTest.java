package io.sentinelpager.platform.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.sentinelpager.testkit.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StreamThreadWatchTest {

    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-06T10:00:00Z"));
    private final StreamThreadWatch watch = new StreamThreadWatch(clock, Duration.ofSeconds(10));

    @Test
    void aThreadWhoseCountsStopMovingIsStalledAfterTheTimeoutAndRecoversWhenTheyMove() {
        assertThat(watch.problem(Map.of("t1", 5.0))).isEmpty();
        clock.advance(Duration.ofSeconds(9));
        assertThat(watch.problem(Map.of("t1", 5.0))).isEmpty();
        clock.advance(Duration.ofSeconds(1));
        assertThat(watch.problem(Map.of("t1", 5.0))).hasValueSatisfying(p -> assertThat(p).contains("t1"));

        assertThat(watch.problem(Map.of("t1", 6.0))).isEmpty();
    }

    @Test
    void aThreadThatKeepsPollingOrProcessingIsNotStalled() {
        for (int i = 0; i < 10; i++) {
            assertThat(watch.problem(Map.of("t1", (double) i))).isEmpty();
            clock.advance(Duration.ofSeconds(5));
        }
    }

    @Test
    void aReplacedThreadIsForgottenAndItsSuccessorWatchedFromItsStart() {
        watch.problem(Map.of("t1", 5.0));
        clock.advance(Duration.ofSeconds(30));
        assertThat(watch.problem(Map.of("t2", 0.0))).isEmpty();
    }

    @Test
    void repeatedReplacementsAreALoopUntilTheyAgeOutOfTheWindow() {
        watch.replaced();
        clock.advance(Duration.ofMinutes(1));
        watch.replaced();
        assertThat(watch.problem(Map.of())).as("two replacements may be passing failures").isEmpty();
        clock.advance(Duration.ofMinutes(1));
        watch.replaced();
        assertThat(watch.problem(Map.of())).hasValueSatisfying(p -> assertThat(p).contains("3 stream threads"));

        clock.advance(Duration.ofMinutes(3).plusSeconds(1));
        assertThat(watch.problem(Map.of())).as("the first one is over five minutes old").isEmpty();
    }
}
