package io.sentinelpager.app.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sentinelpager.app.EmbeddedPager.Tenant;
import io.sentinelpager.emulator.SampleAlerts;
import java.time.Instant;
import java.util.Random;

/** The alerts the scenarios make appear in Graph: the demo's varied samples, at a severity the scenario picks. */
final class BenchAlerts {

    /** An alert in Graph: its key in the pipeline, and Graph's createdDateTime. */
    record Appeared(String alertKey, Instant createdAt) {
    }

    private final Random random;

    /** A fixed seed, so that every run pages the same alerts. */
    BenchAlerts(long seed) {
        this.random = new Random(seed);
    }

    ObjectNode next(String severity) {
        return SampleAlerts.random(random).put("severity", severity);
    }

    /** Adds the alert to the tenant's Graph; ingest's normalizer keys it {@code <connector>:<Graph id>}. */
    static Appeared add(Tenant tenant, ObjectNode alert) {
        ObjectNode stored = tenant.azure().alerts().add(alert);
        return new Appeared(tenant.connectorId() + ":" + stored.get("id").asText(),
                Instant.parse(stored.get("createdDateTime").asText()));
    }
}
