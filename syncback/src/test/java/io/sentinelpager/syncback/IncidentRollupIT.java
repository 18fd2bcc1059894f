package io.sentinelpager.syncback;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sentinelpager.azure.Connectors;
import io.sentinelpager.azure.RollupSummary;
import io.sentinelpager.emulator.AzureEmulator;
import io.sentinelpager.emulator.EmulatorOptions;
import io.sentinelpager.emulator.SentinelWorkspace;
import io.sentinelpager.platform.config.PagerConfig;
import io.sentinelpager.platform.config.Secret;
import io.sentinelpager.platform.kafka.AvroSerdes;
import io.sentinelpager.platform.local.LocalCluster;
import io.sentinelpager.platform.service.ServiceRunner;
import io.sentinelpager.schemas.AlertSource;
import io.sentinelpager.schemas.IncidentState;
import io.sentinelpager.schemas.RollupStatus;
import io.sentinelpager.schemas.SourceStatus;
import io.sentinelpager.schemas.SyncCommand;
import io.sentinelpager.schemas.Topics;
import io.sentinelpager.testkit.MutableClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import java.util.stream.StreamSupport;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * An incident follows its alerts, for a Graph (Defender) connector and a Sentinel one, with syncback on a real broker
 * and registry writing to the emulator through the real clients. The alerts of each incident are paged separately (no
 * grouping), as escalate sends them: one sync command per alert, each naming the incident.
 *
 * <p>This test has a cluster of its own: SyncbackIT's in-process syncback on the shared one would take part of these
 * commands.
 */
class IncidentRollupIT {

    static final Duration WAIT = Duration.ofSeconds(60);
    static final String GRAPH = "defender";
    static final String SENTINEL = "sentinel";
    static final String GRAPH_OFF = "defender-off";
    static final String OWNER = "ana@contoso.example";
    static final SentinelWorkspace WORKSPACE =
            new SentinelWorkspace("d0cfe6b2-9ac0-4464-9919-dccaee2e48c0", "soc-rg", "soc-workspace");

    static LocalCluster cluster;
    static AzureEmulator azure;
    static ServiceRunner runner;
    static KafkaProducer<String, SyncCommand> producer;
    static KafkaConsumer<String, SpecificRecord> consumer;
    static final Map<String, List<IncidentState>> states = new HashMap<>();
    static final MutableClock clock = new MutableClock(Instant.now());

    @BeforeAll
    static void start() throws Exception {
        cluster = LocalCluster.start();
        Path work = Files.createTempDirectory("incident-rollup-it-");
        azure = AzureEmulator.start(EmulatorOptions.defaults());
        Path pem = work.resolve("emulator.pem");
        azure.writeCertificatePem(pem);
        EmulatorOptions app = azure.options();
        Map<String, String> settings = new HashMap<>(cluster.settings());
        for (String connector : List.of(GRAPH, SENTINEL, GRAPH_OFF)) {
            settings.putAll(Connectors.settings(connector, app.tenantId(), app.clientId(),
                    Secret.of(app.clientSecret()), azure.authorityHost(), azure.graphBaseUrl(), pem));
        }
        settings.put(Connectors.incidentRollup(GRAPH_OFF).name(), "false");
        settings.put(Connectors.source(SENTINEL).name(), "sentinel");
        settings.put(Connectors.managementUrl(SENTINEL).name(), azure.managementUrl());
        settings.put(Connectors.subscriptionId(SENTINEL).name(), WORKSPACE.subscriptionId());
        settings.put(Connectors.resourceGroup(SENTINEL).name(), WORKSPACE.resourceGroup());
        settings.put(Connectors.workspaceName(SENTINEL).name(), WORKSPACE.workspaceName());
        settings.put("state.dir", work.resolve("state").toString());
        settings.put("health.port", "0");
        PagerConfig config = PagerConfig.empty().with(settings);
        runner = ServiceRunner.start(config, Map.of(SyncbackApp.NAME, SyncbackApp::create), clock);

        AvroSerdes serdes = new AvroSerdes(cluster.registryUrl());
        Map<String, Object> client = new HashMap<>(serdes.clientConfig());
        client.put("bootstrap.servers", cluster.bootstrapServers());
        producer = new KafkaProducer<>(client, new StringSerializer(), serdes.value(SyncCommand.class).serializer());
        Map<String, Object> reader = new HashMap<>(client);
        reader.put("group.id", "incident-rollup-it-" + UUID.randomUUID());
        reader.put("auto.offset.reset", "earliest");
        consumer = new KafkaConsumer<>(reader, new StringDeserializer(), serdes.anyValue().deserializer());
        consumer.subscribe(List.of(Topics.SYNC_INCIDENT_STATE.name()));
    }

