package io.sentinelpager.app.bench;

import io.sentinelpager.app.EmbeddedPager;
import io.sentinelpager.app.EmbeddedPager.Tenant;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

/**
 * steady: R alerts a second for D seconds, each appearing at its own moment, over the connectors' tenants in turn.
 * Time to page is from Graph's createdDateTime to the send of the alert's first page; the poll interval is printed
 * beside it, since an alert waits for the next poll before anything else.
 */
final class SteadyScenario {

    record Result(int perSecond, int seconds, int alerts, int paged, long pollIntervalMs, long p50Ms, long p95Ms,
                  long p99Ms, long maxMs) {
    }

    private SteadyScenario() {
    }

    static Result run(EmbeddedPager pager, int perSecond, int seconds, Duration pollInterval, Duration timeout) {
        List<Tenant> tenants = pager.tenants();
        BenchAlerts make = new BenchAlerts(2);
        int alerts = perSecond * seconds;
        try (FlowWatch watch = new FlowWatch(pager.context())) {
            List<BenchAlerts.Appeared> appeared = new ArrayList<>(alerts);
            long start = System.nanoTime();
            for (int i = 0; i < alerts; i++) {
                long due = start + i * 1_000_000_000L / perSecond;
                for (long wait = due - System.nanoTime(); wait > 0; wait = due - System.nanoTime()) {
                    LockSupport.parkNanos(wait);
                }
                appeared.add(BenchAlerts.add(tenants.get(i % tenants.size()), make.next("medium")));
            }
            watch.expect(appeared.stream().map(BenchAlerts.Appeared::alertKey).toList());
            watch.awaitPaged(timeout);

            List<Long> toPage = new ArrayList<>();
            for (BenchAlerts.Appeared a : appeared) {
                Long sent = watch.sent().get(a.alertKey());
                if (sent != null) {
                    toPage.add(sent - a.createdAt().toEpochMilli());
                }
            }
            toPage.sort(null);
            return new Result(perSecond, seconds, alerts, toPage.size(), pollInterval.toMillis(),
                    percentile(toPage, 50), percentile(toPage, 95), percentile(toPage, 99),
                    toPage.isEmpty() ? 0 : toPage.get(toPage.size() - 1));
        }
    }

    /** Nearest rank: the smallest value that this percentage of the values is at or below. */
    static long percentile(List<Long> sorted, int percent) {
        if (sorted.isEmpty()) {
            return 0;
        }
        int rank = (int) Math.ceil(percent / 100.0 * sorted.size());
        return sorted.get(Math.max(0, rank - 1));
    }
}
