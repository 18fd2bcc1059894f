package io.sentinelpager.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.micrometer.core.instrument.Gauge;
import io.sentinelpager.emulator.AzureEmulator;
import io.sentinelpager.emulator.EmulatorOptions;
import io.sentinelpager.emulator.SampleAlerts;
import io.sentinelpager.platform.local.LocalCluster;
import io.sentinelpager.platform.service.Service;
import io.sentinelpager.platform.service.ServiceContext;
import io.sentinelpager.schemas.ActionType;
import io.sentinelpager.schemas.AlertAction;
import io.sentinelpager.schemas.ConnectorHealth;
import io.sentinelpager.schemas.ConnectorState;
import io.sentinelpager.schemas.IngestSeen;
import io.sentinelpager.schemas.SecurityAlert;
import io.sentinelpager.schemas.SourceStatus;
import io.sentinelpager.schemas.Topics;
import io.sentinelpager.testkit.LocalClusterExtension;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * What ingest has seen is bounded by ingest.seen.retention: the topic is compact,delete with that retention, also
 * where it was compacted only before; ingest forgets in memory what it has not read for that long; and an alert
 * changed in Azure after it was forgotten is a change on alert.actions, never a second page. Ingest runs on a clock
 * that moves with real time and that the test moves a month ahead; Azure (the emulator) keeps real time.
 */
@ExtendWith(LocalClusterExtension.class)
class IngestSeenRetentionIT {

    static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path dir;
    AzureEmulator azure;
    String connector;
    FastForwardClock clock = new FastForwardClock();
    Map<String, String> settings;
    ServiceContext context;
    Service ingest;

    @BeforeEach
    void emulator() {
        azure = AzureEmulator.start(EmulatorOptions.defaults());
        connector = IngestTestKit.unique("seen");
        settings = new HashMap<>(IngestTestKit.connector(connector, azure, dir));
        settings.put(IngestConfig.GROUP_ID.name(), IngestTestKit.unique("ingest-seen-it"));
        settings.put(IngestConfig.INSTANCE_ID.name(), "it");
        settings.put(IngestConfig.POLL_INTERVAL.name(), "300ms");
    }

    @AfterEach
    void stop() {
        if (ingest != null) {
            ingest.close();
        }
        azure.close();
    }

    @Test
    void theSeenTopicOfAnOlderDeploymentBecomesCompactDeleteWithTheConfiguredRetention(LocalCluster cluster)
            throws Exception {
        settings.put(IngestConfig.SEEN_RETENTION.name(), "10d");
        context = IngestTestKit.context(cluster, settings, clock);
        ConfigResource seen = new ConfigResource(ConfigResource.Type.TOPIC, Topics.INGEST_SEEN.name());
        try (Admin admin = Admin.create(context.kafkaClientConfig())) {
            // As a deployment from before the retention has it: compacted only, every alert kept forever.
            admin.incrementalAlterConfigs(Map.of(seen, List.of(
                    new AlterConfigOp(new ConfigEntry("cleanup.policy", "compact"), AlterConfigOp.OpType.SET),
                    new AlterConfigOp(new ConfigEntry("retention.ms", ""), AlterConfigOp.OpType.DELETE))))
                    .all().get(30, TimeUnit.SECONDS);

            start();
            try (IngestTestKit.Reader reader = new IngestTestKit.Reader(context,
                    List.of(Topics.CONNECTOR_HEALTH.name()), r -> r.key().equals(connector))) {
                assertThat(reader.readUntil(r -> r.stream().anyMatch(h -> h.value() instanceof ConnectorHealth c
                        && c.getState() == ConnectorState.HEALTHY), WAIT)).as("ingest started and polled").isTrue();
            }

            Config config = admin.describeConfigs(List.of(seen)).all().get(30, TimeUnit.SECONDS).get(seen);
            assertThat(config.get("cleanup.policy").value()).isEqualTo("compact,delete");
            assertThat(config.get("retention.ms").value()).isEqualTo(String.valueOf(Duration.ofDays(10).toMillis()));
        }
    }

