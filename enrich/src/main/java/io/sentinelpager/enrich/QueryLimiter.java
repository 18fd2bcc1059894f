package io.sentinelpager.enrich;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.Semaphore;
import java.util.function.Supplier;

/**
 * Keeps one connector within Log Analytics' limits per caller: at most {@code concurrent} queries at once and at most
 * {@code perWindow} requests in any {@code window} (a sliding window of start times, read from the injected clock).
 * Every query of the connector passes through its one limiter, so the limits hold however many alerts are enriched at
 * once; a caller beyond them waits here instead of being answered 429.
 */
final class QueryLimiter {

    private final Semaphore running;
    private final int perWindow;
    private final Duration window;
    private final Clock clock;
    private final Deque<Instant> starts = new ArrayDeque<>();

    QueryLimiter(int concurrent, int perWindow, Duration window, Clock clock) {
        this.running = new Semaphore(concurrent, true);
        this.perWindow = perWindow;
        this.window = window;
        this.clock = clock;
    }

    /** Runs the query once a slot is free and the window allows another request. */
    <T> T call(Supplier<T> query) throws InterruptedException {
        running.acquire();
        try {
            for (Duration wait = reserve(); !wait.isZero(); wait = reserve()) {
                Thread.sleep(Math.max(1, wait.toMillis()));
            }
            return query.get();
        } finally {
            running.release();
        }
    }

    /**
     * Takes a request from the window now and returns zero, or takes nothing and returns how long until the oldest
     * request leaves the window.
     */
    synchronized Duration reserve() {
        Instant now = clock.instant();
        while (!starts.isEmpty() && !starts.peekFirst().plus(window).isAfter(now)) {
            starts.removeFirst();
        }
        if (starts.size() < perWindow) {
            starts.addLast(now);
            return Duration.ZERO;
        }
        return Duration.between(now, starts.peekFirst().plus(window));
    }

    /** Queries that may start now without waiting for a running one. */
    int freeSlots() {
        return running.availablePermits();
    }
}
