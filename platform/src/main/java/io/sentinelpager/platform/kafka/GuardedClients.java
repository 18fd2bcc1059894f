package io.sentinelpager.platform.kafka;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.metrics.KafkaMetric;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.KafkaClientSupplier;

/**
 * The Kafka clients of a Streams application, with producers that refuse a record too large to be written before
 * the real producer sees it. Under exactly-once the real producer, refusing such a record itself, puts the whole
 * transaction into an error that only an abort clears (Kafka 4.4): every later send fails with it, dead letters
 * included, and the task replays the same input. Refused here, the record fails alone, with an
 * {@link OversizedRecordException} that {@link DeadLetterHandlers.Production} answers by dead-lettering the input.
 */
public final class GuardedClients implements KafkaClientSupplier {

    /**
     * Room for what the producer adds to a record's key, value and headers (lengths, offsets, the batch header) when
     * it checks the record against max.request.size: under a hundred bytes.
     */
    static final int FRAMING = 1024;

    @Override
    public Admin getAdmin(Map<String, Object> config) {
        return Admin.create(config);
    }

    @Override
    public Producer<byte[], byte[]> getProducer(Map<String, Object> config) {
        Object maxRequest = config.getOrDefault(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 1024 * 1024);
        return new GuardedProducer(new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer()),
                Integer.parseInt(maxRequest.toString()) - FRAMING);
    }

    @Override
    public Consumer<byte[], byte[]> getConsumer(Map<String, Object> config) {
        return new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    @Override
    public Consumer<byte[], byte[]> getRestoreConsumer(Map<String, Object> config) {
        return getConsumer(config);
    }

    @Override
    public Consumer<byte[], byte[]> getGlobalConsumer(Map<String, Object> config) {
        return getConsumer(config);
    }

    /** A producer that fails an oversized record on its own and hands everything else on. */
    static final class GuardedProducer implements Producer<byte[], byte[]> {
        private final Producer<byte[], byte[]> producer;
        private final int limit;

        GuardedProducer(Producer<byte[], byte[]> producer, int limit) {
            this.producer = producer;
            this.limit = limit;
        }

        @Override
        public Future<RecordMetadata> send(ProducerRecord<byte[], byte[]> record, Callback callback) {
            int bytes = size(record);
            if (bytes <= limit) {
                return producer.send(record, callback);
            }
            // As the producer reports a record it refuses: through the callback, and in the future.
            OversizedRecordException refused = new OversizedRecordException(record.topic(), bytes, limit);
            if (callback != null) {
                callback.onCompletion(null, refused);
            }
            return CompletableFuture.failedFuture(refused);
        }

        @Override
        public Future<RecordMetadata> send(ProducerRecord<byte[], byte[]> record) {
            return send(record, null);
        }

        private static int size(ProducerRecord<byte[], byte[]> record) {
            int bytes = length(record.key()) + length(record.value());
            for (Header header : record.headers()) {
                bytes += header.key().getBytes(StandardCharsets.UTF_8).length + length(header.value());
            }
            return bytes;
        }

        private static int length(byte[] bytes) {
            return bytes == null ? 0 : bytes.length;
        }

        @Override
        public void initTransactions() {
            producer.initTransactions();
        }

        @Override
        public void beginTransaction() {
            producer.beginTransaction();
        }

        @Override
        public void sendOffsetsToTransaction(Map<TopicPartition, OffsetAndMetadata> offsets,
                                             ConsumerGroupMetadata groupMetadata) {
            producer.sendOffsetsToTransaction(offsets, groupMetadata);
        }

        @Override
        public void commitTransaction() {
            producer.commitTransaction();
        }

        @Override
        public void abortTransaction() {
            producer.abortTransaction();
        }

        @Override
        public void registerMetricForSubscription(KafkaMetric metric) {
            producer.registerMetricForSubscription(metric);
        }

        @Override
        public void unregisterMetricFromSubscription(KafkaMetric metric) {
            producer.unregisterMetricFromSubscription(metric);
        }

        @Override
        public void flush() {
            producer.flush();
        }

        @Override
        public List<PartitionInfo> partitionsFor(String topic) {
            return producer.partitionsFor(topic);
        }

        @Override
        public Map<MetricName, ? extends Metric> metrics() {
            return producer.metrics();
        }

        @Override
        public Uuid clientInstanceId(Duration timeout) {
            return producer.clientInstanceId(timeout);
        }

        @Override
        public void close() {
            producer.close();
        }

        @Override
        public void close(Duration timeout) {
            producer.close(timeout);
        }
    }
}
