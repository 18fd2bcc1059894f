package io.sentinelpager.app;

import io.sentinelpager.platform.service.ServiceContext;
import io.sentinelpager.schemas.TopicSpec;
import io.sentinelpager.schemas.Topics;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/** What is live: the latest record per key of each compacted config topic, read to its end. */
final class LiveConfig {

    static final List<TopicSpec<String, ?>> TOPICS = List.of(Topics.CONFIG_USERS, Topics.CONFIG_TEAMS,
            Topics.CONFIG_SCHEDULES, Topics.CONFIG_ESCALATIONS, Topics.CONFIG_POLICIES);

    private LiveConfig() {
    }

    /** Topic name → (key → record), without deleted keys. */
    static Map<String, Map<String, SpecificRecord>> read(ServiceContext context) {
        Map<String, Map<String, SpecificRecord>> live = new LinkedHashMap<>();
        TOPICS.forEach(t -> live.put(t.name(), new TreeMap<>()));
        try (KafkaConsumer<String, SpecificRecord> consumer = new KafkaConsumer<>(context.consumerConfig(null),
                context.serdes().key().deserializer(), context.serdes().anyValue().deserializer())) {
            List<TopicPartition> partitions = TOPICS.stream().flatMap(t -> consumer.partitionsFor(t.name()).stream())
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                for (ConsumerRecord<String, SpecificRecord> r : consumer.poll(Duration.ofMillis(200))) {
                    if (r.value() == null) {
                        live.get(r.topic()).remove(r.key());
                    } else {
                        live.get(r.topic()).put(r.key(), r.value());
                    }
                }
            }
        }
        return live;
    }
}
