package io.sentinelpager.platform.kafka;

import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
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

    private DeadLetterHandlers() {
    }

    /** Records whose bytes do not decode (not Avro, unknown schema id, wrong record type). */
    public static final class Deserialization implements DeserializationExceptionHandler {
        private String service = "unknown";

        @Override
        public void configure(Map<String, ?> configs) {
            Object id = configs.get(StreamsConfig.APPLICATION_ID_CONFIG);
            service = id == null ? service : id.toString();
        }

        @Override
        public Response handleError(ErrorHandlerContext context, ConsumerRecord<byte[], byte[]> record,
                                    Exception exception) {
            Exception reason = explain(record.value(), exception);
            log.warn("{}: record {}-{}@{} cannot be read, sent to {}.dlq: {}", service, record.topic(),
                    record.partition(), record.offset(), record.topic(), DeadLetters.describe(reason));
            return Response.resume(List.of(DeadLetters.record(service, DeadLetters.Stage.DESERIALIZATION,
                    record.topic(), record.partition(), record.offset(), record.key(), record.value(),
                    record.headers(), reason)));
        }

        /** The registry client's own message for bytes without a schema id is cryptic; say what is wrong. */
        static Exception explain(byte[] value, Exception exception) {
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
    public static final class Processing implements ProcessingExceptionHandler {
        private String service = "unknown";

        @Override
        public void configure(Map<String, ?> configs) {
            Object id = configs.get(StreamsConfig.APPLICATION_ID_CONFIG);
            service = id == null ? service : id.toString();
        }

        @Override
        public Response handleError(ErrorHandlerContext context, Record<?, ?> record, Exception exception) {
            if (context.topic() == null) {
                // Raised by a punctuator, not by an input record: there are no input bytes to keep.
                log.error("{}: scheduled processing failed in {}", service, context.processorNodeId(), exception);
                return Response.resume();
            }
            log.warn("{}: record {}-{}@{} failed in {}, sent to {}.dlq: {}", service, context.topic(),
                    context.partition(), context.offset(), context.processorNodeId(), context.topic(),
                    DeadLetters.describe(exception));
            return Response.resume(List.of(DeadLetters.record(service, DeadLetters.Stage.PROCESSING, context.topic(),
                    context.partition(), context.offset(), context.sourceRawKey(), context.sourceRawValue(),
                    context.headers(), exception)));
        }
    }
}
