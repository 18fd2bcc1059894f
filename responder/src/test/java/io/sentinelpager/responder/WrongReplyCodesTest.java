package io.sentinelpager.responder;

import static org.assertj.core.api.Assertions.assertThat;

import io.sentinelpager.testkit.MutableClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The per-number throttle of SMS reply codes, on a clock the test moves. */
class WrongReplyCodesTest {

    static final Instant T0 = Instant.parse("2026-12-06T03:00:00Z");
    final MutableClock clock = new MutableClock(T0);
    final WrongReplyCodes wrong = new WrongReplyCodes(clock);

    @Test
    void fiveWrongCodesWithinFifteenMinutesStopTheNumberUntilTheFirstIsFifteenMinutesOld() {
        for (int i = 0; i < 5; i++) {
            assertThat(wrong.blockedUntil("+15550001")).as("after %d wrong codes", i).isEmpty();
            wrong.failed("+15550001");
            clock.advance(Duration.ofMinutes(1));
        }

        assertThat(wrong.blockedUntil("+15550001")).contains(T0.plus(Duration.ofMinutes(15)));
        assertThat(wrong.blockedUntil("+15550002")).as("another number").isEmpty();

        clock.advance(Duration.ofMinutes(10).minusSeconds(1));
        assertThat(wrong.blockedUntil("+15550001")).as("a second before the first is 15 minutes old").isPresent();
        clock.advance(Duration.ofSeconds(1));
        assertThat(wrong.blockedUntil("+15550001")).as("one try back, the other four still count").isEmpty();
        wrong.failed("+15550001");
        assertThat(wrong.blockedUntil("+15550001")).contains(T0.plus(Duration.ofMinutes(16)));
    }
}
