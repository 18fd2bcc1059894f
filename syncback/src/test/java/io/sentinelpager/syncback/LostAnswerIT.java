package io.sentinelpager.syncback;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.sentinelpager.azure.Connectors;
import io.sentinelpager.emulator.AzureEmulator;
import io.sentinelpager.emulator.EmulatorOptions;
import io.sentinelpager.emulator.Fault;
import io.sentinelpager.platform.config.PagerConfig;
import io.sentinelpager.platform.config.Secret;
import io.sentinelpager.schemas.AlertSource;
import io.sentinelpager.schemas.PendingSync;
import io.sentinelpager.schemas.SourceStatus;
import io.sentinelpager.schemas.SyncCommand;
import io.sentinelpager.schemas.SyncOutcome;
import io.sentinelpager.schemas.SyncResult;
import io.sentinelpager.schemas.SyncState;
import io.sentinelpager.schemas.SyncStatus;
import io.sentinelpager.testkit.MutableClock;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Syncback killed after Graph took a close and before the answer was committed, as ClusterChaosIT's kill -9 does: the
 * next processor over the same store (a restart, or the instance that takes the task over) finds the close still
 * pending. Graph must get it once, not a second time; a restored write Graph does not show yet is still written.
 *
 * <p>The processor runs in Kafka's MockProcessorContext over real in-memory stores, its punctuator fired by hand, and
 * writes through the real Graph client to the emulator's Graph over HTTPS, whose per-alert history shows every PATCH.
 */
class LostAnswerIT {

    static final Instant T0 = Instant.parse("2026-11-29T03:00:00Z");
    static final String CONNECTOR = "graph";
    static final String OWNER = "ana@contoso.example";
    /** How long the lane's call to the emulator may take; the wait is for another thread, not for time to pass. */
    static final Duration CALL_WAIT = Duration.ofSeconds(30);

    static AzureEmulator azure;
    static Map<String, String> settings;

    final MutableClock clock = new MutableClock(T0);
    final KeyValueStore<String, Long> applied = Stores.keyValueStoreBuilder(
            Stores.inMemoryKeyValueStore(SyncbackTopology.APPLIED_STORE), Serdes.String(), Serdes.Long())
            .withLoggingDisabled().build();
    final KeyValueStore<String, PendingSync> pending = Stores.keyValueStoreBuilder(
            Stores.inMemoryKeyValueStore(SyncbackTopology.PENDING_STORE), Serdes.String(), pendingSerde())
            .withLoggingDisabled().build();
    MockProcessorContext<String, SpecificRecord> context;
    ConnectorLanes lanes;
    SyncProcessor processor;

    @BeforeAll
    static void startAzure(@TempDir Path dir) {
        azure = AzureEmulator.start(EmulatorOptions.defaults());
        Path pem = dir.resolve("emulator.pem");
        azure.writeCertificatePem(pem);
        EmulatorOptions app = azure.options();
        settings = new HashMap<>(Connectors.settings(CONNECTOR, app.tenantId(), app.clientId(),
                Secret.of(app.clientSecret()), azure.authorityHost(), azure.graphBaseUrl(), pem));
    }

    @AfterAll
    static void stopAzure() {
        azure.close();
    }

    @AfterEach
    void stop() {
        crash();
    }

    @Test
    void aCloseGraphTookBeforeTheCrashIsNotWrittenAgainWhileAWriteGraphLacksIsWritten() {
        String closed = CONNECTOR + ":" + addGraphAlert("Closed just before the crash");
        String throttled = CONNECTOR + ":" + addGraphAlert("Throttled before the crash");
        start();

        process(command("ack", closed, SourceStatus.IN_PROGRESS, null));
        awaitOutput(SyncResult.class, r -> r.getCommandId().equals("ack/" + closed));
        // Graph throttles the other alert's acknowledge for longer than the client retries: it waits in the store.
        azure.faults().inject("graph.alerts.patch", Fault.throttle(Duration.ofMinutes(2)).percent(100));
        process(command("ack", throttled, SourceStatus.IN_PROGRESS, null));
        awaitOutput(SyncState.class, s -> s.getAlertKey().equals(throttled) && s.getState() == SyncStatus.PENDING);
        azure.faults().clear();
        // Graph takes the close, and syncback is killed before the answer is committed.
        process(command("close", closed, SourceStatus.RESOLVED, "truePositive"));
        crash();
        assertThat(statusWrites(closed)).containsExactly("inProgress", "resolved");

        start();
        clock.advance(Duration.ofMinutes(5)); // past the throttle's Retry-After
        SyncResult close = awaitOutput(SyncResult.class, r -> r.getCommandId().equals("close/" + closed));
        SyncResult ack = awaitOutput(SyncResult.class, r -> r.getCommandId().equals("ack/" + throttled));

        assertThat(statusWrites(closed)).as("the close is in Graph once").containsExactly("inProgress", "resolved");
        assertThat(close.getOutcome()).isEqualTo(SyncOutcome.APPLIED);
        assertThat(close.getDetail()).isEqualTo(GraphWriter.ALREADY_APPLIED);
        assertThat(statusWrites(throttled)).as("the acknowledge Graph lacked is written").containsExactly("inProgress");
        assertThat(graphAlert(throttled).get("assignedTo").asText()).isEqualTo(OWNER);
        assertThat(ack.getOutcome()).isEqualTo(SyncOutcome.APPLIED);
        assertThat(outputs(SyncState.class, s -> s.getState() == SyncStatus.APPLIED)).extracting(SyncState::getAlertKey)
                .containsExactlyInAnyOrder(closed, throttled);
    }

