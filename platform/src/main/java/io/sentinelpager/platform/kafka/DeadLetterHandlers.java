package io.sentinelpager.platform.kafka;

import io.sentinelpager.schemas.TopicSpec;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Configurable;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.errors.ProductionExceptionHandler;
import org.apache.kafka.streams.errors.StreamsException;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kafka Streams handlers that send a record the service cannot read or process to {@code <topic>.dlq} and carry on.
 * The dead letter is handed back to Streams, which writes it with the task's producer: under exactly-once it is
 * committed together with the input offset, so a bad record is neither lost nor dead-lettered twice.
 */
public final class DeadLetterHandlers {

    private static final Logger log = LoggerFactory.getLogger(DeadLetterHandlers.class);

    /**
     * Streams setting listing the topics this application reads as global tables. Kafka Streams 4.4 cannot write
     * dead letters from its global thread (it fails and stops the application), so for these topics the handlers
     * write the dead letter themselves and tell Streams to skip the record.
     */
    public static final String GLOBAL_TOPICS_CONFIG = "pager.dlq.global.topics";
    /**
     * Streams setting naming a catalog topic the application reads: its {@code .dlq} takes the dead letters of records
     * read from an internal topic that the service did not mark with {@link DeadLetters#HEADER_ENTERED_FROM}.
     */
    public static final String FALLBACK_TOPIC_CONFIG = "pager.dlq.fallback.topic";

    private static final Duration SEND_TIMEOUT = Duration.ofSeconds(5);

    private DeadLetterHandlers() {
    }

    /** Where the handlers of one Streams application send dead letters. */
    private static final class Sink {
        private final String service;
        private final Set<String> globalTopics;
        private final String fallback;
        private final Map<String, Object> producerConfig;
        private final Map<String, Object> consumerConfig;
        private KafkaProducer<byte[], byte[]> producer;

