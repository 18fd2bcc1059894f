package io.sentinelpager.platform.service;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a {@link Loop} on its own thread: one cycle, then a pause, until closed. A cycle that throws is logged and
 * retried after the pause, so a passing outage does not end the service; the loop itself decides what a cycle must
 * not lose (ingest commits its watermark only with the alerts it covers).
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
    private final AtomicBoolean running = new AtomicBoolean();
    private final AtomicBoolean healthy = new AtomicBoolean();
    private final CountDownLatch wake = new CountDownLatch(1);
    private Thread thread;

    public LoopService(String name, Loop loop, Duration errorPause) {
        this.name = name;
        this.loop = loop;
        this.errorPause = errorPause;
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
            try {
                pause = loop.runOnce();
                healthy.set(true);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (Exception e) {
                if (!running.get()) {
                    // Closing: a cycle cut short by the shutdown is not an error; its transaction was not committed.
                    return;
                }
                log.error("{}: cycle failed, retrying in {}", name, errorPause, e);
                pause = errorPause;
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

    /** Ready once the first cycle has completed. */
    @Override
    public boolean ready() {
        return healthy.get();
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
