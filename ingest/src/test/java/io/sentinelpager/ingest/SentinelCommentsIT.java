package io.sentinelpager.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sentinelpager.azure.ConnectorConfig;
import io.sentinelpager.azure.Connectors;
import io.sentinelpager.azure.RollupSummary;
import io.sentinelpager.azure.SentinelIncidentsClient;
import io.sentinelpager.emulator.AzureEmulator;
import io.sentinelpager.emulator.EmulatorOptions;
import io.sentinelpager.emulator.SampleAlerts;
import io.sentinelpager.emulator.SentinelWorkspace;
import io.sentinelpager.platform.local.LocalCluster;
import io.sentinelpager.platform.service.Service;
import io.sentinelpager.platform.service.ServiceContext;
import io.sentinelpager.schemas.ActionType;
import io.sentinelpager.schemas.AlertAction;
import io.sentinelpager.schemas.AlertSource;
import io.sentinelpager.schemas.ConnectorHealth;
import io.sentinelpager.schemas.SecurityAlert;
import io.sentinelpager.schemas.SyncCommand;
import io.sentinelpager.schemas.Topics;
import io.sentinelpager.testkit.LocalClusterExtension;
import io.sentinelpager.testkit.MutableClock;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Comments on a Sentinel incident, read by ingest through the emulator's ARM API over HTTPS, with ingest's clock in
 * the test's hands: advancing it by the poll interval makes exactly one poll, whose end the connector's health record
 * marks. An analyst's comment reaches every alert of the incident in the first poll after it was added, once; our
 * note (written to the incident for one of its alerts, as syncback does), syncback's roll-up summary, and the comments
 * the incident had when its alerts were paged do not.
 */
@ExtendWith(LocalClusterExtension.class)
class SentinelCommentsIT {

    static final Duration WAIT = Duration.ofSeconds(60);
    static final Duration POLL = Duration.ofMinutes(1);
    static final SentinelWorkspace WORKSPACE = IngestTestKit.WORKSPACE;

    @TempDir
    Path dir;
    AzureEmulator azure;
    String connector;
    ServiceContext context;
    Service ingest;
    /** Whole milliseconds, as the health record keeps its poll time. */
    final MutableClock clock = new MutableClock(Instant.now().truncatedTo(ChronoUnit.MILLIS));

    @BeforeEach
    void start(LocalCluster cluster) {
        azure = AzureEmulator.start(EmulatorOptions.defaults());
        connector = IngestTestKit.unique("scom");
        Map<String, String> settings = new HashMap<>(IngestTestKit.sentinelConnector(connector, azure, dir));
        settings.put(IngestConfig.GROUP_ID.name(), IngestTestKit.unique("ingest-scom-it"));
        settings.put(IngestConfig.INSTANCE_ID.name(), "it");
        settings.put(IngestConfig.POLL_INTERVAL.name(), "1m");
        context = IngestTestKit.context(cluster, settings, clock);
    }

    @AfterEach
    void stop() {
        if (ingest != null) {
            ingest.close();
        }
        azure.close();
    }

