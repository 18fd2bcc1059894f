package io.sentinelpager.enrich;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.sentinelpager.platform.kafka.DeadLetterHandlers;
import io.sentinelpager.platform.kafka.DeadLetters;
import io.sentinelpager.schemas.EnrichedAlert;
import io.sentinelpager.schemas.RecordLimits;
import io.sentinelpager.schemas.SecurityAlert;
import io.sentinelpager.schemas.Topics;
import io.sentinelpager.platform.service.LoopService;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The enrich flow: alerts.raw to alerts.enriched, and alerts.raw.urgent to alerts.enriched.urgent, through
 * {@link PendingEnrichments}, with a plain consumer and an idempotent producer.
 *
 * <p><b>Why not Kafka Streams.</b> A Streams processor must finish a record before the next one of its task: a
 * query that takes seconds would hold every alert of the partition behind it, whatever its connector. Enrichment is
 * I/O that must run concurrently, outlive the poll that read it, and be cut off by a deadline; with a consumer the
 * loop reads on while queries run on each connector's own threads, and publishes each alert the moment it is ready
 * or due.
 *
 * <p><b>What it guarantees.</b> At least once: an input offset is committed only when its record is finished (its
 * last output written and acknowledged, or its dead letter) and every record before it in the partition is too, so a
 * crash at any point re-reads what was not finished. Outputs are idempotent: the same alert key with the same
 * enrichment, which policy and escalate take as an update of an alert already paged, never as a new page; so a re-read
 * repeats nothing a person sees. Per alert order holds: the first record of an alert never overtakes an older one of
 * the same alert, and an update that a newer record supersedes is dropped. Any failure of the Kafka clients (a send
 * that failed, a lost commit) restarts the clients from the committed offsets rather than guessing what was written.
 */
final class EnrichLoop implements LoopService.Loop {

    private static final Logger log = LoggerFactory.getLogger(EnrichLoop.class);

    /** Longest a poll waits, and so the latest a due page or a finished enrichment waits to go out. */
    static final Duration POLL = Duration.ofMillis(50);
    static final Duration COMMIT_INTERVAL = Duration.ofSeconds(1);
    /**
     * The largest record enrich publishes. Its result rows can make a record larger (EnrichedRecords says why), so one
     * over it goes without them, which fits for any alert within ingest's bounds (EnrichedRecordsSizeTest); policy
     * then adds its routing to make an alerts.routed record, hence the room left.
     */
    static final int MAX_RECORD_BYTES = RecordLimits.MAX_RECORD_BYTES - RecordLimits.ROUTING_BYTES;

    /** Builds the Kafka clients, again after a failure. */
    interface Clients {
        Consumer<byte[], byte[]> consumer();

        Producer<byte[], byte[]> producer();
    }

    private final String service;
    private final Clients clients;
    private final Supplier<PendingEnrichments> pendingFactory;
    private final Deserializer<Object> alerts;
    private final Serializer<Object> enriched;
    private final Clock clock;
    private final MeterRegistry metrics;
    private final List<AutoCloseable> resources;
    private final AtomicReference<Exception> sendFailure = new AtomicReference<>();

    private Consumer<byte[], byte[]> consumer;
    /** The consumer's own metrics on /metrics, its records-lag-max above all: enrich's lag behind ingest. */
    private KafkaClientMetrics consumerMetrics;
    private Producer<byte[], byte[]> producer;
    private PendingEnrichments pending;
    private OffsetTracker offsets;
    private Instant nextCommit;

    @SuppressWarnings("unchecked")
    EnrichLoop(String service, Clients clients, Supplier<PendingEnrichments> pendingFactory,
               Deserializer<?> alerts, Serializer<?> enriched, Clock clock, MeterRegistry metrics,
               List<AutoCloseable> resources) {
        this.service = service;
        this.clients = clients;
        this.pendingFactory = pendingFactory;
        this.alerts = (Deserializer<Object>) alerts;
        this.enriched = (Serializer<Object>) enriched;
        this.clock = clock;
        this.metrics = metrics;
        this.resources = List.copyOf(resources);
        metrics.gauge("pager_enrich_pending", this, loop -> loop.pending == null ? 0 : loop.pending.size());
    }

    @Override
    public Duration runOnce() {
        if (consumer == null) {
            open();
        }
        try {
            cycle();
        } catch (RuntimeException e) {
            // Start again from the committed offsets: what was read since is read again, nothing is skipped.
            closeClients(false);
            throw e;
        }
        return Duration.ZERO;
    }

