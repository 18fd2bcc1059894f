package io.sentinelpager.platform.kafka;

import io.micrometer.core.instrument.Metrics;
import io.sentinelpager.schemas.TopicSpec;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Optional;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Builds the record that carries a bad input to {@code <topic>.dlq}: the original key and value bytes, untouched,
 * with provenance headers that say where it came from and why it was rejected. The same headers are written by every
 * service, so one tool reads any dead-letter topic.
 */
public final class DeadLetters {

    public static final String HEADER_TOPIC = "pager.dlq.topic";
    public static final String HEADER_PARTITION = "pager.dlq.partition";
    public static final String HEADER_OFFSET = "pager.dlq.offset";
    public static final String HEADER_STAGE = "pager.dlq.stage";
    public static final String HEADER_SERVICE = "pager.dlq.service";
    public static final String HEADER_EXCEPTION = "pager.dlq.exception";
    public static final String HEADER_MESSAGE = "pager.dlq.message";
    public static final String HEADER_FAILED_AT = "pager.dlq.failed.at";
    /**
     * Set by a service that passes its input on through one of its own repartition topics: the catalog topic the
     * record entered the service from. A record that then fails is dead-lettered to that topic's {@code .dlq}, which
     * is provisioned with the catalog, instead of to a dead-letter topic of the internal topic, which nobody creates.
     */
    public static final String HEADER_ENTERED_FROM = "pager.entered.from";

    /** Where the record failed. */
    public enum Stage { DESERIALIZATION, PROCESSING }

    private static final int MAX_MESSAGE = 2000;

    private DeadLetters() {
    }

    public static ProducerRecord<byte[], byte[]> record(String service, Stage stage, String topic, int partition,
                                                        long offset, byte[] key, byte[] value, Headers original,
                                                        Exception error) {
        Headers headers = new RecordHeaders();
        if (original != null) {
            original.forEach(headers::add);
        }
        put(headers, HEADER_TOPIC, topic);
        put(headers, HEADER_PARTITION, String.valueOf(partition));
        put(headers, HEADER_OFFSET, String.valueOf(offset));
        put(headers, HEADER_STAGE, stage.name().toLowerCase());
        put(headers, HEADER_SERVICE, service);
        put(headers, HEADER_EXCEPTION, error.getClass().getName());
        put(headers, HEADER_MESSAGE, describe(error));
        put(headers, HEADER_FAILED_AT, Instant.now().toString());
        String target = enteredFrom(original).orElse(topic);
        Metrics.counter("pager_dead_letters", "service", service, "topic", target, "stage", stage.name().toLowerCase())
                .increment();
        return new ProducerRecord<>(target + TopicSpec.DLQ_SUFFIX, null, key, value, headers);
    }

    /** Marks a record with the topic it entered the service from; see {@link #HEADER_ENTERED_FROM}. */
    public static Headers enteredFrom(Headers headers, String topic) {
        Headers out = new RecordHeaders(headers == null ? new Header[0]
                : headers.toArray());
        // Replaced, not kept: a marker that leaked in with the input names another service's entry.
        put(out, HEADER_ENTERED_FROM, topic);
        return out;
    }

    private static Optional<String> enteredFrom(Headers headers) {
        Header header = headers == null ? null : headers.lastHeader(HEADER_ENTERED_FROM);
        return header == null ? Optional.empty()
                : Optional.of(new String(header.value(), StandardCharsets.UTF_8));
    }

    /** The exception and its causes in one line, bounded so that a huge message cannot bloat the record. */
    static String describe(Throwable error) {
        StringBuilder out = new StringBuilder();
        for (Throwable t = error; t != null && out.length() < MAX_MESSAGE; t = t.getCause()) {
            if (out.length() > 0) {
                out.append(" <- ");
            }
            out.append(t.getClass().getSimpleName()).append(": ").append(t.getMessage());
            if (t.getCause() == t) {
                break;
            }
        }
        return out.length() > MAX_MESSAGE ? out.substring(0, MAX_MESSAGE) + "…" : out.toString();
    }

    private static void put(Headers headers, String name, String value) {
        headers.remove(name);
        headers.add(name, value.getBytes(StandardCharsets.UTF_8));
    }
}