    @AfterAll
    static void stop() {
        producer.close();
        consumer.close();
        runner.close();
        azure.close();
        cluster.close();
    }

    @Test
    void aDefenderIncidentIsInProgressOnceEveryAlertIsAndResolvedOnceEveryAlertIs() throws Exception {
        GraphIncident incident = graphIncident(2);
        String a = incident.alertKeys().get(0);
        String b = incident.alertKeys().get(1);

        send(GRAPH, a, "ack", SourceStatus.IN_PROGRESS, OWNER, null, incident.id());
        readUntil(() -> watched(incident.id()), () -> { });
        assertThat(graphIncidentNow(incident.id()).get("status").asText()).as("one alert is still new")
                .isEqualTo("active");

        send(GRAPH, b, "ack", SourceStatus.IN_PROGRESS, null, null, incident.id());
        readUntil(() -> "inProgress".equals(graphIncidentNow(incident.id()).get("status").asText()), () -> { });
        assertThat(graphIncidentNow(incident.id()).get("assignedTo").asText()).isEqualTo(OWNER);

        send(GRAPH, a, "close", SourceStatus.RESOLVED, null, "truePositive", incident.id());
        readUntil(() -> last(incident.id()) != null && last(incident.id()).getAlertsResolved() == 1, () -> { });
        assertThat(graphIncidentNow(incident.id()).get("status").asText()).as("one alert is still open")
                .isEqualTo("inProgress");

        send(GRAPH, b, "close", SourceStatus.RESOLVED, null, "falsePositive", incident.id());
        readUntil(() -> resolvedWithItsSummary(incident.id()), () -> { });
        JsonNode resolved = graphIncidentNow(incident.id());
        assertThat(resolved.get("classification").asText()).as("a true positive anywhere").isEqualTo("truePositive");
        assertThat(comments(resolved)).filteredOn(RollupSummary::isRollupSummary).containsExactly(RollupSummary.PREFIX
                + "incident resolved by lee: 2 of 2 alerts resolved (2 through Sentinel Pager, 0 in Azure);"
                + " classified truePositive.");
        readUntil(() -> last(incident.id()).getRollup() == RollupStatus.APPLIED
                && "resolved".equals(last(incident.id()).getStatus()), () -> { });
        assertThat(last(incident.id()).getAlertsResolved()).isEqualTo(2);
    }

    @Test
    void aDefenderIncidentWithAnAlertWeNeverReadWaitsUntilAzureReportsItResolved() throws Exception {
        GraphIncident incident = graphIncident(2);
        String ours = incident.alertKeys().get(0);
        String neverRead = incident.alertIds().get(1);

        send(GRAPH, ours, "close", SourceStatus.RESOLVED, OWNER, "truePositive", incident.id());
        readUntil(() -> watched(incident.id()), () -> { });
        assertThat(graphIncidentNow(incident.id()).get("status").asText()).isEqualTo("active");
        assertThat(last(incident.id()).getRollup()).isEqualTo(RollupStatus.WATCHING);

        azure.alerts().changeAsAnalyst(neverRead, "kim@contoso.example",
                JsonNodeFactory.instance.objectNode().put("status", "resolved"), null);
        readUntil(() -> resolvedWithItsSummary(incident.id()), () -> clock.advance(Duration.ofMinutes(1)));
        assertThat(comments(graphIncidentNow(incident.id()))).filteredOn(RollupSummary::isRollupSummary)
                .singleElement().asString().contains("2 of 2 alerts resolved (1 through Sentinel Pager, 1 in Azure)");
    }

