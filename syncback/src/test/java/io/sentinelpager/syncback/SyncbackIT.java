package io.sentinelpager.syncback;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sentinelpager.azure.Connectors;
import io.sentinelpager.azure.RollupSummary;
import io.sentinelpager.azure.SentinelIncidentsClient;
import io.sentinelpager.emulator.AzureEmulator;
import io.sentinelpager.emulator.EmulatorOptions;
import io.sentinelpager.emulator.Fault;
import io.sentinelpager.emulator.LoggedRequest;
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
import io.sentinelpager.schemas.SyncOutcome;
import io.sentinelpager.schemas.SyncResult;
import io.sentinelpager.schemas.SyncState;
import io.sentinelpager.schemas.SyncStatus;
import io.sentinelpager.schemas.Topics;
import io.sentinelpager.testkit.LocalClusterExtension;
import io.sentinelpager.testkit.MutableClock;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
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
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The syncback service on a real broker and registry, writing to the emulator's Sentinel incidents over HTTPS with
 * the real client: acknowledging and closing a page of two alerts of one incident writes the incident (status, owner,
 * classification with its reason) once and adds one comment; a command Sentinel could not take is refused with the
 * reason, once; a write that keeps failing is retried until it is older than the give-up age, then reported as given
 * up. The service runs on a clock the test moves.
 */
@ExtendWith(LocalClusterExtension.class)
class SyncbackIT {

    static final Duration WAIT = Duration.ofSeconds(60);
    static final String CONNECTOR = "contoso";
    static final SentinelWorkspace WORKSPACE =
            new SentinelWorkspace("d0cfe6b2-9ac0-4464-9919-dccaee2e48c0", "soc-rg", "soc-workspace");

    static AzureEmulator azure;
    static ServiceRunner runner;
    static KafkaProducer<String, SyncCommand> producer;
    static KafkaConsumer<String, SpecificRecord> results;
    static final Map<String, SyncResult> got = new HashMap<>();
    static final Map<String, List<SyncState>> states = new HashMap<>();
    static final Map<String, List<IncidentState>> incidentStates = new HashMap<>();
    static PagerConfig config;
    static final MutableClock clock = new MutableClock(Instant.now());

    @BeforeAll
    static void start(LocalCluster cluster) throws Exception {
        Path work = Files.createTempDirectory("syncback-it-");
        azure = AzureEmulator.start(EmulatorOptions.defaults());
        Path pem = work.resolve("emulator.pem");
        azure.writeCertificatePem(pem);
        EmulatorOptions app = azure.options();
        Map<String, String> settings = new HashMap<>(cluster.settings());
        settings.putAll(Connectors.settings(CONNECTOR, app.tenantId(), app.clientId(), Secret.of(app.clientSecret()),
                azure.authorityHost(), azure.graphBaseUrl(), pem));
        settings.put(Connectors.source(CONNECTOR).name(), "sentinel");
        settings.put(Connectors.managementUrl(CONNECTOR).name(), azure.managementUrl());
        settings.put(Connectors.subscriptionId(CONNECTOR).name(), WORKSPACE.subscriptionId());
        settings.put(Connectors.resourceGroup(CONNECTOR).name(), WORKSPACE.resourceGroup());
        settings.put(Connectors.workspaceName(CONNECTOR).name(), WORKSPACE.workspaceName());
        settings.put("state.dir", work.resolve("state").toString());
        settings.put("health.port", "0");
        settings.put(SyncbackConfig.GIVE_UP_AFTER.name(), "1h");
        config = PagerConfig.empty().with(settings);
        runner = ServiceRunner.start(config, Map.of(SyncbackApp.NAME, SyncbackApp::create), clock);
        cluster.closeBeforeStopping(runner);

        AvroSerdes serdes = new AvroSerdes(cluster.registryUrl());
        Map<String, Object> client = new HashMap<>(serdes.clientConfig());
        client.put("bootstrap.servers", cluster.bootstrapServers());
        producer = new KafkaProducer<>(client, new StringSerializer(), serdes.value(SyncCommand.class).serializer());
        Map<String, Object> reader = new HashMap<>(client);
        reader.put("group.id", "syncback-it-" + UUID.randomUUID());
        reader.put("auto.offset.reset", "earliest");
        results = new KafkaConsumer<>(reader, new StringDeserializer(), serdes.anyValue().deserializer());
        results.subscribe(List.of(Topics.SYNC_RESULTS.name(), Topics.SYNC_STATE.name(),
                Topics.SYNC_INCIDENT_STATE.name()));
    }

