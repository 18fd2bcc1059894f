package io.sentinelpager.platform.service;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a {@link Loop} on its own thread: one cycle, then a pause, until closed. A cycle that throws is logged and
 * retried after the pause, so a passing outage does not end the service; the loop itself decides what a cycle must
 * not lose (ingest commits its watermark only with the alerts it covers).
 *
 * <p>Ready once a cycle has completed, and not while the loop makes no progress: while a cycle has run for the stall
 * timeout without returning, or cycles have kept failing for as long. A loop with no work returns at once, so only a
 * loop that has work can be stalled.
 */
public final class LoopService implements Service {

    private static final Logger log = LoggerFactory.getLogger(LoopService.class);

    /** One unit of work; returns how long to wait before the next. */
    public interface Loop extends AutoCloseable {
        Duration runOnce() throws Exception;

        @Override
        default void close() {
        }
    }

    private final String name;
    private final Loop loop;
    private final Duration errorPause;
    private final Duration stallTimeout;
    private final Clock clock;
    private final AtomicBoolean running = new AtomicBoolean();
    private final AtomicBoolean completedOnce = new AtomicBoolean();
    private final CountDownLatch wake = new CountDownLatch(1);
    /** When the cycle under way began; null between cycles. */
    private volatile Instant cycleStarted;
    /** When the first of the cycles that failed since the last success began; null after a success. */
    private volatile Instant failingSince;
    private Thread thread;

    /** @param stallTimeout how long a cycle may run, or cycles keep failing, before the service is not ready */
    public LoopService(String name, Loop loop, Duration errorPause, Duration stallTimeout) {
        // Wall time, not the service's clock: a test may move that by hours, and health is about now.
        this(name, loop, errorPause, stallTimeout, Clock.systemUTC());
    }

    LoopService(String name, Loop loop, Duration errorPause, Duration stallTimeout, Clock clock) {
        this.name = name;
        this.loop = loop;
        this.errorPause = errorPause;
        this.stallTimeout = stallTimeout;
        this.clock = clock;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void start() {
        if (!running.compareAndSet(false, true)) {
            return;
        }
        thread = new Thread(this::run, name + "-loop");
        thread.start();
    }

    private void run() {
        while (running.get()) {
            Duration pause;
            Instant started = clock.instant();
            cycleStarted = started;
            try {
                pause = loop.runOnce();
                completedOnce.set(true);
                failingSince = null;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (Exception e) {
                if (!running.get()) {
                    // Closing: a cycle cut short by the shutdown is not an error; its transaction was not committed.
                    return;
                }
                log.error("{}: cycle failed, retrying in {}", name, errorPause, e);
                if (failingSince == null) {
                    failingSince = started;
                }
                pause = errorPause;
            } finally {
                cycleStarted = null;
            }
            try {
                if (wake.await(pause.toMillis(), TimeUnit.MILLISECONDS)) {
                    return;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    @Override
    public boolean ready() {
        Instant stalledBefore = clock.instant().minus(stallTimeout);
        Instant cycle = cycleStarted;
        Instant failing = failingSince;
        return completedOnce.get()
                && (cycle == null || cycle.isAfter(stalledBefore))
                && (failing == null || failing.isAfter(stalledBefore));
    }

    @Override
    public void close() {
        if (!running.compareAndSet(true, false)) {
            return;
        }
        wake.countDown();
        try {
            thread.join(Duration.ofSeconds(30).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            loop.close();
        } catch (Exception e) {
            log.warn("{}: close failed", name, e);
        }
    }
}
