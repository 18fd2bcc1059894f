package io.sentinelpager.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sentinelpager.azure.AlertUpdate;
import io.sentinelpager.azure.ConnectorConfig;
import io.sentinelpager.azure.Connectors;
import io.sentinelpager.azure.GraphAlertsClient;
import io.sentinelpager.emulator.AzureEmulator;
import io.sentinelpager.emulator.EmulatorOptions;
import io.sentinelpager.emulator.Fault;
import io.sentinelpager.emulator.SampleAlerts;
import io.sentinelpager.platform.local.LocalCluster;
import io.sentinelpager.platform.service.Service;
import io.sentinelpager.platform.service.ServiceContext;
import io.sentinelpager.schemas.ActionType;
import io.sentinelpager.schemas.AlertAction;
import io.sentinelpager.schemas.AlertSource;
import io.sentinelpager.schemas.ConnectorHealth;
import io.sentinelpager.schemas.ConnectorState;
import io.sentinelpager.schemas.IngestSeen;
import io.sentinelpager.schemas.SecurityAlert;
import io.sentinelpager.schemas.Severity;
import io.sentinelpager.schemas.SourceStatus;
import io.sentinelpager.schemas.SyncCommand;
import io.sentinelpager.schemas.Topics;
import io.sentinelpager.testkit.LocalClusterExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ingest against a real broker and registry and the Azure emulator over HTTPS, with Microsoft's Graph SDK: new alerts
 * reach alerts.raw once, an analyst's change in Azure becomes an action, our own write-back does not, a connector
 * outage raises and clears an alert of our own, and an oversized alert is cut rather than lost.
 */
@ExtendWith(LocalClusterExtension.class)
class IngestIT {

    static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path dir;
    AzureEmulator azure;
    String connector;
    ServiceContext context;
    Service ingest;

    @BeforeEach
    void start(LocalCluster cluster) {
        azure = AzureEmulator.start(EmulatorOptions.defaults());
        connector = IngestTestKit.unique("it");
        Map<String, String> settings = new HashMap<>(IngestTestKit.connector(connector, azure, dir));
        settings.put(IngestConfig.GROUP_ID.name(), IngestTestKit.unique("ingest-it"));
        settings.put(IngestConfig.INSTANCE_ID.name(), "it");
        settings.put(IngestConfig.POLL_INTERVAL.name(), "300ms");
        settings.put(IngestConfig.OUTAGE_THRESHOLD.name(), "3s");
        context = IngestTestKit.context(cluster, settings);
        ingest = IngestApp.create(context);
        ingest.start();
    }

    @AfterEach
    void stop() {
        ingest.close();
        azure.close();
    }

    @Test
    void anAlertResolvedByAnAnalystInAzureBecomesASourceStatusChangedAction() {
        String id = azure.alerts().add(SampleAlerts.defenderEndpoint()).get("id").asText();
        String key = connector + ":" + id;
        try (IngestTestKit.Reader reader = reader(key)) {
            assertThat(reader.readUntil(r -> !onTopic(r, SecurityAlert.class).isEmpty(), WAIT)).isTrue();

            azure.alerts().update(id, changes("resolved", "soc-lead@contoso.example"));

            assertThat(reader.readUntil(r -> !onTopic(r, AlertAction.class).isEmpty(), WAIT))
                    .as("a SOURCE_STATUS_CHANGED action for %s", key).isTrue();
            AlertAction action = reader.values(AlertAction.class).get(0);
            assertThat(action.getType()).isEqualTo(ActionType.SOURCE_STATUS_CHANGED);
            assertThat(action.getSourceStatus()).isEqualTo(SourceStatus.RESOLVED);
            assertThat(action.getActor()).isEqualTo(connector);
            assertThat(action.getChannel()).isEqualTo("azure");
            assertThat(action.getComment()).contains("assigned to soc-lead@contoso.example");
            // The change went to alert.actions, not as a second copy of the alert.
            assertThat(reader.values(SecurityAlert.class)).hasSize(1);
        }
    }

    @Test
    void ourOwnWriteBackDoesNotComeBackAsAnAction() throws Exception {
        String id = azure.alerts().add(SampleAlerts.defenderEndpoint()).get("id").asText();
        String key = connector + ":" + id;
        try (IngestTestKit.Reader reader = reader(key)) {
            assertThat(reader.readUntil(r -> !onTopic(r, SecurityAlert.class).isEmpty(), WAIT)).isTrue();

            // What escalate asks and syncback then does: the command first, then the PATCH through the Graph SDK.
            SyncCommand command = SyncCommand.newBuilder().setCommandId("ack-" + key).setAlertKey(key)
                    .setConnectorId(connector).setSource(AlertSource.GRAPH).setAlertId(id)
                    .setTargetStatus(SourceStatus.IN_PROGRESS).setAssignedTo("ana@contoso.example")
                    .setRequestedAt(Instant.now()).build();
            send(Topics.SYNC_COMMANDS.name(), key, command);
            ConnectorConfig graph = Connectors.from(context.config()).get(0);
            try (GraphAlertsClient client = GraphAlertsClient.create(graph)) {
                client.updateAlert(id, new AlertUpdate(com.microsoft.graph.models.security.AlertStatus.InProgress,
                        "ana@contoso.example", null, null));
            }
            String patchedAt = azure.alerts().get(id).orElseThrow().get("lastUpdateDateTime").asText();

            assertThat(reader.readUntil(r -> r.stream().anyMatch(c -> c.value() instanceof IngestSeen s
                    && "ack-" .concat(key).equals(s.getEchoedCommandId())), WAIT))
                    .as("ingest read the PATCHed alert (updated %s) and recognised our command", patchedAt).isTrue();
            assertThat(reader.values(AlertAction.class)).as("no action for our own write").isEmpty();

            // The poller is alive and still tells an analyst's change from ours.
            azure.alerts().update(id, changes("resolved", "ana@contoso.example"));
            assertThat(reader.readUntil(r -> !onTopic(r, AlertAction.class).isEmpty(), WAIT)).isTrue();
            assertThat(reader.values(AlertAction.class)).singleElement()
                    .satisfies(a -> assertThat(a.getSourceStatus()).isEqualTo(SourceStatus.RESOLVED));
        }
    }

