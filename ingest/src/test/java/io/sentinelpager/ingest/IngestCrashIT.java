package io.sentinelpager.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.sentinelpager.emulator.AzureEmulator;
import io.sentinelpager.emulator.EmulatorOptions;
import io.sentinelpager.emulator.Fault;
import io.sentinelpager.emulator.SampleAlerts;
import io.sentinelpager.platform.local.LocalCluster;
import io.sentinelpager.platform.service.ServiceContext;
import io.sentinelpager.schemas.SecurityAlert;
import io.sentinelpager.schemas.Topics;
import io.sentinelpager.testkit.LocalClusterExtension;
import io.sentinelpager.testkit.process.ChildJvm;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 of an ingest process in the middle of paging 5,000 alerts, then a restart: every alert is on alerts.raw
 * exactly once for a read-committed reader. The pages committed before the kill are recognised from ingest.seen;
 * the transaction open at the kill is aborted when the restarted process takes the partition over.
 */
@ExtendWith(LocalClusterExtension.class)
class IngestCrashIT {

    static final int ALERTS = 5000;

    @TempDir
    Path dir;

    @Test
    void everyAlertIsPublishedExactlyOnceAcrossAKillDashNine(LocalCluster cluster) throws Exception {
        try (AzureEmulator azure = AzureEmulator.start(EmulatorOptions.defaults())) {
            Random random = new Random(4);
            for (int i = 0; i < ALERTS; i++) {
                azure.alerts().add(SampleAlerts.random(random));
            }
            // Slow pages, so that the kill lands while ingest is paging rather than after it finished.
            azure.faults().inject("graph.alerts.list", Fault.latency(Duration.ofMillis(40)).percent(100));
            String connector = IngestTestKit.unique("crash");
            Map<String, String> settings = new TreeMap<>(IngestTestKit.connector(connector, azure, dir));
            settings.putAll(cluster.settings());
            settings.put("health.port", "0");
            settings.put(IngestConfig.GROUP_ID.name(), IngestTestKit.unique("ingest-crash"));
            settings.put(IngestConfig.INSTANCE_ID.name(), "crash");
            settings.put(IngestConfig.PAGE_SIZE.name(), "50");
            settings.put(IngestConfig.POLL_INTERVAL.name(), "500ms");
            ServiceContext context = IngestTestKit.context(cluster, Map.of());
            ChildJvm jvm = new ChildJvm(dir);
            Path config = jvm.settings("ingest", settings);

            Process ingest = jvm.service("ingest-first", IngestApp.class, config);
            try (IngestTestKit.Reader reader = new IngestTestKit.Reader(context, List.of(Topics.ALERTS_RAW.name()),
                    r -> r.key().startsWith(connector + ":"))) {
                assertThat(reader.readUntil(r -> r.size() >= 1000, Duration.ofSeconds(120)))
                        .as("first pages committed").isTrue();
                int beforeKill = reader.records.size();
                ChildJvm.kill(ingest);
                assertThat(beforeKill).as("killed in the middle of paging").isLessThan(ALERTS);

                ingest = jvm.service("ingest-second", IngestApp.class, config);
                long restarted = System.nanoTime();
                assertThat(reader.readUntil(r -> r.size() >= ALERTS, Duration.ofSeconds(180))).isTrue();
                long caughtUpMs = (System.nanoTime() - restarted) / 1_000_000;
                // Give a duplicate the chance to show up: two more polls of the connector.
                reader.readUntil(r -> false, Duration.ofSeconds(3));

                Map<String, Integer> copies = new HashMap<>();
                reader.values(SecurityAlert.class).forEach(a -> copies.merge(a.getAlertKey(), 1, Integer::sum));
                Set<String> twice = new HashSet<>();
                copies.forEach((key, n) -> {
                    if (n > 1) {
                        twice.add(key);
                    }
                });
                System.out.printf("IngestCrashIT: %d alerts committed before kill -9; all %d after restart in %d ms;"
                        + " %d records, %d duplicated%n", beforeKill, copies.size(), caughtUpMs,
                        reader.records.size(), twice.size());
                assertThat(twice).as("alerts published twice").isEmpty();
                assertThat(copies).hasSize(ALERTS);
                assertThat(azure.alerts().all().stream().map(a -> connector + ":" + a.get("id").asText())
                        .collect(Collectors.toSet())).isEqualTo(copies.keySet());
            } finally {
                ingest.destroyForcibly();
            }
        }
    }
}
