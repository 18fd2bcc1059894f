package io.sentinelpager.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sentinelpager.azure.ConnectorConfig;
import io.sentinelpager.azure.Connectors;
import io.sentinelpager.azure.IncidentUpdate;
import io.sentinelpager.azure.SentinelIncident;
import io.sentinelpager.azure.SentinelIncidentsClient;
import io.sentinelpager.emulator.AzureEmulator;
import io.sentinelpager.emulator.EmulatorOptions;
import io.sentinelpager.emulator.Fault;
import io.sentinelpager.emulator.SampleAlerts;
import io.sentinelpager.emulator.SentinelWorkspace;
import io.sentinelpager.platform.local.LocalCluster;
import io.sentinelpager.platform.service.Service;
import io.sentinelpager.platform.service.ServiceContext;
import io.sentinelpager.schemas.ActionType;
import io.sentinelpager.schemas.AlertAction;
import io.sentinelpager.schemas.AlertSource;
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
 * A connector with {@code source=sentinel} against a real broker and registry and the emulator's Sentinel ARM API
 * over HTTPS: each alert of a new incident is paged once, under the incident as its group; an analyst closing the
 * incident becomes an action for each of its alerts; our own write to the incident is not; ARM's throttling delays
 * the page without losing or repeating it.
 */
@ExtendWith(LocalClusterExtension.class)
class SentinelIngestIT {

    static final Duration WAIT = Duration.ofSeconds(60);
    static final SentinelWorkspace WORKSPACE = IngestTestKit.WORKSPACE;

    @TempDir
    Path dir;
    AzureEmulator azure;
    String connector;
    ServiceContext context;
    Service ingest;

