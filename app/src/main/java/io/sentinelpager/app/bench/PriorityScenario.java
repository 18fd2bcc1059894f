package io.sentinelpager.app.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sentinelpager.app.EmbeddedPager;
import io.sentinelpager.app.EmbeddedPager.Tenant;
import io.sentinelpager.schemas.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * priority: a storm of low-severity alerts appears at once in the first tenant; when ingest has written half of it,
 * one high-severity ransomware alert appears in the second tenant (the first, if there is only one). Its time to page
 * shows whether a page that matters waits behind the storm, in another tenant's poll or in a later stage.
 */
final class PriorityScenario {

    /**
     * @param stagesMs when the high alert reached each stage topic, ms after it appeared in Graph
     * @param ownTenant whether the high alert had a tenant of its own, away from the storm
     */
    record Result(int stormAlerts, boolean paged, long timeToPageMs, Map<String, Long> stagesMs, boolean ownTenant) {
    }

    private PriorityScenario() {
    }

    static Result run(EmbeddedPager pager, int stormAlerts, Duration timeout) {
        List<Tenant> tenants = pager.tenants();
        Tenant storm = tenants.get(0);
        Tenant other = tenants.get(Math.min(1, tenants.size() - 1));
        BenchAlerts make = new BenchAlerts(3);
        try (FlowWatch watch = new FlowWatch(pager.context())) {
            List<String> keys = new ArrayList<>(stormAlerts + 1);
            for (int i = 0; i < stormAlerts; i++) {
                keys.add(BenchAlerts.add(storm, make.next("low")).alertKey());
            }
            watch.await(() -> watch.appended(Topics.ALERTS_RAW).size() >= stormAlerts / 2, timeout);

            ObjectNode ransomware = make.next("high").put("title", "Ransomware encrypting files on a file server");
            BenchAlerts.Appeared high = BenchAlerts.add(other, ransomware);
            watch.track(high.alertKey());
            keys.add(high.alertKey());
            watch.expect(keys);
            // The storm drains before the next scenario starts, so that it measures an idle pipeline.
            watch.awaitPaged(timeout);

            long created = high.createdAt().toEpochMilli();
            Map<String, Long> stages = new LinkedHashMap<>();
            for (String stage : FlowWatch.TRACKED_STAGES) {
                Long at = watch.stagesOf(high.alertKey()).get(stage);
                if (at != null) {
                    stages.put(stage, at - created);
                }
            }
            Long sent = watch.sent().get(high.alertKey());
            return new Result(stormAlerts, sent != null, sent == null ? -1 : sent - created, stages, other != storm);
        }
    }
}
