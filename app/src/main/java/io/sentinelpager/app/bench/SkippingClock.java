package io.sentinelpager.app.bench;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * The services' clock during a bench: the system's, plus an offset that only grows. It runs at the system's pace, so
 * the scenarios that time pages by a receipt's {@code at} (stamped by notify with this clock) read true until the
 * escalations scenario skips it forward, which is why that one runs after them. Kafka stamps records with the
 * system's clock, never this one.
 */
final class SkippingClock extends Clock {

    private volatile long offsetMillis;

    @Override
    public Instant instant() {
        return Instant.ofEpochMilli(System.currentTimeMillis() + offsetMillis);
    }

    /** From now on the clock reads at least {@code at}; a time already passed leaves it as it is. */
    void skipTo(Instant at) {
        long ahead = at.toEpochMilli() - System.currentTimeMillis();
        offsetMillis = Math.max(offsetMillis, ahead);
    }

    /** How far ahead of the system's clock this one is. */
    Duration offset() {
        return Duration.ofMillis(offsetMillis);
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        throw new UnsupportedOperationException("the bench's clock is UTC only");
    }
}