    @AfterAll
    static void stop() {
        producer.close();
        results.close();
        azure.close();
    }

    @Test
    void acknowledgingAndClosingAGroupedPageWritesTheIncidentOnceAndCommentsOnce() throws Exception {
        String incident = incident("alert-a", "alert-b");
        List<String> keys = List.of(CONNECTOR + ":" + incident + ":alert-a", CONNECTOR + ":" + incident + ":alert-b");
        Instant acked = Instant.now();
        // Keyed by the page, as escalate keys the commands of a grouped page; each alert is still written.
        String page = keys.get(0);
        for (String key : keys) {
            send(command("ack-1/" + key, key, SourceStatus.IN_PROGRESS, "ana@contoso.example", null,
                    "ana (Sentinel Pager): looking into it", acked), page);
        }
        assertThat(await(keys.stream().map(k -> "ack-1/" + k).toList())).allSatisfy(r ->
                assertThat(r.getOutcome()).as(r.getDetail()).isEqualTo(SyncOutcome.APPLIED));
        readUntil(() -> "Active".equals(status(incident)), () -> { });
        JsonNode active = azure.incidents().get(WORKSPACE, incident).orElseThrow().get("properties");
        assertThat(active.get("status").asText()).isEqualTo("Active");
        assertThat(active.path("owner").path("userPrincipalName").asText()).isEqualTo("ana@contoso.example");

        Instant closedAt = acked.plusSeconds(60);
        for (String key : keys) {
            send(command("close-1/" + key, key, SourceStatus.RESOLVED, null, "informationalExpectedActivity",
                    "ana (Sentinel Pager): expected admin activity", closedAt), page);
        }
        assertThat(await(keys.stream().map(k -> "close-1/" + k).toList())).allSatisfy(r ->
                assertThat(r.getOutcome()).as(r.getDetail()).isEqualTo(SyncOutcome.APPLIED));
        readUntil(() -> "Closed".equals(status(incident)), () -> { });
        JsonNode closed = azure.incidents().get(WORKSPACE, incident).orElseThrow().get("properties");
        assertThat(closed.get("status").asText()).isEqualTo("Closed");
        assertThat(closed.get("classification").asText()).isEqualTo("BenignPositive");
        assertThat(closed.get("classificationReason").asText()).isEqualTo("SuspiciousButExpected");
        assertThat(putsOf(incident)).as("one write per change, not one per alert").hasSize(2);
        try (SentinelIncidentsClient client = SentinelIncidentsClient.create(Connectors.from(config).get(0))) {
            assertThat(client.comments(incident)).extracting(c -> c.properties().message())
                    .containsExactlyInAnyOrder("ana (Sentinel Pager): looking into it",
                            "ana (Sentinel Pager): expected admin activity", RollupSummary.PREFIX
                                    + "incident resolved: 2 of 2 alerts resolved (2 through Sentinel Pager, 0 in"
                                    + " Azure); classified informationalExpectedActivity.");
        }
    }

