package io.sentinelpager.enrich;

import static org.assertj.core.api.Assertions.assertThat;

import io.sentinelpager.testkit.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class QueryLimiterTest {

    final MutableClock clock = new MutableClock(Instant.parse("2026-05-05T08:00:00Z"));

    @Test
    void atMost200RequestsIn30SecondsThenWaitsUntilTheOldestLeavesTheWindow() {
        QueryLimiter limiter = new QueryLimiter(5, 200, Duration.ofSeconds(30), clock);
        for (int i = 0; i < 150; i++) {
            assertThat(limiter.reserve()).isZero();
        }
        clock.advance(Duration.ofSeconds(10));
        for (int i = 0; i < 50; i++) {
            assertThat(limiter.reserve()).isZero();
        }

        assertThat(limiter.reserve()).isEqualTo(Duration.ofSeconds(20));
        clock.advance(Duration.ofSeconds(19));
        assertThat(limiter.reserve()).isEqualTo(Duration.ofSeconds(1));
        clock.advance(Duration.ofSeconds(1));
        for (int i = 0; i < 150; i++) {
            assertThat(limiter.reserve()).as("the first 150 have left the window").isZero();
        }
        assertThat(limiter.reserve()).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void atMostFiveQueriesRunAtOnce() throws Exception {
        QueryLimiter limiter = new QueryLimiter(5, 200, Duration.ofSeconds(30), clock);
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch fiveRunning = new CountDownLatch(5);
        AtomicInteger running = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        ExecutorService callers = Executors.newFixedThreadPool(8);
        try {
            List<Future<String>> calls = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                calls.add(callers.submit(() -> limiter.call(() -> {
                    most.accumulateAndGet(running.incrementAndGet(), Math::max);
                    fiveRunning.countDown();
                    try {
                        release.await(10, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    running.decrementAndGet();
                    return "rows";
                })));
            }
            assertThat(fiveRunning.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(limiter.freeSlots()).isZero();
            assertThat(running.get()).isEqualTo(5);
            release.countDown();
            for (Future<String> call : calls) {
                assertThat(call.get(10, TimeUnit.SECONDS)).isEqualTo("rows");
            }
            assertThat(most.get()).isEqualTo(5);
        } finally {
            callers.shutdownNow();
        }
    }
}
