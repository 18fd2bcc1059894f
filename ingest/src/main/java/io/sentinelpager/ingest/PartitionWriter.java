package io.sentinelpager.ingest;

import io.sentinelpager.platform.service.ServiceContext;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The transactional producer of one partition of ingest's topics, whose transactional id is the partition's, not the
 * instance's: whoever owns the partition owns the id. Taking a partition over calls {@code initTransactions}, which
 * aborts what a crashed or stalled previous owner left open (so read-committed readers are not held up until its
 * timeout) and fences it, so it can never commit again. That is what makes a hand-over exactly-once.
 */
final class PartitionWriter implements AutoCloseable {

    /** Thrown when another instance has taken this partition over: stop using it. */
    static final class Fenced extends RuntimeException {
        Fenced(int partition, Exception cause) {
            super("partition " + partition + " of ingest's topics was taken over by another instance", cause);
        }
    }

    private final int partition;
    private final KafkaProducer<byte[], byte[]> producer;

    private PartitionWriter(int partition, KafkaProducer<byte[], byte[]> producer) {
        this.partition = partition;
        this.producer = producer;
    }

    /** Opens the producer and fences every earlier owner of the partition in this group. */
    static PartitionWriter open(ServiceContext context, String groupId, int partition, String instanceId) {
        Map<String, Object> config = new HashMap<>(context.transactionalProducerConfig(groupId + "-p" + partition));
        config.put(ProducerConfig.CLIENT_ID_CONFIG, groupId + "-" + instanceId + "-p" + partition);
        config.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, (int) Duration.ofMinutes(5).toMillis());
        config.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(config, new ByteArraySerializer(),
                new ByteArraySerializer());
        try {
            producer.initTransactions();
        } catch (RuntimeException e) {
            producer.close(Duration.ZERO);
            throw e;
        }
        return new PartitionWriter(partition, producer);
    }

    /** Writes the outbox in one transaction: all of it becomes visible, or none. */
    void commit(Outbox outbox) {
        if (outbox.isEmpty()) {
            return;
        }
        try {
            producer.beginTransaction();
            for (ProducerRecord<byte[], byte[]> record : outbox.records()) {
                producer.send(record);
            }
            producer.commitTransaction();
        } catch (ProducerFencedException | InvalidProducerEpochException e) {
            throw new Fenced(partition, e);
        } catch (KafkaException e) {
            try {
                producer.abortTransaction();
            } catch (KafkaException abortFailed) {
                e.addSuppressed(abortFailed);
            }
            throw e;
        }
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(10));
    }
}
