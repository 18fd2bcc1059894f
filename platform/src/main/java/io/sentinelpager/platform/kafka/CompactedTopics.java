package io.sentinelpager.platform.kafka;

import io.sentinelpager.platform.service.ServiceContext;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/**
 * Reads compacted topics from the beginning to their current end: the latest record per key, without deleted keys.
 * Used where a process needs the whole table once at start (ingest's watermarks, pager apply's live config).
 */
public final class CompactedTopics {

    private CompactedTopics() {
    }

    /** Topic name → (key → latest value); every topic named is in the result, empty if it has no records. */
    public static Map<String, Map<String, SpecificRecord>> read(ServiceContext context, List<String> topics) {
        Map<String, Map<String, SpecificRecord>> out = new LinkedHashMap<>();
        topics.forEach(t -> out.put(t, new TreeMap<>()));
        try (KafkaConsumer<String, SpecificRecord> consumer = new KafkaConsumer<>(context.consumerConfig(null),
                context.serdes().key().deserializer(), context.serdes().anyValue().deserializer())) {
            List<TopicPartition> partitions = topics.stream().flatMap(t -> consumer.partitionsFor(t).stream())
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = new HashMap<>(consumer.endOffsets(partitions));
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                for (ConsumerRecord<String, SpecificRecord> r : consumer.poll(Duration.ofMillis(200))) {
                    if (r.value() == null) {
                        out.get(r.topic()).remove(r.key());
                    } else {
                        out.get(r.topic()).put(r.key(), r.value());
                    }
                }
            }
        }
        return out;
    }
}
