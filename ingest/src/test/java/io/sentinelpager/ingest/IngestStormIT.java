package io.sentinelpager.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.sentinelpager.emulator.AzureEmulator;
import io.sentinelpager.emulator.EmulatorOptions;
import io.sentinelpager.emulator.SampleAlerts;
import io.sentinelpager.platform.local.LocalCluster;
import io.sentinelpager.platform.service.Service;
import io.sentinelpager.platform.service.ServiceContext;
import io.sentinelpager.schemas.ConnectorHealth;
import io.sentinelpager.schemas.ConnectorState;
import io.sentinelpager.schemas.SecurityAlert;
import io.sentinelpager.schemas.Topics;
import io.sentinelpager.testkit.LocalClusterExtension;
import io.sentinelpager.testkit.MutableClock;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * One tenant's storm never delays another tenant's poll. One ingest instance owns two connectors, each its own tenant;
 * a storm of several pages appears in the first while one high-severity alert appears in the second, and both
 * connectors come due in the same cycle. The second tenant's alert must reach alerts.raw after at most one page of the
 * storm, and the storm must still arrive whole, each alert once.
 *
 * <p>Every alert's id is chosen so that its key lands on one partition of alerts.raw: there, the order of the records
 * is the order in which ingest committed them, which is what the test judges. Ingest's clock is the test's, so the
 * moment both connectors come due is the test's to choose, without sleeping.
 */
@ExtendWith(LocalClusterExtension.class)
class IngestStormIT {

    static final int STORM = 2_000;
    static final int PAGE = 200;
    static final Duration POLL_INTERVAL = Duration.ofSeconds(30);
    static final Duration WAIT = Duration.ofSeconds(120);
    /** The partition of alerts.raw that every alert of this test goes to. */
    static final int PARTITION = 0;

    @TempDir
    Path dir;

    @Test
    void aStormInOneTenantDelaysAnotherTenantsAlertByAtMostOnePage(LocalCluster cluster) throws Exception {
        MutableClock clock = new MutableClock(Instant.now());
        // Ingest polls its connectors in the order of their ids: the storming one comes first, the worst case.
        String storming = IngestTestKit.unique("a-storm");
        String quiet = IngestTestKit.unique("b-quiet");
        try (AzureEmulator stormTenant = AzureEmulator.start(EmulatorOptions.defaults());
             AzureEmulator quietTenant = AzureEmulator.start(EmulatorOptions.defaults())) {
            Map<String, String> settings = new HashMap<>(IngestTestKit.connector(storming, stormTenant, dir));
            settings.putAll(IngestTestKit.connector(quiet, quietTenant, dir));
            settings.put(IngestConfig.GROUP_ID.name(), IngestTestKit.unique("ingest-storm"));
            settings.put(IngestConfig.INSTANCE_ID.name(), "storm");
            settings.put(IngestConfig.PAGE_SIZE.name(), String.valueOf(PAGE));
            settings.put(IngestConfig.POLL_INTERVAL.name(), POLL_INTERVAL.toSeconds() + "s");
            // One lane, so that the order on alerts.raw is the order of the connectors' turns this test is about.
            settings.put(IngestConfig.URGENT_SEVERITIES.name(), "none");
            ServiceContext context = IngestTestKit.context(cluster, settings, clock);
            try (Service ingest = IngestApp.create(context);
                 IngestTestKit.Reader health = new IngestTestKit.Reader(context,
                         List.of(Topics.CONNECTOR_HEALTH.name()), r -> r.key().equals(storming)
                         || r.key().equals(quiet));
                 IngestTestKit.Reader raw = new IngestTestKit.Reader(context, List.of(Topics.ALERTS_RAW.name()),
                         r -> r.key().startsWith(storming + ":") || r.key().startsWith(quiet + ":"))) {
                ingest.start();
                assertThat(health.readUntil(r -> healthy(health).size() == 2, WAIT))
                        .as("both connectors polled once, finding nothing").isTrue();

                // The storm and the other tenant's alert appear at the same moment; then both connectors come due.
                Random random = new Random(16);
                for (int i = 0; i < STORM; i++) {
                    stormTenant.alerts().add(SampleAlerts.random(random)
                            .put("id", idOnPartition(storming, "storm-" + i + "-")).put("severity", "low"));
                }
                String urgent = quietTenant.alerts().add(SampleAlerts.defenderEndpoint()
                        .put("id", idOnPartition(quiet, "ransomware-")).put("severity", "high")).get("id").asText();
                clock.advance(POLL_INTERVAL);

                assertThat(raw.readUntil(r -> paged(raw).size() == STORM + 1, WAIT))
                        .as("the storm and the other tenant's alert on alerts.raw; have %d", paged(raw).size())
                        .isTrue();
                List<String> order = raw.records.stream().map(ConsumerRecord::key).toList();
                int before = order.indexOf(quiet + ":" + urgent);
                System.out.printf("IngestStormIT: %d of the storm's %d alerts (%d a page) reached alerts.raw before"
                        + " the other tenant's alert%n", before, STORM, PAGE);
                assertThat(raw.records).allSatisfy(r -> assertThat(r.partition()).isEqualTo(PARTITION));
                assertThat(before).as("alerts of the storm ahead of the other tenant's alert on alerts.raw")
                        .isLessThanOrEqualTo(PAGE);
                assertThat(paged(raw)).as("every alert once").allSatisfy((key, n) -> assertThat(n).isOne());
            }
        }
    }

    /** Connectors whose last health record says healthy. */
    private static List<String> healthy(IngestTestKit.Reader health) {
        Map<String, ConnectorHealth> last = health.values(ConnectorHealth.class).stream()
                .collect(Collectors.toMap(ConnectorHealth::getConnectorId, Function.identity(), (a, b) -> b));
        return last.values().stream().filter(h -> h.getState() == ConnectorState.HEALTHY)
                .map(ConnectorHealth::getConnectorId).toList();
    }

    /** Alert key → how often it reached alerts.raw. */
    private static Map<String, Long> paged(IngestTestKit.Reader raw) {
        return raw.records.stream().filter(r -> r.value() instanceof SecurityAlert)
                .collect(Collectors.groupingBy(ConsumerRecord<String, SpecificRecord>::key, Collectors.counting()));
    }

    /** An alert id starting with {@code prefix} whose key in alerts.raw goes to {@link #PARTITION}. */
    private static String idOnPartition(String connector, String prefix) {
        for (int i = 0; ; i++) {
            String id = prefix + i;
            if (IngestLoop.partitionOf(connector + ":" + id, Topics.ALERT_PARTITIONS) == PARTITION) {
                return id;
            }
        }
    }
}