    @Test
    void anAlertUnreadForLongerThanTheRetentionIsForgottenAndItsNextChangeIsAnActionNotASecondPage(
            LocalCluster cluster) {
        context = IngestTestKit.context(cluster, settings, clock);
        start();
        String old = azure.alerts().add(SampleAlerts.defenderEndpoint()).get("id").asText();
        String oldKey = connector + ":" + old;
        try (IngestTestKit.Reader reader = reader()) {
            assertThat(reader.readUntil(r -> paged(r, oldKey) == 1, WAIT)).isTrue();
            // A newer alert moves the watermark past the first, which is then no longer re-read by every poll's
            // overlap: as in any tenant where alerts keep coming.
            String newer = azure.alerts().add(SampleAlerts.defenderEndpoint()).get("id").asText();
            String newerKey = connector + ":" + newer;
            assertThat(reader.readUntil(r -> paged(r, newerKey) == 1 && remembered() == 2, WAIT)).isTrue();

            // Half the retention on, the newer alert, still re-read by every poll, has its record written again.
            clock.advance(Duration.ofDays(16));
            Instant halfway = clock.instant();
            assertThat(reader.readUntil(r -> r.stream().anyMatch(s -> s.value() instanceof IngestSeen seen
                    && seen.getAlertKey().equals(newerKey) && !seen.getSeenAt().isBefore(halfway)), WAIT)).isTrue();

            // Past the retention for the first alert, not for the newer one: ingest forgets the first.
            clock.advance(Duration.ofDays(15));
            assertThat(reader.readUntil(r -> remembered() == 1, WAIT)).as("alerts remembered").isTrue();

            // An analyst resolves the forgotten alert in Defender.
            azure.alerts().update(old, JsonNodeFactory.instance.objectNode().put("status", "resolved"));

            assertThat(reader.readUntil(r -> r.stream().anyMatch(a -> a.value() instanceof AlertAction), WAIT))
                    .as("a change action for %s", oldKey).isTrue();
            assertThat(reader.values(AlertAction.class)).singleElement().satisfies(a -> {
                assertThat(a.getAlertKey()).isEqualTo(oldKey);
                assertThat(a.getType()).isEqualTo(ActionType.SOURCE_STATUS_CHANGED);
                assertThat(a.getSourceStatus()).isEqualTo(SourceStatus.RESOLVED);
                assertThat(a.getComment()).contains("30 days");
            });
            assertThat(paged(reader.records, oldKey)).as("pages of the forgotten alert").isEqualTo(1);
        }
    }

    @Test
    void anAlertWhoseRecordTheBrokerDeletedIsNotPagedAgainAfterARestart(LocalCluster cluster) throws Exception {
        context = IngestTestKit.context(cluster, settings, clock);
        start();
        String id = azure.alerts().add(SampleAlerts.defenderEndpoint()).get("id").asText();
        String key = connector + ":" + id;
        try (IngestTestKit.Reader reader = reader()) {
            assertThat(reader.readUntil(r -> paged(r, key) == 1, WAIT)).isTrue();
            ingest.close();
            ingest = null;

            // A month on, the broker has deleted the alert's record, as the topic's retention makes it do.
            clock.advance(Duration.ofDays(31));
            TopicPartition partition = new TopicPartition(Topics.INGEST_SEEN.name(),
                    IngestLoop.partitionOf(connector, Topics.INGEST_PARTITIONS));
            try (Admin admin = Admin.create(context.kafkaClientConfig())) {
                long end = admin.listOffsets(Map.of(partition, OffsetSpec.latest())).partitionResult(partition)
                        .get(30, TimeUnit.SECONDS).offset();
                admin.deleteRecords(Map.of(partition, RecordsToDelete.beforeOffset(end))).all()
                        .get(30, TimeUnit.SECONDS);
            }
            azure.alerts().update(id, JsonNodeFactory.instance.objectNode().put("status", "resolved"));
            start();

            assertThat(reader.readUntil(r -> r.stream().anyMatch(a -> a.value() instanceof AlertAction), WAIT))
                    .as("a change action for %s", key).isTrue();
            // The read that made the action is the one that would have paged it again: it is one or the other.
            assertThat(reader.values(AlertAction.class)).singleElement()
                    .satisfies(a -> assertThat(a.getSourceStatus()).isEqualTo(SourceStatus.RESOLVED));
            assertThat(paged(reader.records, key)).as("pages of the alert").isEqualTo(1);
        }
    }

    private void start() {
        ingest = IngestApp.create(context);
        ingest.start();
    }

    private IngestTestKit.Reader reader() {
        return new IngestTestKit.Reader(context, List.of(Topics.ALERTS_RAW.name(), Topics.ALERT_ACTIONS.name(),
                Topics.INGEST_SEEN.name()), r -> r.key().startsWith(connector + ":"));
    }

    private static long paged(List<org.apache.kafka.clients.consumer.ConsumerRecord<String,
            org.apache.avro.specific.SpecificRecord>> records, String key) {
        return records.stream().filter(r -> r.value() instanceof SecurityAlert a && a.getAlertKey().equals(key))
                .count();
    }

    /** The alerts of the connector that ingest holds in memory, as its metric tells; -1 before it polls. */
    private double remembered() {
        Gauge gauge = context.metrics().find("pager_ingest_seen_alerts").tag("connector", connector).gauge();
        return gauge == null ? -1 : gauge.value();
    }

    /** Runs with real time, so that ingest keeps polling, and jumps ahead when the test says. */
    static final class FastForwardClock extends Clock {

        private volatile Duration ahead = Duration.ZERO;

        void advance(Duration duration) {
            ahead = ahead.plus(duration);
        }

        @Override
        public Instant instant() {
            return Instant.now().plus(ahead);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            throw new UnsupportedOperationException("UTC only");
        }
    }
}
