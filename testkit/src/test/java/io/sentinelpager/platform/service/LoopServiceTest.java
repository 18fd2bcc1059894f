package io.sentinelpager.platform.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.sentinelpager.testkit.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The loop runs on its own thread; the test steps it cycle by cycle (each cycle takes its outcome from a queue) and
 * moves the clock between them.
 */
class LoopServiceTest {

    private static final Duration STALL = Duration.ofSeconds(10);
    private static final Duration LONG = Duration.ofSeconds(30);
    /** Ends the loop's thread as an interrupt would, so that closing does not wait for a cycle. */
    private static final Object STOP = new Object();

    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-06T10:00:00Z"));
    private final BlockingQueue<Object> outcomes = new LinkedBlockingQueue<>();
    private final BlockingQueue<String> cycles = new LinkedBlockingQueue<>();
    private final LoopService service = new LoopService("test", () -> {
        cycles.add("started");
        Object outcome = outcomes.take();
        if (outcome == STOP) {
            throw new InterruptedException("test over");
        }
        if (outcome instanceof Exception e) {
            throw e;
        }
        return (Duration) outcome;
    }, Duration.ZERO, STALL, clock);

    @AfterEach
    void close() {
        outcomes.add(STOP);
        service.close();
    }

    @Test
    void readyOnceACycleCompletedAndNotWhileACycleHasRunForTheStallTimeout() throws Exception {
        service.start();
        awaitCycle();
        assertThat(service.ready()).as("no cycle completed yet").isFalse();
        endCycleWith(Duration.ZERO);
        assertThat(service.ready()).isTrue();

        clock.advance(STALL.minusSeconds(1));
        assertThat(service.ready()).as("a cycle may take a while").isTrue();
        clock.advance(Duration.ofSeconds(1));
        assertThat(service.ready()).as("a cycle that does not return").isFalse();

        endCycleWith(Duration.ZERO);
        assertThat(service.ready()).isTrue();
    }

    @Test
    void notReadyWhileCyclesKeepFailingForTheStallTimeout() throws Exception {
        service.start();
        awaitCycle();
        endCycleWith(Duration.ZERO);

        endCycleWith(new IllegalStateException("broker unreachable"));
        assertThat(service.ready()).as("one failure may pass").isTrue();
        // Each cycle fails within the timeout, so only the run of failures is too long.
        clock.advance(STALL.dividedBy(2));
        endCycleWith(new IllegalStateException("broker unreachable"));
        assertThat(service.ready()).isTrue();
        clock.advance(STALL.dividedBy(2));
        endCycleWith(new IllegalStateException("broker unreachable"));
        assertThat(service.ready()).as("failing since the stall timeout").isFalse();

        endCycleWith(Duration.ZERO);
        assertThat(service.ready()).isTrue();
    }

    @Test
    void aLongPauseBetweenCyclesIsNotAStall() throws Exception {
        service.start();
        awaitCycle();
        outcomes.add(LONG);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!service.ready() && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        // The loop now waits out its pause; nothing is under way.
        clock.advance(LONG);
        assertThat(service.ready()).isTrue();
    }

    /** Ends the cycle under way with the outcome and waits until the next one has begun. */
    private void endCycleWith(Object outcome) throws InterruptedException {
        outcomes.add(outcome);
        awaitCycle();
    }

    /** Waits until the loop has begun its next cycle, so the outcome of the one before has been recorded. */
    private void awaitCycle() throws InterruptedException {
        assertThat(cycles.poll(10, TimeUnit.SECONDS)).as("a cycle began").isNotNull();
    }
}