    /** A fresh processor and lanes over the same stores: what a restarted or new instance finds restored. */
    private void start() {
        context = new MockProcessorContext<>();
        if (!pending.isOpen()) {
            applied.init(context.getStateStoreContext(), applied);
            pending.init(context.getStateStoreContext(), pending);
        }
        context.addStateStore(applied);
        context.addStateStore(pending);
        SyncbackConfig config = SyncbackConfig.from(PagerConfig.empty().with(settings));
        lanes = new ConnectorLanes(new GraphWriter(Connectors.from(PagerConfig.empty().with(settings))), 1);
        processor = new SyncProcessor(lanes, config, new SyncMetrics(new SimpleMeterRegistry()), clock);
        processor.init(context);
    }

    /**
     * Kills the processor after its calls in flight are done (as the kill lands after Graph took the PATCH): their
     * answers are never taken in, so the store keeps their writes as they were.
     */
    private void crash() {
        if (processor != null) {
            processor.close();
            lanes.close();
            processor = null;
            lanes = null;
        }
    }

    private void process(SyncCommand command) {
        context.setCurrentSystemTimeMs(clock.millis()); // the processor stamps its outputs with it
        processor.process(new Record<>(command.getAlertKey(), command, clock.millis()));
    }

    /** Fires the punctuator, which takes in the lanes' answers, until an output matches. */
    private <T> T awaitOutput(Class<T> type, Predicate<T> match) {
        long deadline = System.nanoTime() + CALL_WAIT.toNanos();
        while (true) {
            context.setCurrentSystemTimeMs(clock.millis());
            context.scheduledPunctuators().forEach(p -> p.getPunctuator().punctuate(clock.millis()));
            Optional<T> found = outputs(type, match).stream().findFirst();
            if (found.isPresent()) {
                return found.get();
            }
            assertThat(System.nanoTime()).as("an output in time").isLessThan(deadline);
            try {
                Thread.sleep(10); // the answer comes from the lane's thread
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    private <T> List<T> outputs(Class<T> type, Predicate<T> match) {
        return context.forwarded().stream().map(f -> f.record().value()).filter(type::isInstance).map(type::cast)
                .filter(match).toList();
    }

    /** The statuses the alert's PATCHes set, in the order Graph took them. */
    private static List<String> statusWrites(String key) {
        return azure.alerts().history(key.substring(key.indexOf(':') + 1)).orElseThrow().stream()
                .filter(h -> h.get("changes").has("status")).map(h -> h.get("changes").get("status").asText()).toList();
    }

    private static JsonNode graphAlert(String key) {
        return azure.alerts().get(key.substring(key.indexOf(':') + 1)).orElseThrow();
    }

    private static String addGraphAlert(String title) {
        return azure.alerts().add(JsonNodeFactory.instance.objectNode().put("title", title).put("severity", "high"))
                .get("id").asText();
    }

    private SyncCommand command(String verb, String key, SourceStatus status, String classification) {
        clock.advance(Duration.ofSeconds(1));
        return SyncCommand.newBuilder().setCommandId(verb + "/" + key).setAlertKey(key).setConnectorId(CONNECTOR)
                .setSource(AlertSource.GRAPH).setAlertId(key.substring(key.indexOf(':') + 1)).setTargetStatus(status)
                .setAssignedTo(OWNER).setClassification(classification).setRequestedAt(clock.instant()).build();
    }

    /** Avro single-object encoding: a store serde that needs no registry. */
    private static Serde<PendingSync> pendingSerde() {
        return Serdes.serdeFrom((topic, write) -> {
            try {
                ByteBuffer buffer = write.toByteBuffer();
                byte[] bytes = new byte[buffer.remaining()];
                buffer.get(bytes);
                return bytes;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, (topic, bytes) -> {
            try {
                return PendingSync.fromByteBuffer(ByteBuffer.wrap(bytes));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }
}