    @Test
    void anAnalystsCommentReachesEachAlertOfTheIncidentInTheNextPollAndOursAndTheRollupDoNot() throws Exception {
        String incident = newIncident();
        String first = azure.incidents().addAlert(WORKSPACE, incident, alert("Brute force against Azure portal"))
                .get("name").asText();
        String second = azure.incidents().addAlert(WORKSPACE, incident, alert("Sign-in from a new country"))
                .get("name").asText();
        azure.incidents().addComment(WORKSPACE, incident, "Seen this before, probably the VPN", author("Soc Lead"));
        String prefix = connector + ":" + incident + ":";

        ingest = IngestApp.create(context);
        ingest.start();
        try (IngestTestKit.Reader reader = reader()) {
            awaitPoll(reader);
            assertThat(reader.values(SecurityAlert.class)).as("both alerts paged by the first poll").hasSize(2);
            assertThat(reader.values(AlertAction.class)).as("the comment the incident had before").isEmpty();

            // The responder's note on the second alert's page, as escalate asks and syncback writes it: the command
            // first, then the comment on the incident. Then the roll-up syncback adds, and an analyst's comment.
            String note = "ana (Sentinel Pager): on it, isolating the host";
            send(SyncCommand.newBuilder().setCommandId("note-" + UUID.randomUUID()).setAlertKey(prefix + second)
                    .setConnectorId(connector).setSource(AlertSource.SENTINEL).setAlertId(incident + ":" + second)
                    .setComment(note).setRequestedAt(Instant.now()).build());
            ConnectorConfig config = Connectors.from(context.config()).get(0);
            try (SentinelIncidentsClient client = SentinelIncidentsClient.create(config)) {
                client.addComment(incident, UUID.randomUUID(), note);
                client.addComment(incident, UUID.randomUUID(),
                        RollupSummary.PREFIX + "both alerts acknowledged by ana@contoso.example");
            }
            ObjectNode analyst = azure.incidents().addComment(WORKSPACE, incident,
                    "Isolated the host, check the VPN logs", author("Dana Analyst"));
            int polls = azure.requests().of("sentinel.incidents.list").size();

            advanceOnePoll(reader);

            assertThat(azure.requests().of("sentinel.incidents.list")).as("one poll").hasSize(polls + 1);
            List<AlertAction> actions = reader.values(AlertAction.class);
            assertThat(actions).extracting(AlertAction::getAlertKey).as("once for each alert of the incident")
                    .containsExactlyInAnyOrder(prefix + first, prefix + second);
            assertThat(actions).allSatisfy(action -> {
                assertThat(action.getType()).isEqualTo(ActionType.SOURCE_COMMENT);
                assertThat(action.getActor()).isEqualTo("Dana Analyst");
                assertThat(action.getComment()).as("the analyst's, not our note nor the roll-up")
                        .isEqualTo("Isolated the host, check the VPN logs");
                assertThat(action.getOccurredAt()).as("when it was written, to the millisecond an action keeps")
                        .isEqualTo(Instant.parse(analyst.at("/properties/createdTimeUtc").asText())
                                .truncatedTo(ChronoUnit.MILLIS));
            });

            // The next poll reads the incident again (its watermark's millisecond): nothing is imported twice.
            advanceOnePoll(reader);
            assertThat(reader.values(AlertAction.class)).hasSize(2);
            assertThat(reader.values(SecurityAlert.class)).hasSize(2);
        }
    }

    /** Moves ingest's clock on by the poll interval, waits until that poll has committed, and reads all it wrote. */
    private void advanceOnePoll(IngestTestKit.Reader reader) {
        clock.advance(POLL);
        awaitPoll(reader);
    }

    private void awaitPoll(IngestTestKit.Reader reader) {
        assertThat(reader.readUntil(r -> polled(reader), WAIT)).as("the poll at %s", clock.instant()).isTrue();
        assertThat(reader.readToEnd(WAIT)).as("what the poll at %s committed", clock.instant()).isTrue();
    }

    /** Whether the poll at the clock's time has ended: its health record is the last thing it commits. */
    private boolean polled(IngestTestKit.Reader reader) {
        return reader.values(ConnectorHealth.class).stream()
                .anyMatch(h -> clock.instant().equals(h.getLastSuccessAt()));
    }

    private String newIncident() {
        ObjectNode incident = JsonNodeFactory.instance.objectNode();
        incident.putObject("properties").put("title", "Multistage attack on contoso.example")
                .put("severity", "High").put("status", "New");
        return azure.incidents().add(WORKSPACE, incident).get("name").asText();
    }

    private static ObjectNode author(String name) {
        return JsonNodeFactory.instance.objectNode().put("name", name)
                .put("userPrincipalName", name.toLowerCase().replace(' ', '.') + "@contoso.example");
    }

    /** An alert entity shaped like the published sample ({@code sentinel-incident-alerts.response.json}). */
    private static ObjectNode alert(String name) {
        ObjectNode alert = ((ObjectNode) SampleAlerts.published("sentinel-incident-alerts.response.json")
                .get("value").get(0)).deepCopy();
        alert.remove(List.of("id", "name"));
        ((ObjectNode) alert.get("properties")).put("systemAlertId", UUID.randomUUID().toString())
                .put("alertDisplayName", name).put("severity", "High").put("timeGenerated", Instant.now().toString());
        return alert;
    }

    private IngestTestKit.Reader reader() {
        return new IngestTestKit.Reader(context, List.of(Topics.ALERTS_RAW.name(), Topics.ALERT_ACTIONS.name(),
                Topics.CONNECTOR_HEALTH.name()), r -> r.key().startsWith(connector));
    }

    private void send(SyncCommand command) throws Exception {
        Map<String, Object> config = new HashMap<>(context.kafkaClientConfig());
        config.putAll(context.serdes().clientConfig());
        config.put("acks", "all");
        try (KafkaProducer<String, SpecificRecord> producer = new KafkaProducer<>(config, new StringSerializer(),
                context.serdes().anyValue().serializer())) {
            producer.send(new ProducerRecord<>(Topics.SYNC_COMMANDS.name(), command.getAlertKey(), command)).get();
        }
    }
}