    @Test
    void aConnectorOutageRaisesOneAlertOfOurOwnAndRecoveryClosesIt() {
        try (IngestTestKit.Reader reader = new IngestTestKit.Reader(context,
                List.of(Topics.ALERTS_RAW.name(), Topics.ALERT_ACTIONS.name(), Topics.CONNECTOR_HEALTH.name()),
                r -> r.key().startsWith(connector))) {
            assertThat(reader.readUntil(r -> health(r, ConnectorState.HEALTHY), WAIT)).isTrue();
            azure.faults().inject("graph.alerts.list", Fault.unavailable(Duration.ZERO).percent(100));

            assertThat(reader.readUntil(r -> !onTopic(r, SecurityAlert.class).isEmpty(), WAIT))
                    .as("an outage alert after the 3 s threshold").isTrue();
            SecurityAlert raised = reader.values(SecurityAlert.class).get(0);
            assertThat(raised.getSource()).isEqualTo(AlertSource.PAGER);
            assertThat(raised.getSeverity()).isEqualTo(Severity.HIGH);
            assertThat(raised.getTitle()).contains(connector).contains("503");
            assertThat(reader.values(ConnectorHealth.class)).anySatisfy(h -> {
                assertThat(h.getState()).isEqualTo(ConnectorState.DOWN);
                assertThat(h.getLastError()).contains("503");
            });
            // Nothing that reaches a topic carries the client secret.
            assertThat(reader.records).allSatisfy(r -> assertThat(r.value().toString())
                    .doesNotContain(azure.options().clientSecret()));

            azure.faults().clear();
            azure.faults().inject("graph.alerts.list", Fault.reset().times(2));
            assertThat(reader.readUntil(r -> !onTopic(r, AlertAction.class).isEmpty(), WAIT))
                    .as("the outage alert closed on recovery").isTrue();
            AlertAction closed = reader.values(AlertAction.class).get(0);
            assertThat(closed.getAlertKey()).isEqualTo(raised.getAlertKey());
            assertThat(closed.getType()).isEqualTo(ActionType.SOURCE_STATUS_CHANGED);
            assertThat(closed.getSourceStatus()).isEqualTo(SourceStatus.RESOLVED);
            assertThat(reader.values(SecurityAlert.class)).as("one page for the one outage").hasSize(1);
        }
    }

    @Test
    void aOneMegabyteDescriptionIsCutWithAMarkerAndStillPaged() {
        ObjectNode huge = SampleAlerts.defenderEndpoint();
        huge.put("description", "x".repeat(1_100_000));
        String id = azure.alerts().add(huge).get("id").asText();
        try (IngestTestKit.Reader reader = reader(connector + ":" + id)) {
            assertThat(reader.readUntil(r -> !onTopic(r, SecurityAlert.class).isEmpty(), WAIT)).isTrue();
            SecurityAlert alert = reader.values(SecurityAlert.class).get(0);
            assertThat(alert.getDescription()).hasSizeLessThan(40_000).contains("… [cut: 1100000 bytes in all]");
            assertThat(alert.getSourceJson()).contains("sentinelPagerTruncated");
        }
    }

    private IngestTestKit.Reader reader(String key) {
        return new IngestTestKit.Reader(context, List.of(Topics.ALERTS_RAW.name(), Topics.ALERT_ACTIONS.name(),
                Topics.INGEST_SEEN.name(), Topics.ALERTS_RAW.deadLetterTopic()), r -> key.equals(r.key()));
    }

    private static <T> List<T> onTopic(List<org.apache.kafka.clients.consumer.ConsumerRecord<String,
            org.apache.avro.specific.SpecificRecord>> records, Class<T> type) {
        return records.stream().map(r -> r.value()).filter(type::isInstance).map(type::cast).toList();
    }

    private static boolean health(List<org.apache.kafka.clients.consumer.ConsumerRecord<String,
            org.apache.avro.specific.SpecificRecord>> records, ConnectorState state) {
        return onTopic(records, ConnectorHealth.class).stream().anyMatch(h -> h.getState() == state);
    }

    private static ObjectNode changes(String status, String assignedTo) {
        return JsonNodeFactory.instance.objectNode().put("status", status).put("assignedTo", assignedTo);
    }

    private void send(String topic, String key, org.apache.avro.specific.SpecificRecord value) throws Exception {
        Map<String, Object> config = new HashMap<>(context.kafkaClientConfig());
        config.putAll(context.serdes().clientConfig());
        config.put("acks", "all");
        try (KafkaProducer<String, org.apache.avro.specific.SpecificRecord> producer = new KafkaProducer<>(config,
                new StringSerializer(), context.serdes().anyValue().serializer())) {
            producer.send(new ProducerRecord<>(topic, key, value)).get();
        }
    }
}