        Sink(Map<String, ?> configs) {
            Object id = configs.get(StreamsConfig.APPLICATION_ID_CONFIG);
            service = id == null ? "unknown" : id.toString();
            Object global = configs.get(GLOBAL_TOPICS_CONFIG);
            globalTopics = global == null || global.toString().isBlank() ? Set.of()
                    : Set.of(global.toString().split(","));
            Object fallbackTopic = configs.get(FALLBACK_TOPIC_CONFIG);
            fallback = fallbackTopic == null ? null : fallbackTopic.toString();
            // The same cluster and credentials as the application's own clients.
            Map<String, Object> cluster = new HashMap<>();
            configs.forEach((key, value) -> {
                if (key.startsWith("security.") || key.startsWith("sasl.") || key.startsWith("ssl.")) {
                    cluster.put(key, value);
                }
            });
            cluster.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, configs.get(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG));
            consumerConfig = new HashMap<>(cluster);
            consumerConfig.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
            consumerConfig.put(ConsumerConfig.CLIENT_ID_CONFIG, service + "-dlq-input");
            producerConfig = new HashMap<>(cluster);
            producerConfig.put(ProducerConfig.ACKS_CONFIG, "all");
            producerConfig.put(ProducerConfig.CLIENT_ID_CONFIG, service + "-global-dlq");
            // The global thread waits for this send: a missing topic or an unreachable cluster must not hold it for
            // the producer's default minute.
            producerConfig.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) SEND_TIMEOUT.toMillis());
            producerConfig.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) SEND_TIMEOUT.toMillis());
            producerConfig.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) SEND_TIMEOUT.multipliedBy(2).toMillis());
        }

        /** The dead letter of the input the context names, with the input's bytes. */
        ProducerRecord<byte[], byte[]> deadLetter(DeadLetters.Stage stage, ErrorHandlerContext context, Exception error) {
            byte[] key = context.sourceRawKey();
            byte[] value = context.sourceRawValue();
            if (key == null && value == null) {
                // Kafka Streams 4.4 lets go of the input's bytes once an output is serialized, so an output that the
                // producer refuses finds none here: read them back from the input's topic.
                Optional<ConsumerRecord<byte[], byte[]>> input = reread(context.topic(), context.partition(),
                        context.offset());
                key = input.map(ConsumerRecord::key).orElse(null);
                value = input.map(ConsumerRecord::value).orElse(null);
            }
            return DeadLetters.record(service, stage, context.topic(), context.partition(), context.offset(), key,
                    value, context.headers(), error, fallback);
        }

        /** The record at the offset, unless it cannot be read within the send timeout (then the headers tell where). */
        private Optional<ConsumerRecord<byte[], byte[]>> reread(String topic, int partition, long offset) {
            TopicPartition at = new TopicPartition(topic, partition);
            try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerConfig,
                    new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
                consumer.assign(List.of(at));
                consumer.seek(at, offset);
                long deadline = System.nanoTime() + SEND_TIMEOUT.toNanos();
                while (System.nanoTime() < deadline) {
                    List<ConsumerRecord<byte[], byte[]>> records = consumer.poll(Duration.ofMillis(200)).records(at);
                    if (!records.isEmpty()) {
                        // A transaction marker or a compacted record leaves no record at the offset.
                        return Optional.of(records.get(0)).filter(first -> first.offset() == offset);
                    }
                }
            } catch (KafkaException e) {
                log.warn("{}: could not read back {}@{}", service, at, offset, e);
            }
            return Optional.empty();
        }

        /** Dead letters of task records go back to Streams; those of global records are written here. */
        List<ProducerRecord<byte[], byte[]>> route(ProducerRecord<byte[], byte[]> deadLetter, String topic) {
            if (!globalTopics.contains(topic)) {
                return List.of(deadLetter);
            }
            try {
                producer().send(deadLetter).get(SEND_TIMEOUT.multipliedBy(3).toMillis(), TimeUnit.MILLISECONDS);
            } catch (Exception e) {
                log.error("{}: could not write the dead letter of a {} record to {}; the record is skipped and stays"
                        + " in {} at its offset", service, topic, deadLetter.topic(), topic, e);
            }
            return List.of();
        }

        private synchronized KafkaProducer<byte[], byte[]> producer() {
            if (producer == null) {
                producer = new KafkaProducer<>(producerConfig, new ByteArraySerializer(), new ByteArraySerializer());
            }
            return producer;
        }
    }

    /** What every handler has: the sink its Streams settings describe. */
    abstract static class Handler implements Configurable {
        Sink sink;

        @Override
        public void configure(Map<String, ?> configs) {
            sink = new Sink(configs);
        }
    }

    /** Records whose bytes do not decode (not Avro, unknown schema id, wrong record type). */
    public static final class Deserialization extends Handler implements DeserializationExceptionHandler {
        @Override
        public Response handleError(ErrorHandlerContext context, ConsumerRecord<byte[], byte[]> record,
                                    Exception exception) {
            Exception reason = explain(record.value(), exception);
            ProducerRecord<byte[], byte[]> deadLetter = DeadLetters.record(sink.service,
                    DeadLetters.Stage.DESERIALIZATION, record.topic(), record.partition(), record.offset(),
                    record.key(), record.value(), record.headers(), reason, sink.fallback);
            log.warn("{}: record {}-{}@{} cannot be read, sent to {}: {}", sink.service, record.topic(),
                    record.partition(), record.offset(), deadLetter.topic(), DeadLetters.describe(reason));
            return Response.resume(sink.route(deadLetter, record.topic()));
        }

        /**
         * The registry client's own message for bytes without a schema id is cryptic; say what is wrong. Public for
         * services that read with a plain consumer (enrich), so every dead letter says it the same way.
         */
        public static Exception explain(byte[] value, Exception exception) {
            if (value == null) {
                return new IllegalArgumentException("the value is empty (null); a tombstone is not valid here",
                        exception);
            }
            if (value.length < 5 || value[0] != 0) {
                return new IllegalArgumentException(String.format("the value is not Avro in the Confluent wire"
                        + " format: %d bytes, first byte 0x%02x, expected 0x00 and a 4-byte schema id", value.length,
                        value.length == 0 ? 0 : value[0]), exception);
            }
            return exception;
        }
    }

    /** Records that decoded but that the service's logic threw on. */
    public static final class Processing extends Handler implements ProcessingExceptionHandler {
        @Override
        public Response handleError(ErrorHandlerContext context, Record<?, ?> record, Exception exception) {
            if (context.topic() == null) {
                // Raised by a punctuator, not by an input record: there are no input bytes to keep.
                log.error("{}: scheduled processing failed in {}", sink.service, context.processorNodeId(), exception);
                return Response.resume();
            }
            if (exception instanceof StreamsException) {
                // Kafka Streams' own failure surfacing in a processor (a producer error from an earlier send, a task
                // that moved), not this record's: under exactly-once its dead letter would be aborted with the rest.
                log.error("{}: record {}-{}@{} met a failure of Kafka Streams in {}", sink.service, context.topic(),
                        context.partition(), context.offset(), context.processorNodeId(), exception);
                return Response.fail();
            }
            ProducerRecord<byte[], byte[]> deadLetter = sink.deadLetter(DeadLetters.Stage.PROCESSING, context, exception);
            log.warn("{}: record {}-{}@{} failed in {}, sent to {}: {}", sink.service, context.topic(),
                    context.partition(), context.offset(), context.processorNodeId(), deadLetter.topic(),
                    DeadLetters.describe(exception));
            return Response.resume(sink.route(deadLetter, context.topic()));
        }
    }

    /**
     * Outputs that can never be written: too large for the producer ({@link GuardedClients} refuses them before the
     * producer sees them), or that do not serialize. The input that produced one is dead-lettered with the output's
     * topic and the reason, and the stream carries on; a dead letter of the output itself would be as large, or as
     * unwritable, as the output.
     *
     * <p>Any other error from the producer cannot be handled so under exactly-once (Kafka 4.4): the producer has
     * already put the transaction into an abortable error, every later send in it fails with the same exception
     * (the handler is called again for innocent records), dead letters included, and the transaction is aborted.
     * Such an error fails the thread, loudly; the runner replaces it, the task replays from its last commit, and
     * {@code /health/ready} reports the repeated replacements.
     */
    public static final class Production extends Handler implements ProductionExceptionHandler {

        @Override
        public Response handleError(ErrorHandlerContext context, ProducerRecord<byte[], byte[]> record,
                                    Exception exception) {
            if (exception instanceof OversizedRecordException) {
                return deadLetterInput(context, record.topic(), exception);
            }
            if (exception instanceof RetriableException) {
                return Response.retry();
            }
            log.error("{}: writing to {} failed while processing {}-{}@{}; the transaction is aborted and the input"
                    + " will be processed again", sink.service, record.topic(), context.topic(), context.partition(),
                    context.offset(), exception);
            return Response.fail();
        }

        @Override
        public Response handleSerializationError(ErrorHandlerContext context, ProducerRecord record,
                                                 Exception exception, SerializationExceptionOrigin origin) {
            return deadLetterInput(context, record.topic(), new SerializationException("the "
                    + origin.name().toLowerCase() + " of an output to " + record.topic() + " does not serialize",
                    exception));
        }

        private Response deadLetterInput(ErrorHandlerContext context, String output, Exception reason) {
            if (context.topic() == null || output.endsWith(TopicSpec.DLQ_SUFFIX)) {
                // An output of a punctuator has no input to keep; a dead letter that cannot be written has no
                // dead letter of its own.
                log.error("{}: an output to {} cannot be written and is dropped", sink.service, output, reason);
                return Response.resume();
            }
            ProducerRecord<byte[], byte[]> deadLetter = sink.deadLetter(DeadLetters.Stage.PRODUCTION, context, reason);
            log.warn("{}: record {}-{}@{} produced an output that cannot be written, sent to {}: {}", sink.service,
                    context.topic(), context.partition(), context.offset(), deadLetter.topic(),
                    DeadLetters.describe(reason));
            return Response.resume(sink.route(deadLetter, context.topic()));
        }

    }
}