    private void cycle() {
        failIfSendFailed();
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(pollTimeout())) {
            TopicPartition partition = new TopicPartition(record.topic(), record.partition());
            offsets.received(partition, record.offset());
            accept(partition, record);
        }
        publish(pending.due());
        if (!clock.instant().isBefore(nextCommit)) {
            commit(null);
            nextCommit = clock.instant().plus(COMMIT_INTERVAL);
        }
    }

    private void accept(TopicPartition partition, ConsumerRecord<byte[], byte[]> record) {
        SecurityAlert alert;
        try {
            if (record.value() == null) {
                throw new IllegalArgumentException("no value");
            }
            Object value = alerts.deserialize(record.topic(), record.headers(), record.value());
            if (!(value instanceof SecurityAlert a)) {
                throw new IllegalArgumentException("expected a SecurityAlert, got a "
                        + (value == null ? "null" : value.getClass().getSimpleName()));
            }
            alert = a;
        } catch (RuntimeException e) {
            deadLetter(DeadLetters.Stage.DESERIALIZATION, partition, record,
                    DeadLetterHandlers.Deserialization.explain(record.value(), e));
            return;
        }
        try {
            String key = record.key() == null ? alert.getAlertKey() : new String(record.key(), StandardCharsets.UTF_8);
            pending.accept(partition, record.offset(), key, alert);
        } catch (RuntimeException e) {
            deadLetter(DeadLetters.Stage.PROCESSING, partition, record, e);
        }
    }

    private void publish(List<PendingEnrichments.Output> outputs) {
        for (PendingEnrichments.Output output : outputs) {
            if (output.value() != null) {
                send(lane(output.partition()), output.key(), output.value());
                metrics.counter("pager_enrich_records", "status", output.value().getStatus().name().toLowerCase(),
                        "revision", String.valueOf(output.value().getRevision())).increment();
            }
            if (output.finished()) {
                // Acknowledged before the next commit: commit() flushes the producer first.
                offsets.finished(output.partition(), output.offset());
            }
        }
    }

    /** Every revision of an alert goes on the lane it came in on, so policy takes an urgent alert first. */
    private static String lane(TopicPartition input) {
        return input.topic().equals(Topics.ALERTS_RAW_URGENT.name()) ? Topics.ALERTS_ENRICHED_URGENT.name()
                : Topics.ALERTS_ENRICHED.name();
    }

    private void send(String topic, String key, EnrichedAlert value) {
        Headers headers = new RecordHeaders();
        byte[] bytes = enriched.serialize(topic, headers, value);
        if (bytes.length > MAX_RECORD_BYTES) {
            log.warn("{}: the enriched record of {} is {} bytes; publishing it without its rows", service, key,
                    bytes.length);
            headers = new RecordHeaders();
            bytes = enriched.serialize(topic, headers, EnrichedRecords.withoutRows(value, bytes.length));
        }
        producer.send(new ProducerRecord<>(topic, null, key.getBytes(StandardCharsets.UTF_8), bytes, headers),
                (metadata, error) -> {
                    if (error != null) {
                        sendFailure.compareAndSet(null, error);
                    }
                });
    }

    /** The record as it arrived, to alerts.raw.dlq with the reason; the flow goes on. */
    private void deadLetter(DeadLetters.Stage stage, TopicPartition partition, ConsumerRecord<byte[], byte[]> record,
                            Exception error) {
        log.warn("{}: {} offset {} dead-lettered at {}: {}", service, partition, record.offset(), stage, error.toString());
        producer.send(DeadLetters.record(service, stage, record.topic(), record.partition(), record.offset(),
                record.key(), record.value(), record.headers(), error), (metadata, failure) -> {
                    if (failure != null) {
                        sendFailure.compareAndSet(null, failure);
                    }
                });
        offsets.finished(partition, record.offset());
    }

    /** Flushes what was sent, then commits what is finished (of {@code only} these partitions, if given). */
    private void commit(Collection<TopicPartition> only) {
        producer.flush();
        failIfSendFailed();
        Map<TopicPartition, OffsetAndMetadata> due = offsets.committable();
        if (only != null) {
            due.keySet().retainAll(only);
        }
        if (!due.isEmpty()) {
            consumer.commitSync(due);
            offsets.committed(due);
        }
    }

    private void failIfSendFailed() {
        Exception failure = sendFailure.get();
        if (failure != null) {
            throw new IllegalStateException("a record could not be written; restarting from the committed offsets",
                    failure);
        }
    }

    private Duration pollTimeout() {
        Instant now = clock.instant();
        return pending.nextDue().map(due -> Duration.between(now, due))
                .filter(untilDue -> untilDue.compareTo(POLL) < 0)
                .map(untilDue -> untilDue.isNegative() ? Duration.ZERO : untilDue)
                .orElse(POLL);
    }

    private void open() {
        sendFailure.set(null);
        pending = pendingFactory.get();
        offsets = new OffsetTracker();
        producer = clients.producer();
        consumer = clients.consumer();
        consumerMetrics = new KafkaClientMetrics(consumer);
        consumerMetrics.bindTo(metrics);
        nextCommit = clock.instant().plus(COMMIT_INTERVAL);
        consumer.subscribe(List.of(Topics.ALERTS_RAW.name(), Topics.ALERTS_RAW_URGENT.name()),
                new ConsumerRebalanceListener() {
            @Override
            public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                // What is finished is committed; the rest is read again by the new owner.
                commit(partitions);
                pending.forget(partitions);
                offsets.forget(partitions);
            }

            @Override
            public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            }

            @Override
            public void onPartitionsLost(Collection<TopicPartition> partitions) {
                pending.forget(partitions);
                offsets.forget(partitions);
            }
        });
    }

    private void closeClients(boolean commitFinished) {
        try {
            if (commitFinished && consumer != null) {
                publish(pending.due());
                commit(null);
            }
        } catch (RuntimeException e) {
            log.warn("{}: final commit failed; the unfinished records will be read again", service, e);
        } finally {
            if (consumerMetrics != null) {
                // Before the consumer goes: the next one binds its own, and a closed one's meters would read stale.
                consumerMetrics.close();
                consumerMetrics = null;
            }
            if (consumer != null) {
                consumer.close();
            }
            if (producer != null) {
                producer.close();
            }
            consumer = null;
            producer = null;
        }
    }

    /** Publishes what is ready, commits what is finished, then stops the clients and the connectors' threads. */
    @Override
    public void close() {
        closeClients(true);
        for (AutoCloseable resource : resources) {
            try {
                resource.close();
            } catch (Exception e) {
                log.warn("{}: closing {} failed", service, resource, e);
            }
        }
    }
}
