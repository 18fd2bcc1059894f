package io.sentinelpager.enrich;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.sentinelpager.platform.kafka.DeadLetters;
import io.sentinelpager.schemas.EnrichedAlert;
import io.sentinelpager.schemas.EnrichmentStatus;
import io.sentinelpager.schemas.SecurityAlert;
import io.sentinelpager.schemas.Topics;
import io.sentinelpager.testkit.MutableClock;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.metrics.Metrics;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.junit.jupiter.api.Test;

/** The loop's bookkeeping with Kafka's mock clients: what is published, dead-lettered and committed, and when. */
class EnrichLoopTest {

    static final TopicPartition RAW = new TopicPartition(Topics.ALERTS_RAW.name(), 0);

    final MutableClock clock = new MutableClock(Instant.parse("2026-05-05T09:15:02Z"));
    /** Kafka's own metrics of the consumer, which a real one has and the mock has not: enrich's lag among them. */
    final Metrics kafkaMetrics = new Metrics();
    final MockConsumer<byte[], byte[]> consumer = new MockConsumer<>("earliest") {
        @Override
        public synchronized Map<MetricName, ? extends Metric> metrics() {
            return kafkaMetrics.metrics();
        }
    };
    final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    final MockProducer<byte[], byte[]> producer = new MockProducer<>(true, null, new ByteArraySerializer(),
            new ByteArraySerializer());
    /** Stands in for the registry serdes: an alert's bytes are its key in this map. */
    final Map<String, SecurityAlert> alerts = new HashMap<>();
    final List<EnrichedAlert> published = new ArrayList<>();
    final List<CompletableFuture<Enrichment>> enrichments = new ArrayList<>();
    long offset;

    final EnrichLoop loop = new EnrichLoop("pager-enrich", new EnrichLoop.Clients() {
        @Override
        public Consumer<byte[], byte[]> consumer() {
            return consumer;
        }

        @Override
        public Producer<byte[], byte[]> producer() {
            return producer;
        }
    }, () -> new PendingEnrichments(EnrichConfig.defaults(), clock, alert -> {
        CompletableFuture<Enrichment> f = new CompletableFuture<>();
        enrichments.add(f);
        return Optional.of(f);
    }), deserializer(), serializer(), clock, registry, List.of());

    @Test
    void anUnreadableRecordIsDeadLetteredAsItCameAndTheNextAlertGoesOn() {
        consumer.schedulePollTask(() -> {
            consumer.rebalance(List.of(RAW));
            consumer.updateBeginningOffsets(Map.of(RAW, 0L));
            add("poison", "{not avro}".getBytes(StandardCharsets.UTF_8));
            add("c1:a1", alert(Fixtures.defenderAlert("c1")));
        });

        loop.runOnce();

        List<ProducerRecord<byte[], byte[]>> sent = producer.history();
        assertThat(sent).extracting(ProducerRecord::topic).containsExactly("alerts.raw.dlq", "alerts.enriched");
        ProducerRecord<byte[], byte[]> dead = sent.get(0);
        assertThat(new String(dead.value(), StandardCharsets.UTF_8)).isEqualTo("{not avro}");
        assertThat(header(dead, DeadLetters.HEADER_STAGE)).isEqualTo("deserialization");
        assertThat(header(dead, DeadLetters.HEADER_MESSAGE)).contains("not Avro in the Confluent wire format");
        assertThat(published).extracting(EnrichedAlert::getStatus).containsExactly(EnrichmentStatus.NOT_APPLICABLE);

        clock.advance(EnrichLoop.COMMIT_INTERVAL);
        loop.runOnce();
        assertThat(committed()).isEqualTo(2);
    }

    @Test
    void theOffsetOfATimedOutAlertIsCommittedOnlyWhenItsUpdateIsWritten() {
        consumer.schedulePollTask(() -> {
            consumer.rebalance(List.of(RAW));
            consumer.updateBeginningOffsets(Map.of(RAW, 0L));
            add("c1:s1", alert(Fixtures.sentinelAlert("c1", Fixtures.SYSTEM_ALERT_ID)));
        });
        loop.runOnce();
        assertThat(published).isEmpty();

        clock.advance(Duration.ofSeconds(5));
        loop.runOnce();
        assertThat(published).extracting(EnrichedAlert::getStatus).containsExactly(EnrichmentStatus.TIMED_OUT);
        clock.advance(EnrichLoop.COMMIT_INTERVAL);
        loop.runOnce();
        assertThat(consumer.committed(Set.of(RAW))).as("a crash now must enrich it again").isEmpty();

        enrichments.get(0).complete(Enrichment.notApplicable("no query"));
        loop.runOnce();
        clock.advance(EnrichLoop.COMMIT_INTERVAL);
        loop.runOnce();
        assertThat(published).extracting(EnrichedAlert::getRevision).containsExactly(0, 1);
        assertThat(committed()).isEqualTo(1);
    }

    private long committed() {
        OffsetAndMetadata committed = consumer.committed(Set.of(RAW)).get(RAW);
        return committed == null ? -1 : committed.offset();
    }

    /** No stage of its own reports how far enrich is behind ingest: its consumer's lag, on /metrics, does. */
    @Test
    void theConsumersLagIsOnMetricsWhileItIsOpen() {
        kafkaMetrics.addMetric(new MetricName("records-lag-max", "consumer-fetch-manager-metrics", "",
                Map.of("client-id", "consumer-pager-enrich-1")), (config, now) -> 42.0);

        loop.runOnce();
        assertThat(registry.get("kafka.consumer.fetch.manager.records.lag.max").gauge().value()).isEqualTo(42.0);

        loop.close();
        assertThat(registry.find("kafka.consumer.fetch.manager.records.lag.max").gauge())
                .as("a closed consumer reports no lag").isNull();
    }

    private void add(String key, byte[] value) {
        consumer.addRecord(new ConsumerRecord<>(RAW.topic(), RAW.partition(), offset++,
                key.getBytes(StandardCharsets.UTF_8), value));
    }

    private byte[] alert(SecurityAlert alert) {
        String id = "alert-" + alerts.size();
        alerts.put(id, alert);
        return id.getBytes(StandardCharsets.UTF_8);
    }

    private Deserializer<SecurityAlert> deserializer() {
        return (topic, bytes) -> {
            SecurityAlert alert = alerts.get(new String(bytes, StandardCharsets.UTF_8));
            if (alert == null) {
                throw new IllegalArgumentException("unknown magic byte");
            }
            return alert;
        };
    }

    private Serializer<EnrichedAlert> serializer() {
        return (topic, value) -> {
            published.add(value);
            return value.getStatus().name().getBytes(StandardCharsets.UTF_8);
        };
    }

    private static String header(ProducerRecord<?, ?> record, String name) {
        return new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }
}
