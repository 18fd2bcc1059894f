package io.sentinelpager.syncback;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.sentinelpager.schemas.RollupStatus;
import io.sentinelpager.schemas.SyncStatus;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What an operator watches of the write-back on /metrics: how many alerts of this instance have a write waiting for
 * Azure (a gauge that stays up while a connector is down), and every attempt's outcome per connector (a rejected or
 * expired write counts once).
 */
final class SyncMetrics {

    private final MeterRegistry registry;
    private final AtomicLong pending = new AtomicLong();

    SyncMetrics(MeterRegistry registry) {
        this.registry = registry;
        Gauge.builder("syncback.writes.pending", pending, AtomicLong::get)
                .description("alerts whose write to Azure is waiting for a retry or in flight, on this instance")
                .register(registry);
    }

    /** A task's count of pending writes changed by {@code delta} (it gained or lost an alert, or a partition). */
    void pendingChanged(long delta) {
        pending.addAndGet(delta);
    }

    /** A check of an incident's roll-up: APPLIED, WATCHING, PENDING (failed, tried again later), REJECTED or EXPIRED. */
    void rollup(String connectorId, RollupStatus status) {
        registry.counter("syncback.incident.rollups", "connector", connectorId, "outcome",
                status.name().toLowerCase(Locale.ROOT)).increment();
    }

    /** An attempt's outcome: APPLIED, PENDING (failed, tried again later), REJECTED or EXPIRED. */
    void outcome(String connectorId, SyncStatus status) {
        registry.counter("syncback.writes", "connector", connectorId, "outcome",
                status.name().toLowerCase(Locale.ROOT)).increment();
    }
}
