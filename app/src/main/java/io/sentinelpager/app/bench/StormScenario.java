package io.sentinelpager.app.bench;

import io.sentinelpager.app.EmbeddedPager;
import io.sentinelpager.app.EmbeddedPager.Tenant;
import io.sentinelpager.schemas.TopicSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * storm: N alerts appear in Graph at once, spread evenly over the connectors' tenants, and the pipeline pages every
 * one. The end-to-end rate runs from the first alert's createdDateTime to the last page's send.
 */
final class StormScenario {

    /**
     * @param appendedPerStage each stage's record append times, epoch ms, for the chart
     * @param addMs            how long making the alerts appear took (they are added one by one)
     */
    record Result(int alerts, int connectors, int paged, long startMillis, long lastSentMillis, long addMs,
                  List<StageRate> stages, Map<String, List<Long>> appendedPerStage) {

        double alertsPerSecond() {
            return paged == 0 ? 0 : paged / Math.max(0.001, (lastSentMillis - startMillis) / 1000.0);
        }
    }

    private StormScenario() {
    }

    static Result run(EmbeddedPager pager, int alerts, Duration timeout) {
        List<Tenant> tenants = pager.tenants();
        BenchAlerts make = new BenchAlerts(1);
        try (FlowWatch watch = new FlowWatch(pager.context())) {
            List<BenchAlerts.Appeared> appeared = new ArrayList<>(alerts);
            long addStart = System.nanoTime();
            for (int i = 0; i < alerts; i++) {
                appeared.add(BenchAlerts.add(tenants.get(i % tenants.size()), make.next("medium")));
            }
            long addMs = Duration.ofNanos(System.nanoTime() - addStart).toMillis();
            watch.expect(appeared.stream().map(BenchAlerts.Appeared::alertKey).toList());
            watch.awaitPaged(timeout);

            long start = appeared.stream().mapToLong(a -> a.createdAt().toEpochMilli()).min().orElseThrow();
            long lastSent = watch.sent().values().stream().mapToLong(Long::longValue).max().orElse(start);
            List<StageRate> stages = new ArrayList<>();
            Map<String, List<Long>> appended = new LinkedHashMap<>();
            for (TopicSpec<String, ?> stage : FlowWatch.STAGES) {
                stages.add(StageRate.of(stage.name(), watch.appended(stage), start));
                appended.put(stage.name(), List.copyOf(watch.appended(stage)));
            }
            return new Result(alerts, tenants.size(), watch.paged(), start, lastSent, addMs, stages, appended);
        }
    }
}