    @Test
    void aSentinelIncidentIsClosedOnlyOnceEveryAlertIsAndNotByItsFirst() throws Exception {
        String incident = sentinelIncident("alert-a", "alert-b", "alert-c");
        String a = SENTINEL + ":" + incident + ":alert-a";
        String b = SENTINEL + ":" + incident + ":alert-b";

        send(SENTINEL, a, "ack", SourceStatus.IN_PROGRESS, OWNER, null, incident);
        send(SENTINEL, b, "ack", SourceStatus.IN_PROGRESS, null, null, incident);
        readUntil(() -> last(incident) != null && last(incident).getAlertsInProgress() == 2, () -> { });
        assertThat(sentinelIncidentNow(incident).get("status").asText()).as("alert-c, never paged, is new")
                .isEqualTo("New");

        azure.incidents().changeAlert(WORKSPACE, incident, "alert-c",
                JsonNodeFactory.instance.objectNode().put("status", "InProgress"));
        readUntil(() -> "Active".equals(sentinelIncidentNow(incident).get("status").asText()),
                () -> clock.advance(Duration.ofMinutes(1)));
        assertThat(sentinelIncidentNow(incident).path("owner").path("userPrincipalName").asText()).isEqualTo(OWNER);

        send(SENTINEL, a, "close", SourceStatus.RESOLVED, null, "truePositive", incident);
        readUntil(() -> last(incident).getAlertsResolved() == 1, () -> { });
        assertThat(sentinelIncidentNow(incident).get("status").asText()).as("two alerts are still open")
                .isEqualTo("Active");

        send(SENTINEL, b, "close", SourceStatus.RESOLVED, null, "truePositive", incident);
        azure.incidents().changeAlert(WORKSPACE, incident, "alert-c",
                JsonNodeFactory.instance.objectNode().put("status", "Dismissed"));
        readUntil(() -> "Closed".equals(sentinelIncidentNow(incident).get("status").asText()),
                () -> clock.advance(Duration.ofMinutes(1)));
        JsonNode closed = sentinelIncidentNow(incident);
        assertThat(closed.get("classification").asText()).isEqualTo("TruePositive");
        assertThat(closed.get("classificationComment").asText()).startsWith(RollupSummary.PREFIX);
        assertThat(azure.incidents().comments(WORKSPACE, incident)).extracting(c -> c.path("properties")
                .path("message").asText()).filteredOn(RollupSummary::isRollupSummary).containsExactly(
                RollupSummary.PREFIX + "incident resolved by lee: 3 of 3 alerts resolved (2 through Sentinel Pager,"
                        + " 1 in Azure); classified truePositive.");
    }

    @Test
    void aConnectorWithTheRollupOffLeavesItsIncidentsAlone() throws Exception {
        GraphIncident incident = graphIncident(1);
        send(GRAPH_OFF, GRAPH_OFF + ":" + incident.alertIds().get(0), "close", SourceStatus.RESOLVED, OWNER,
                "truePositive", incident.id());
        readUntil(() -> "resolved".equals(azure.alerts().get(incident.alertIds().get(0)).orElseThrow()
                .get("status").asText()), () -> { });
        readUntil(() -> false, () -> clock.advance(Duration.ofMinutes(1)), Duration.ofSeconds(3));

        assertThat(graphIncidentNow(incident.id()).get("status").asText()).isEqualTo("active");
        assertThat(states).doesNotContainKey(incident.id());
    }

    record GraphIncident(String id, List<String> alertIds, List<String> alertKeys) {
    }

