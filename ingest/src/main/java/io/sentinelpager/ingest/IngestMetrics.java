package io.sentinelpager.ingest;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Counts what became of each alert read, per connector: new, changed, echo, touched, duplicate, out_of_scope, dead_letter. */
final class IngestMetrics {

    private final MeterRegistry registry;
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();

    IngestMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    void alert(String connectorId, String outcome) {
        counters.computeIfAbsent(connectorId + "/" + outcome, k -> Counter.builder("pager_ingest_alerts")
                .tag("connector", connectorId).tag("outcome", outcome)
                .description("alerts read from Azure, by what ingest made of them").register(registry)).increment();
    }
}
