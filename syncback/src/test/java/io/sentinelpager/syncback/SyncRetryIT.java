package io.sentinelpager.syncback;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.sentinelpager.azure.Connectors;
import io.sentinelpager.azure.RollupSummary;
import io.sentinelpager.azure.SentinelIncidentsClient;
import io.sentinelpager.emulator.AzureEmulator;
import io.sentinelpager.emulator.EmulatorOptions;
import io.sentinelpager.emulator.Fault;
import io.sentinelpager.emulator.SentinelWorkspace;
import io.sentinelpager.platform.config.PagerConfig;
import io.sentinelpager.platform.config.Secret;
import io.sentinelpager.platform.local.LocalCluster;
import io.sentinelpager.platform.service.ServiceContext;
import io.sentinelpager.schemas.AlertSource;
import io.sentinelpager.schemas.SourceStatus;
import io.sentinelpager.schemas.SyncCommand;
import io.sentinelpager.schemas.SyncOutcome;
import io.sentinelpager.schemas.SyncResult;
import io.sentinelpager.schemas.SyncState;
import io.sentinelpager.schemas.SyncStatus;
import io.sentinelpager.schemas.Topics;
import io.sentinelpager.testkit.FileClock;
import io.sentinelpager.testkit.MutableClock;
import io.sentinelpager.testkit.process.ChildJvm;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Azure down for ten minutes of the injected clock for two connectors (Graph throttling with a Retry-After longer than
 * the client's own retry budget, Sentinel's ARM answering 503 after the client's retries) while 100 acknowledges,
 * closes and comments are made, and syncback killed (kill -9) and restarted with an empty state directory during the
 * outage. After recovery every write is in Azure in each alert's order, each comment once, no closed alert is left in
 * progress, and a third connector, whose Azure stayed up, had its writes during the outage.
 *
 * <p>This test has a cluster of its own: SyncbackIT's in-process syncback on the shared one would take part of these
 * commands.
 */
class SyncRetryIT {

    static final Duration OUTAGE = Duration.ofMinutes(10);
    static final Duration WAIT = Duration.ofSeconds(120);
    static final Duration GRAPH_RETRY_AFTER = Duration.ofSeconds(120);
    static final int GRAPH_ALERTS = 20;
    static final int INCIDENTS = 10;
    static final int HEALTHY_ALERTS = 10;
    static final String GRAPH_DOWN = "graph-down";
    static final String SENTINEL_DOWN = "sentinel-down";
    static final String GRAPH_UP = "graph-up";
    static final String OWNER = "ana@contoso.example";
    static final String SECOND_OWNER = "lee@contoso.example";
    static final SentinelWorkspace WORKSPACE =
            new SentinelWorkspace("d0cfe6b2-9ac0-4464-9919-dccaee2e48c0", "soc-rg", "soc-workspace");

    static LocalCluster cluster;

    @TempDir
    Path dir;

    final MutableClock clock = new MutableClock(Instant.now());
    final Map<String, SyncResult> results = new HashMap<>();
    final List<SyncState> states = new ArrayList<>();
    Path clockFile;

    @BeforeAll
    static void startCluster() {
        cluster = LocalCluster.start();
    }

    @AfterAll
    static void stopCluster() {
        cluster.close();
    }

    @Test
    void everyWriteReachesAzureOnceAndInOrderAfterAnOutageAndAKill() throws Exception {
        clockFile = dir.resolve("clock");
        FileClock.set(clockFile, clock.instant());
        ServiceContext context = ServiceContext.of(PagerConfig.empty().with(cluster.settings()),
                new SimpleMeterRegistry(), Clock.systemUTC());
        try (AzureEmulator down = AzureEmulator.start(EmulatorOptions.defaults());
             AzureEmulator up = AzureEmulator.start(EmulatorOptions.defaults());
             KafkaConsumer<String, SpecificRecord> outcomes = new KafkaConsumer<>(
                     context.consumerConfig("sync-retry-it-" + UUID.randomUUID()),
                     context.serdes().key().deserializer(), context.serdes().anyValue().deserializer())) {
            outcomes.subscribe(List.of(Topics.SYNC_RESULTS.name(), Topics.SYNC_STATE.name()));
            Map<String, String> settings = settings(down, up);
            for (String route : down.faults().routes()) {
                if (route.startsWith("graph.")) {
                    down.faults().inject(route, Fault.throttle(GRAPH_RETRY_AFTER).percent(100));
                } else if (route.startsWith("sentinel.")) {
                    down.faults().inject(route, Fault.unavailable(Duration.ofSeconds(1)).percent(100));
                }
            }
            Instant outageStart = clock.instant();

            List<String> graphDown = new ArrayList<>();
            for (int i = 0; i < GRAPH_ALERTS; i++) {
                graphDown.add(GRAPH_DOWN + ":" + down.alerts().add(alert("Down " + i)).get("id").asText());
            }
            List<String> sentinelDown = new ArrayList<>();
            for (int i = 0; i < INCIDENTS; i++) {
                ObjectNode incident = JsonNodeFactory.instance.objectNode();
                incident.putObject("properties").put("title", "Down " + i).put("severity", "High").put("status", "New");
                sentinelDown.add(SENTINEL_DOWN + ":" + down.incidents().add(WORKSPACE, incident).get("name").asText()
                        + ":alert-1");
            }
            List<String> graphUp = new ArrayList<>();
            for (int i = 0; i < HEALTHY_ALERTS; i++) {
                graphUp.add(GRAPH_UP + ":" + up.alerts().add(alert("Up " + i)).get("id").asText());
            }

            // What each alert is asked, in order: acknowledge with a comment, a comment, then for every other alert a
            // close with a comment, for the rest someone else taking ownership; an incident is acknowledged and closed.
            Map<String, List<SyncCommand>> asked = new LinkedHashMap<>();
            for (int i = 0; i < GRAPH_ALERTS; i++) {
                asked.put(graphDown.get(i), i % 2 == 0 ? ackNoteClose(graphDown.get(i), AlertSource.GRAPH)
                        : ackNoteTake(graphDown.get(i)));
            }
            sentinelDown.forEach(key -> asked.put(key, ackClose(key)));
            graphUp.forEach(key -> asked.put(key, ackClose(key, AlertSource.GRAPH)));
            assertThat(asked.values().stream().mapToInt(List::size).sum()).isEqualTo(100);

            Process syncback = start(settings, "first");
            try {
                produce(context, asked);

                // During the outage: the healthy connector's writes are in its Azure, every other alert waits.
                readUntil(outcomes, () -> graphUp.stream().allMatch(k -> ids(asked, k).stream()
                        .allMatch(id -> results.containsKey(id))) && pendingAlerts().containsAll(graphDown)
                        && pendingAlerts().containsAll(sentinelDown));
                assertThat(graphUp).allSatisfy(key -> {
                    assertThat(ids(asked, key)).allSatisfy(id -> assertThat(results.get(id).getOutcome())
                            .isEqualTo(SyncOutcome.APPLIED));
                    assertThat(graphAlert(up, key).get("status").asText()).isEqualTo("resolved");
                });
                assertThat(pendingAlerts()).as("waiting for Azure").containsAll(graphDown).containsAll(sentinelDown);
                assertThat(states).filteredOn(s -> s.getConnectorId().equals(GRAPH_DOWN)).allSatisfy(s -> {
                    assertThat(s.getState()).isEqualTo(SyncStatus.PENDING);
                    assertThat(Duration.between(s.getAt(), s.getNextTryAt())).as("never sooner than Retry-After")
                            .isGreaterThanOrEqualTo(GRAPH_RETRY_AFTER);
                    assertThat(s.getReason()).contains("429");
                });
                assertThat(graphDown).allSatisfy(key -> assertThat(graphAlert(down, key).get("status").asText())
                        .isEqualTo("new"));

                ChildJvm.kill(syncback);
                // A new, empty state directory: the restarted process must restore the pending writes from the changelog.
                syncback = start(settings, "second");
                int statesBeforeRestart = states.size();
                while (clock.instant().isBefore(outageStart.plus(OUTAGE))) {
                    advance(Duration.ofMinutes(1));
                    readUntil(outcomes, () -> false, Duration.ofSeconds(1));
                }
                assertThat(states.subList(statesBeforeRestart, states.size())).as("retried after the restart")
                        .isNotEmpty().allSatisfy(s -> assertThat(s.getState()).isEqualTo(SyncStatus.PENDING));
                assertThat(results.values()).as("nothing given up or refused during the outage")
                        .allSatisfy(r -> assertThat(r.getOutcome()).isEqualTo(SyncOutcome.APPLIED));

                down.faults().clear();
                List<String> commandIds = asked.values().stream().flatMap(List::stream)
                        .map(SyncCommand::getCommandId).toList();
                long deadline = System.nanoTime() + WAIT.toNanos();
                while (!results.keySet().containsAll(commandIds) && System.nanoTime() < deadline) {
                    advance(Duration.ofSeconds(30)); // the longest backoff is 5 minutes
                    readUntil(outcomes, () -> results.keySet().containsAll(commandIds), Duration.ofMillis(500));
                }
                assertThat(results.keySet()).as("an outcome for every command").containsAll(commandIds);
                assertThat(commandIds).allSatisfy(id -> assertThat(results.get(id).getOutcome()).as(id)
                        .isEqualTo(SyncOutcome.APPLIED));
            } finally {
                syncback.destroyForcibly();
            }

            for (int i = 0; i < GRAPH_ALERTS; i++) {
                String key = graphDown.get(i);
                JsonNode alert = graphAlert(down, key);
                assertThat(alert.get("status").asText()).as(key).isEqualTo(i % 2 == 0 ? "resolved" : "inProgress");
                assertThat(alert.get("assignedTo").asText()).isEqualTo(i % 2 == 0 ? OWNER : SECOND_OWNER);
                List<String> comments = StreamSupport.stream(alert.get("comments").spliterator(), false)
                        .map(c -> c.get("comment").asText()).toList();
                assertThat(comments).as("each comment once, in order").containsExactlyElementsOf(
                        asked.get(key).stream().map(SyncCommand::getComment).filter(Objects::nonNull).toList());
            }
            try (SentinelIncidentsClient client = SentinelIncidentsClient.create(Connectors.from(
                    PagerConfig.empty().with(settings)).stream()
                    .filter(c -> c.id().equals(SENTINEL_DOWN)).findFirst().orElseThrow())) {
                for (String key : sentinelDown) {
                    String incident = key.split(":")[1];
                    // The incident's status is the roll-up's to write (IncidentRollupIT); the alert's own write is its
                    // comments.
                    assertThat(client.comments(incident)).extracting(c -> c.properties().message())
                            .filteredOn(m -> !RollupSummary.isRollupSummary(m))
                            .as("each comment once").containsExactlyInAnyOrderElementsOf(
                                    asked.get(key).stream().map(SyncCommand::getComment).toList());
                }
            }
            Map<String, SyncStatus> lastState = new HashMap<>();
            states.forEach(s -> lastState.put(s.getAlertKey(), s.getState()));
            assertThat(asked.keySet()).allSatisfy(key -> assertThat(lastState.get(key)).as(key)
                    .isEqualTo(SyncStatus.APPLIED));
        }
    }

    private List<SyncCommand> ackNoteClose(String key, AlertSource source) {
        List<SyncCommand> commands = new ArrayList<>(ackNote(key));
        commands.add(command("close", key, source, SourceStatus.RESOLVED, "truePositive", "ana: contained " + key));
        return commands;
    }

    private List<SyncCommand> ackNoteTake(String key) {
        List<SyncCommand> commands = new ArrayList<>(ackNote(key));
        clock.advance(Duration.ofMillis(10));
        commands.add(SyncCommand.newBuilder(commands.get(0)).setCommandId("take/" + key).setTargetStatus(null)
                .setAssignedTo(SECOND_OWNER).setComment(null).setRequestedAt(clock.instant()).build());
        return commands;
    }

    private List<SyncCommand> ackNote(String key) {
        return List.of(command("ack", key, AlertSource.GRAPH, SourceStatus.IN_PROGRESS, null, "ana: on it " + key),
                command("note", key, AlertSource.GRAPH, null, null, "ana: still looking " + key));
    }

    private List<SyncCommand> ackClose(String key) {
        return ackClose(key, AlertSource.SENTINEL);
    }

    private List<SyncCommand> ackClose(String key, AlertSource source) {
        return List.of(command("ack", key, source, SourceStatus.IN_PROGRESS, null, "ana: on it " + key),
                command("close", key, source, SourceStatus.RESOLVED, "truePositive", "ana: contained " + key));
    }

    private SyncCommand command(String verb, String key, AlertSource source, SourceStatus status, String classification,
                                String comment) {
        clock.advance(Duration.ofMillis(10));
        return SyncCommand.newBuilder().setCommandId(verb + "/" + key).setAlertKey(key)
                .setConnectorId(key.substring(0, key.indexOf(':'))).setSource(source)
                .setAlertId(key.substring(key.indexOf(':') + 1)).setTargetStatus(status)
                .setAssignedTo(status == null ? null : OWNER).setClassification(classification).setComment(comment)
                .setIncidentId(source == AlertSource.SENTINEL ? key.split(":")[1] : null)
                .setRequestedAt(clock.instant()).build();
    }

    private static ObjectNode alert(String title) {
        return JsonNodeFactory.instance.objectNode().put("title", title).put("severity", "high");
    }

    private static JsonNode graphAlert(AzureEmulator azure, String key) {
        return azure.alerts().get(key.substring(key.indexOf(':') + 1)).orElseThrow();
    }

    private static List<String> ids(Map<String, List<SyncCommand>> asked, String key) {
        return asked.get(key).stream().map(SyncCommand::getCommandId).toList();
    }

    /** Alerts whose latest state says a write waits for a retry. */
    private List<String> pendingAlerts() {
        Map<String, SyncStatus> last = new HashMap<>();
        states.forEach(s -> last.put(s.getAlertKey(), s.getState()));
        return last.entrySet().stream().filter(e -> e.getValue() == SyncStatus.PENDING).map(Map.Entry::getKey)
                .collect(Collectors.toList());
    }

    private void advance(Duration duration) {
        clock.advance(duration);
        FileClock.set(clockFile, clock.instant());
    }

    private void readUntil(KafkaConsumer<String, SpecificRecord> consumer, BooleanSupplier done) {
        readUntil(consumer, done, WAIT);
        assertThat(done.getAsBoolean()).as("reached in time").isTrue();
    }

    private void readUntil(KafkaConsumer<String, SpecificRecord> consumer, BooleanSupplier done, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!done.getAsBoolean() && System.nanoTime() < deadline) {
            for (ConsumerRecord<String, SpecificRecord> r : consumer.poll(Duration.ofMillis(200))) {
                if (r.value() instanceof SyncResult result) {
                    results.put(result.getCommandId(), result);
                } else if (r.value() instanceof SyncState state) {
                    states.add(state);
                }
            }
        }
    }

    private void produce(ServiceContext context, Map<String, List<SyncCommand>> asked) throws Exception {
        Map<String, Object> config = new HashMap<>(context.kafkaClientConfig());
        config.putAll(context.serdes().clientConfig());
        config.put("acks", "all");
        try (KafkaProducer<String, SyncCommand> producer = new KafkaProducer<>(config, new StringSerializer(),
                context.serdes().value(SyncCommand.class).serializer())) {
            // Alert by alert would be too kind: the commands of all alerts come interleaved, as from many people.
            int most = asked.values().stream().mapToInt(List::size).max().orElse(0);
            for (int step = 0; step < most; step++) {
                for (List<SyncCommand> commands : asked.values()) {
                    if (step < commands.size()) {
                        SyncCommand c = commands.get(step);
                        producer.send(new ProducerRecord<>(Topics.SYNC_COMMANDS.name(), c.getAlertKey(), c));
                    }
                }
            }
            producer.flush();
        }
    }

    private Map<String, String> settings(AzureEmulator down, AzureEmulator up) throws Exception {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("kafka.bootstrap.servers", cluster.bootstrapServers());
        settings.put("registry.url", cluster.registryUrl());
        settings.put("topics.replication.factor", "1");
        settings.put("health.port", "0");
        // Static membership: the restarted process takes over the dead one's partitions at once.
        settings.put("kafka.group.instance.id", "sync-retry-it");
        connector(settings, GRAPH_DOWN, down, "graph");
        connector(settings, SENTINEL_DOWN, down, "sentinel");
        connector(settings, GRAPH_UP, up, "graph");
        return settings;
    }

    private void connector(Map<String, String> settings, String id, AzureEmulator azure, String source)
            throws Exception {
        Path pem = dir.resolve(id + ".pem");
        azure.writeCertificatePem(pem);
        EmulatorOptions app = azure.options();
        settings.putAll(Connectors.settings(id, app.tenantId(), app.clientId(), Secret.of(app.clientSecret()),
                azure.authorityHost(), azure.graphBaseUrl(), pem));
        settings.put(Connectors.source(id).name(), source);
        if (source.equals("sentinel")) {
            settings.put(Connectors.managementUrl(id).name(), azure.managementUrl());
            settings.put(Connectors.subscriptionId(id).name(), WORKSPACE.subscriptionId());
            settings.put(Connectors.resourceGroup(id).name(), WORKSPACE.resourceGroup());
            settings.put(Connectors.workspaceName(id).name(), WORKSPACE.workspaceName());
        }
    }

    private Process start(Map<String, String> settings, String name) throws Exception {
        Map<String, String> withState = new LinkedHashMap<>(settings);
        withState.put("state.dir", dir.resolve("state-" + name).toString());
        ChildJvm jvm = new ChildJvm(dir);
        return jvm.service("syncback-" + name, SyncbackApp.class, jvm.settings("syncback-" + name, withState),
                clockFile);
    }
}
