package io.sentinelpager.ingest;

import io.sentinelpager.platform.service.ServiceContext;
import io.sentinelpager.schemas.SyncCommand;
import io.sentinelpager.schemas.Topics;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps {@link OurWrites} up to date from sync.commands. Every instance reads all of it from its start, whichever
 * connectors it polls, and reads it to its end each time a page of alerts arrives, so that any write whose effect the
 * page shows has its command here (why that makes the echo check exact: {@link OurWrites}).
 */
final class OurWritesReader implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(OurWritesReader.class);

    private final KafkaConsumer<String, SpecificRecord> commands;
    private final List<TopicPartition> partitions;
    private final OurWrites ours;

    OurWritesReader(ServiceContext context, Set<String> connectorIds) {
        this.ours = new OurWrites(connectorIds);
        this.commands = new KafkaConsumer<>(context.consumerConfig(null), context.serdes().key().deserializer(),
                context.serdes().anyValue().deserializer());
        this.partitions = commands.partitionsFor(Topics.SYNC_COMMANDS.name()).stream()
                .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
        commands.assign(partitions);
        commands.seekToBeginning(partitions);
    }

    /**
     * Syncback's commands up to the current end of sync.commands. A record that cannot be read is skipped: it cannot
     * be one of our writes, since escalate writes only readable commands.
     */
    OurWrites upToDate() {
        Map<TopicPartition, Long> end = commands.endOffsets(partitions);
        while (partitions.stream().anyMatch(p -> commands.position(p) < end.get(p))) {
            try {
                for (ConsumerRecord<String, SpecificRecord> r : commands.poll(Duration.ofMillis(100))) {
                    if (r.value() instanceof SyncCommand command) {
                        ours.add(command);
                    }
                }
            } catch (RecordDeserializationException e) {
                log.warn("skipping unreadable record {} at offset {} of {}", e.topicPartition(), e.offset(),
                        Topics.SYNC_COMMANDS.name());
                commands.seek(e.topicPartition(), e.offset() + 1);
            }
        }
        return ours;
    }

    @Override
    public void close() {
        commands.close(Duration.ofSeconds(5));
    }
}