    @Test
    void aCommandSentinelCannotTakeIsRefusedWithTheReason() throws Exception {
        String incident = incident("alert-a");
        String key = CONNECTOR + ":" + incident + ":alert-a";
        send(command("close-bad", key, SourceStatus.RESOLVED, null, "malware", null, Instant.now()));
        send(command("no-such", CONNECTOR + ":" + UUID.randomUUID() + ":x",
                SourceStatus.IN_PROGRESS, null, null, null, Instant.now()));
        List<SyncResult> refused = await(List.of("close-bad", "no-such"));
        assertThat(refused).allSatisfy(r -> assertThat(r.getOutcome()).isEqualTo(SyncOutcome.REJECTED));
        assertThat(refused.get(0).getDetail()).contains("'malware'");
        assertThat(refused.get(1).getHttpStatus()).isEqualTo(404);
        assertThat(azure.incidents().get(WORKSPACE, incident).orElseThrow().get("properties").get("status").asText())
                .isEqualTo("New");
    }

    @Test
    void aWriteSentinelIsNotAllowedIsRefusedOnceNamingTheRoleAndShownOnTheIncident() throws Exception {
        String incident = incident("alert-a");
        String key = CONNECTOR + ":" + incident + ":alert-a";
        azure.faults().revoke("sentinel.incidents.put");
        try {
            send(command("ack-403", key, SourceStatus.IN_PROGRESS, "ana@contoso.example", null, null, Instant.now()));
            readUntil(() -> lastIncidentState(incident) != null, () -> { });
            IncidentState refused = lastIncidentState(incident);
            assertThat(refused.getRollup()).isEqualTo(RollupStatus.REJECTED);
            assertThat(refused.getReason()).contains("403").contains("Microsoft Sentinel Contributor");
            assertThat(refused.getStatus()).as("as Sentinel still has it").isEqualTo("New");
            // Not tried again: time passes, and Azure hears of it no more. Only this incident's writes count: the
            // emulator is shared by every test of the class, and their incidents are none of this one's business.
            assertThat(putsOf(incident)).as("refused once").hasSize(1);
            readUntil(() -> false, () -> clock.advance(Duration.ofMinutes(10)), Duration.ofSeconds(3));
            assertThat(putsOf(incident)).as("not tried again").hasSize(1);
            assertThat(incidentStates.get(incident)).as("reported once").hasSize(1);
            String metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://localhost:" + runner.healthPort() + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            assertThat(metrics).contains("syncback_incident_rollups_total{connector=\"" + CONNECTOR
                    + "\",outcome=\"rejected\"}").contains("syncback_writes_pending");
        } finally {
            azure.faults().grant("sentinel.incidents.put");
        }
    }

    @Test
    void aWriteThatKeepsFailingIsRetriedThenGivenUpAfterTheConfiguredAge() throws Exception {
        String incident = incident("alert-a");
        String key = CONNECTOR + ":" + incident + ":alert-a";
        for (String route : azure.faults().routes()) {
            if (route.startsWith("sentinel.")) {
                azure.faults().inject(route, Fault.unavailable(Duration.ofSeconds(1)).percent(100));
            }
        }
        try {
            Instant asked = clock.instant();
            send(command("ack-down", key, SourceStatus.IN_PROGRESS, "ana@contoso.example", null, null, asked));
            readUntil(() -> lastState(key) != null, () -> { });
            assertThat(lastState(key).getState()).isEqualTo(SyncStatus.PENDING);
            assertThat(lastState(key).getReason()).contains("503");
            assertThat(lastState(key).getNextTryAt()).isAfter(lastState(key).getAt());
            assertThat(got).as("no result while it may still be written").doesNotContainKey("ack-down");

            readUntil(() -> got.containsKey("ack-down"), () -> clock.advance(Duration.ofMinutes(1)));
            SyncResult givenUp = got.get("ack-down");
            assertThat(givenUp.getOutcome()).isEqualTo(SyncOutcome.FAILED);
            assertThat(givenUp.getDetail()).startsWith("given up after PT1H").contains("503");
            assertThat(Duration.between(asked, givenUp.getAt())).as("not before its age").isGreaterThan(Duration.ofHours(1));
            readUntil(() -> lastState(key).getState() == SyncStatus.EXPIRED, () -> { });
            // Only a failed retry gives a write up, so an expiry after a first failure means it was retried.
            assertThat(states.get(key)).extracting(SyncState::getState).startsWith(SyncStatus.PENDING)
                    .endsWith(SyncStatus.EXPIRED);
        } finally {
            azure.faults().clear();
        }
        assertThat(azure.incidents().get(WORKSPACE, incident).orElseThrow().get("properties").get("status").asText())
                .isEqualTo("New");
    }

    /** A new incident with SecurityAlerts of these names, as an analytics rule makes one. */
    private static String incident(String... alerts) {
        ObjectNode incident = JsonNodeFactory.instance.objectNode();
        incident.putObject("properties").put("title", "Mass download by a service principal")
                .put("severity", "Medium").put("status", "New");
        String name = azure.incidents().add(WORKSPACE, incident).get("name").asText();
        for (String alert : alerts) {
            azure.incidents().addAlert(WORKSPACE, name, JsonNodeFactory.instance.objectNode().put("name", alert));
        }
        return name;
    }

    /** The emulator's log of the writes of this incident, whichever test's commands the emulator also heard. */
    private static List<LoggedRequest> putsOf(String incident) {
        return azure.requests().of("sentinel.incidents.put").stream().filter(r -> r.path().endsWith("/" + incident))
                .toList();
    }

    private static String status(String incident) {
        return azure.incidents().get(WORKSPACE, incident).orElseThrow().get("properties").get("status").asText();
    }

    private static IncidentState lastIncidentState(String incident) {
        List<IncidentState> all = incidentStates.getOrDefault(incident, List.of());
        return all.isEmpty() ? null : all.get(all.size() - 1);
    }

    private static SyncCommand command(String id, String key, SourceStatus status, String owner, String classification,
                                       String comment, Instant at) {
        return SyncCommand.newBuilder().setCommandId(id).setAlertKey(key).setConnectorId(CONNECTOR)
                .setSource(AlertSource.SENTINEL).setAlertId(key.substring(key.indexOf(':') + 1))
                .setTargetStatus(status).setAssignedTo(owner).setClassification(classification).setComment(comment)
                .setIncidentId(key.split(":")[1]).setRequestedAt(at).build();
    }

    private static void send(SyncCommand command) throws Exception {
        send(command, command.getAlertKey());
    }

    private static void send(SyncCommand command, String recordKey) throws Exception {
        producer.send(new ProducerRecord<>(Topics.SYNC_COMMANDS.name(), recordKey, command)).get();
    }

    /** The results of these commands, in the order given. */
    private static List<SyncResult> await(List<String> commandIds) {
        readUntil(() -> got.keySet().containsAll(commandIds), () -> { });
        assertThat(got.keySet()).as("results arrived").containsAll(commandIds);
        return commandIds.stream().map(got::get).toList();
    }

    private static void readUntil(BooleanSupplier done, Runnable meanwhile) {
        readUntil(done, meanwhile, WAIT);
    }

    /** Reads results and states until {@code done} or the timeout, doing {@code meanwhile} between polls. */
    private static void readUntil(BooleanSupplier done, Runnable meanwhile, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!done.getAsBoolean() && System.nanoTime() < deadline) {
            meanwhile.run();
            for (ConsumerRecord<String, SpecificRecord> r : results.poll(Duration.ofMillis(200))) {
                if (r.value() instanceof SyncResult result) {
                    got.put(result.getCommandId(), result);
                } else if (r.value() instanceof SyncState state) {
                    states.computeIfAbsent(state.getAlertKey(), k -> new ArrayList<>()).add(state);
                } else if (r.value() instanceof IncidentState state) {
                    incidentStates.computeIfAbsent(state.getIncidentId(), k -> new ArrayList<>()).add(state);
                }
            }
        }
    }

    private static SyncState lastState(String key) {
        List<SyncState> all = states.getOrDefault(key, List.of());
        return all.isEmpty() ? null : all.get(all.size() - 1);
    }
}
