package io.sentinelpager.emulator;

import java.time.Duration;
import java.util.Objects;

/**
 * A misbehaviour to inject into one route, the way Azure misbehaves: throttling with Retry-After,
 * server errors, slowness, a dropped connection. A fault hits the next {@link #times} calls,
 * {@link #percent} of all calls until the faults are cleared, or every call for a {@link #period}
 * from when it is injected (a storm, as when a tenant is throttled for half a minute).
 *
 * <pre>
 *   emulator.faults().inject("graph.alerts.list", Fault.throttle(Duration.ofSeconds(1)).times(3));
 *   emulator.faults().injectEverywhere(Fault.throttle(Duration.ofSeconds(8)).during(Duration.ofSeconds(30)));
 * </pre>
 *
 * @param kind     what happens to the call
 * @param delay    the Retry-After of THROTTLE and UNAVAILABLE, the added wait of LATENCY; zero otherwise
 * @param times    how many of the next calls it hits; 0 when {@code percent} or {@code period} decides instead
 * @param percent  the share of calls it hits, 1-100; 0 when {@code times} or {@code period} decides instead
 * @param period   how long after injection it hits every call, measured in real time (the client
 *                 under test waits in real time); zero when {@code times} or {@code percent} decides
 */
public record Fault(Kind kind, Duration delay, int times, int percent, Duration period) {

    public enum Kind {
        /** 429 with Retry-After. */
        THROTTLE,
        /** 500. */
        SERVER_ERROR,
        /** 503 with Retry-After. */
        UNAVAILABLE,
        /** The call is answered normally after an added wait. */
        LATENCY,
        /** The connection is dropped without an answer. */
        RESET
    }

    public Fault {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(delay, "delay");
        if (delay.isNegative()) {
            throw new IllegalArgumentException("delay must not be negative, got " + delay);
        }
        if ((kind == Kind.THROTTLE || kind == Kind.UNAVAILABLE) && delay.toMillis() % 1000 != 0) {
            // Retry-After carries whole seconds.
            throw new IllegalArgumentException("Retry-After must be whole seconds, got " + delay);
        }
        Objects.requireNonNull(period, "period");
        int deciders = (times > 0 ? 1 : 0) + (percent > 0 ? 1 : 0) + (period.isZero() ? 0 : 1);
        if (times < 0 || percent < 0 || percent > 100 || period.isNegative() || deciders != 1) {
            throw new IllegalArgumentException("a fault hits either the next 1 or more calls, 1-100 percent of"
                    + " calls, or every call for a period; got times=" + times + ", percent=" + percent
                    + ", period=" + period);
        }
    }

    /** A fault that hits the next call. */
    public Fault(Kind kind, Duration delay, int times, int percent) {
        this(kind, delay, times, percent, Duration.ZERO);
    }

    public static Fault throttle(Duration retryAfter) {
        return new Fault(Kind.THROTTLE, retryAfter, 1, 0);
    }

    public static Fault serverError() {
        return new Fault(Kind.SERVER_ERROR, Duration.ZERO, 1, 0);
    }

    public static Fault unavailable(Duration retryAfter) {
        return new Fault(Kind.UNAVAILABLE, retryAfter, 1, 0);
    }

    public static Fault latency(Duration delay) {
        return new Fault(Kind.LATENCY, delay, 1, 0);
    }

    public static Fault reset() {
        return new Fault(Kind.RESET, Duration.ZERO, 1, 0);
    }

    /** The same fault for the next {@code n} calls. */
    public Fault times(int n) {
        return new Fault(kind, delay, n, 0);
    }

    /** The same fault for {@code p} percent of calls, until cleared. */
    public Fault percent(int p) {
        return new Fault(kind, delay, 0, p);
    }

    /** The same fault for every call during {@code storm}, starting when it is injected. */
    public Fault during(Duration storm) {
        return new Fault(kind, delay, 0, 0, storm);
    }
}