    @BeforeEach
    void start(LocalCluster cluster) {
        azure = AzureEmulator.start(EmulatorOptions.defaults());
        connector = IngestTestKit.unique("sen");
        Map<String, String> settings = new HashMap<>(IngestTestKit.sentinelConnector(connector, azure, dir));
        settings.put(IngestConfig.GROUP_ID.name(), IngestTestKit.unique("ingest-sen-it"));
        settings.put(IngestConfig.INSTANCE_ID.name(), "it");
        settings.put(IngestConfig.POLL_INTERVAL.name(), "300ms");
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
    void eachAlertOfAnIncidentIsPagedOnceAndAnAnalystClosingItBecomesAnActionForEach() {
        String incident = newIncident();
        String first = azure.incidents().addAlert(WORKSPACE, incident, alert("Brute force against Azure portal",
                "High", "CredentialAccess")).get("name").asText();
        String second = azure.incidents().addAlert(WORKSPACE, incident, alert("Sign-in from a new country",
                "Medium", "InitialAccess")).get("name").asText();
        String prefix = connector + ":" + incident + ":";
        try (IngestTestKit.Reader reader = reader(prefix)) {
            assertThat(reader.readUntil(r -> reader.values(SecurityAlert.class).size() == 2, WAIT)).isTrue();
            assertThat(reader.values(SecurityAlert.class)).extracting(SecurityAlert::getAlertKey)
                    .containsExactlyInAnyOrder(prefix + first, prefix + second);
            SecurityAlert brute = reader.values(SecurityAlert.class).stream()
                    .filter(a -> a.getAlertKey().endsWith(first)).findFirst().orElseThrow();
            assertThat(brute.getSource()).isEqualTo(AlertSource.SENTINEL);
            assertThat(brute.getIncidentId()).isEqualTo(incident);
            assertThat(brute.getSeverity()).isEqualTo(Severity.HIGH);
            assertThat(brute.getCategory()).isEqualTo("CredentialAccess");
            assertThat(brute.getStatus()).isEqualTo(SourceStatus.NEW);
            assertThat(brute.getSourceJson()).contains("\"incident\"").contains("Brute force against Azure portal");

            ObjectNode closed = JsonNodeFactory.instance.objectNode().put("status", "Closed")
                    .put("classification", "TruePositive").put("classificationReason", "SuspiciousActivity");
            closed.putObject("owner").put("userPrincipalName", "soc-lead@contoso.example");
            azure.incidents().change(WORKSPACE, incident, closed);

            assertThat(reader.readUntil(r -> reader.values(AlertAction.class).size() == 2, WAIT))
                    .as("one SOURCE_STATUS_CHANGED per alert of the closed incident").isTrue();
            assertThat(reader.values(AlertAction.class)).allSatisfy(a -> {
                assertThat(a.getType()).isEqualTo(ActionType.SOURCE_STATUS_CHANGED);
                assertThat(a.getSourceStatus()).isEqualTo(SourceStatus.RESOLVED);
                assertThat(a.getClassification()).isEqualTo("truePositive");
                assertThat(a.getComment()).contains("assigned to soc-lead@contoso.example");
            });
            // Several more polls re-read the incident in their overlap: nothing is paged or told twice.
            int polls = azure.requests().of("sentinel.incidents.list").size();
            reader.readUntil(r -> azure.requests().of("sentinel.incidents.list").size() >= polls + 3, WAIT);
            assertThat(reader.values(SecurityAlert.class)).hasSize(2);
            assertThat(reader.values(AlertAction.class)).hasSize(2);
        }
    }

    @Test
    void ourOwnWriteToTheIncidentDoesNotComeBackAndThrottlingLosesNothing() throws Exception {
        // ARM throttles the alerts call twice: the pipeline waits as Retry-After says and the page still comes once.
        azure.faults().inject("sentinel.incidents.alerts", Fault.throttle(Duration.ofSeconds(1)).times(2));
        String incident = newIncident();
        String alert = azure.incidents().addAlert(WORKSPACE, incident, alert("Mass download", "Medium", "Exfiltration"))
                .get("name").asText();
        String key = connector + ":" + incident + ":" + alert;
        try (IngestTestKit.Reader reader = reader(key)) {
            assertThat(reader.readUntil(r -> !reader.values(SecurityAlert.class).isEmpty(), WAIT)).isTrue();
            assertThat(azure.requests().of("sentinel.incidents.alerts").stream().map(r -> r.status()).toList())
                    .as("throttled, then answered").contains(429);

            // What escalate asks and syncback then does: the command first, then the PUT with the etag.
            SyncCommand command = SyncCommand.newBuilder().setCommandId("ack-" + key).setAlertKey(key)
                    .setConnectorId(connector).setSource(AlertSource.SENTINEL).setAlertId(incident + ":" + alert)
                    .setTargetStatus(SourceStatus.IN_PROGRESS).setAssignedTo("ana@contoso.example")
                    .setRequestedAt(Instant.now()).build();
            send(Topics.SYNC_COMMANDS.name(), key, command);
            ConnectorConfig config = Connectors.from(context.config()).get(0);
            try (SentinelIncidentsClient client = SentinelIncidentsClient.create(config)) {
                client.update(incident, new IncidentUpdate(SentinelIncident.Status.Active, null, null, null,
                        "ana@contoso.example", null));
            }

            assertThat(reader.readUntil(r -> reader.values(IngestSeen.class).stream()
                    .anyMatch(s -> ("ack-" + key).equals(s.getEchoedCommandId())), WAIT))
                    .as("ingest read the incident we wrote and recognised our command").isTrue();
            assertThat(reader.values(AlertAction.class)).as("no action for our own write").isEmpty();
            assertThat(reader.values(SecurityAlert.class)).hasSize(1);
        }
    }

    private String newIncident() {
        ObjectNode incident = JsonNodeFactory.instance.objectNode();
        incident.putObject("properties").put("title", "Multistage attack on contoso.example")
                .put("severity", "High").put("status", "New");
        return azure.incidents().add(WORKSPACE, incident).get("name").asText();
    }

    /** An alert entity shaped like the published sample ({@code sentinel-incident-alerts.response.json}). */
    private static ObjectNode alert(String name, String severity, String tactic) {
        ObjectNode alert = ((ObjectNode) SampleAlerts.published("sentinel-incident-alerts.response.json")
                .get("value").get(0)).deepCopy();
        alert.remove(List.of("id", "name"));
        ObjectNode p = (ObjectNode) alert.get("properties");
        p.put("systemAlertId", java.util.UUID.randomUUID().toString()).put("alertDisplayName", name)
                .put("severity", severity).put("timeGenerated", Instant.now().toString());
        p.putArray("tactics").add(tactic);
        return alert;
    }

    private IngestTestKit.Reader reader(String keyPrefix) {
        return new IngestTestKit.Reader(context, List.of(Topics.ALERTS_RAW.name(), Topics.ALERT_ACTIONS.name(),
                Topics.INGEST_SEEN.name(), Topics.ALERTS_RAW.deadLetterTopic()),
                r -> r.key().startsWith(keyPrefix));
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