    private static GraphIncident graphIncident(int alerts) {
        String id = azure.graphIncidents().add(JsonNodeFactory.instance.objectNode()
                .put("displayName", "Ransomware on one host")).get("id").asText();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < alerts; i++) {
            ids.add(azure.alerts().add(JsonNodeFactory.instance.objectNode().put("title", "Alert " + i)
                    .put("severity", "high").put("incidentId", id)).get("id").asText());
        }
        return new GraphIncident(id, ids, ids.stream().map(alertId -> GRAPH + ":" + alertId).toList());
    }

    private static String sentinelIncident(String... alerts) {
        ObjectNode incident = JsonNodeFactory.instance.objectNode();
        incident.putObject("properties").put("title", "Impossible travel").put("severity", "High").put("status", "New");
        String name = azure.incidents().add(WORKSPACE, incident).get("name").asText();
        for (String alert : alerts) {
            azure.incidents().addAlert(WORKSPACE, name, JsonNodeFactory.instance.objectNode().put("name", alert));
        }
        return name;
    }

    private static JsonNode graphIncidentNow(String id) {
        return azure.graphIncidents().get(id).orElseThrow();
    }

    private static JsonNode sentinelIncidentNow(String name) {
        return azure.incidents().get(WORKSPACE, name).orElseThrow().get("properties");
    }

    /**
     * The roll-up resolves the incident, then posts its summary comment: a reader between the two calls sees the one
     * without the other, so a test waits for both.
     */
    private static boolean resolvedWithItsSummary(String incidentId) {
        JsonNode now = graphIncidentNow(incidentId);
        return "resolved".equals(now.get("status").asText())
                && comments(now).stream().anyMatch(RollupSummary::isRollupSummary);
    }

    private static List<String> comments(JsonNode incident) {
        return StreamSupport.stream(incident.path("comments").spliterator(), false)
                .map(c -> c.path("comment").asText()).toList();
    }

    /** As escalate sends it: ana acknowledges, lee closes. */
    private static void send(String connector, String key, String verb, SourceStatus status, String owner,
                             String classification, String incidentId) throws Exception {
        clock.advance(Duration.ofSeconds(1));
        SyncCommand command = SyncCommand.newBuilder().setCommandId(verb + "/" + key).setAlertKey(key)
                .setConnectorId(connector).setSource(connector.equals(SENTINEL) ? AlertSource.SENTINEL
                        : AlertSource.GRAPH).setAlertId(key.substring(key.indexOf(':') + 1))
                .setTargetStatus(status).setAssignedTo(owner).setClassification(classification)
                .setIncidentId(incidentId).setRequestedBy(status == SourceStatus.RESOLVED ? "lee" : "ana")
                .setRequestedAt(clock.instant()).build();
        producer.send(new ProducerRecord<>(Topics.SYNC_COMMANDS.name(), key, command)).get();
    }

    /** Whether the roll-up has checked the incident at least once. */
    private static boolean watched(String incidentId) {
        return last(incidentId) != null;
    }

    private static IncidentState last(String incidentId) {
        List<IncidentState> all = states.getOrDefault(incidentId, List.of());
        return all.isEmpty() ? null : all.get(all.size() - 1);
    }

    private static void readUntil(BooleanSupplier done, Runnable meanwhile) {
        readUntil(done, meanwhile, WAIT);
        assertThat(done.getAsBoolean()).as("reached in time").isTrue();
    }

    private static void readUntil(BooleanSupplier done, Runnable meanwhile, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!done.getAsBoolean() && System.nanoTime() < deadline) {
            meanwhile.run();
            for (ConsumerRecord<String, SpecificRecord> r : consumer.poll(Duration.ofMillis(200))) {
                if (r.value() instanceof IncidentState state) {
                    states.computeIfAbsent(state.getIncidentId(), k -> new ArrayList<>()).add(state);
                }
            }
        }
    }
}
