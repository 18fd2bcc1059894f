package io.sentinelpager.ingest;

import io.sentinelpager.platform.service.ServiceContext;
import io.sentinelpager.schemas.ConnectorHealth;
import io.sentinelpager.schemas.IngestSeen;
import io.sentinelpager.schemas.IngestWatermark;
import io.sentinelpager.schemas.Topics;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** What the compacted topics hold for the connectors of one partition; seen alerts only within the retention. */
record PartitionState(Map<String, IngestWatermark> watermarks, Map<String, IngestSeen> seenByKey,
                      Map<String, ConnectorHealth> health) {

    private static final Logger log = LoggerFactory.getLogger(PartitionState.class);

    Map<String, IngestSeen> seen(String connectorId) {
        Map<String, IngestSeen> out = new HashMap<>();
        seenByKey.forEach((key, seen) -> {
            if (seen.getConnectorId().equals(connectorId)) {
                out.put(key, seen);
            }
        });
        return out;
    }

    static PartitionState read(ServiceContext context, int partition, SeenRetention retention, Instant now) {
        Map<String, IngestWatermark> watermarks = new HashMap<>();
        Map<String, IngestSeen> seen = new HashMap<>();
        Map<String, ConnectorHealth> health = new HashMap<>();
        List<TopicPartition> parts = List.of(new TopicPartition(Topics.INGEST_WATERMARKS.name(), partition),
                new TopicPartition(Topics.INGEST_SEEN.name(), partition),
                new TopicPartition(Topics.CONNECTOR_HEALTH.name(), partition));
        try (KafkaConsumer<String, SpecificRecord> consumer = new KafkaConsumer<>(context.consumerConfig(null),
                context.serdes().key().deserializer(), context.serdes().anyValue().deserializer())) {
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
            Map<TopicPartition, Long> end = consumer.endOffsets(parts);
            while (parts.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                try {
                    for (ConsumerRecord<String, SpecificRecord> r : consumer.poll(Duration.ofMillis(200))) {
                        put(r, watermarks, seen, health, retention, now);
                    }
                } catch (RecordDeserializationException e) {
                    log.warn("skipping unreadable record at offset {} of {}", e.offset(), e.topicPartition());
                    consumer.seek(e.topicPartition(), e.offset() + 1);
                }
            }
        }
        return new PartitionState(watermarks, seen, health);
    }

    private static void put(ConsumerRecord<String, SpecificRecord> r, Map<String, IngestWatermark> watermarks,
                            Map<String, IngestSeen> seen, Map<String, ConnectorHealth> health,
                            SeenRetention retention, Instant now) {
        if (r.value() == null) {
            watermarks.remove(r.key());
            seen.remove(r.key());
            health.remove(r.key());
        } else if (r.value() instanceof IngestWatermark w) {
            watermarks.put(r.key(), w);
        } else if (r.value() instanceof IngestSeen s) {
            // Dropped here rather than after the read, so that memory never holds more than the retention's worth.
            if (retention.expired(s, now)) {
                seen.remove(r.key());
            } else {
                seen.put(r.key(), s);
            }
        } else if (r.value() instanceof ConnectorHealth h) {
            health.put(r.key(), h);
        }
    }
}
