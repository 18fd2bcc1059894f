package io.sentinelpager.platform.kafka;

import io.micrometer.core.instrument.Metrics;
import io.sentinelpager.schemas.TopicSpec;
import io.sentinelpager.schemas.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Optional;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Builds the record that carries a bad input to {@code <topic>.dlq}: the original key and value bytes, untouched,
 * with provenance headers that say where it came from and why it was rejected. The same headers are written by every
 * service, so one tool reads any dead-letter topic, and every dead letter is counted here, once, in
 * {@code pager_dead_letters} by service, topic, stage and reason.
 *
 * <p>A dead letter only goes to a topic that exists: the {@code .dlq} of a catalog topic, which the runner
 * provisions with the catalog, never one of a Kafka Streams internal topic, which nobody creates; see
 * {@link #deadLetterSource}.
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
     * The largest dead letter: Kafka's default {@code max.request.size} (1 MiB), less room for the batch. Larger than
     * {@link io.sentinelpager.schemas.RecordLimits#MAX_RECORD_BYTES}, because a dead letter carries whatever the
     * broker accepted on its source topic.
     */
    static final int DEAD_LETTER_BYTES = 1024 * 1024 - 4096;
    /** Set when the dead letter keeps only the start of the value (see {@code withinLimit}). */
    public static final String HEADER_VALUE_CUT = "pager.dlq.value.cut";
    /**
     * Set by a service that passes its input on through one of its own repartition topics: the catalog topic the
     * record entered the service from. A record that then fails is dead-lettered to that topic's {@code .dlq}, which
     * is provisioned with the catalog, instead of to a dead-letter topic of the internal topic, which nobody creates.
     */
    public static final String HEADER_ENTERED_FROM = "pager.entered.from";

    /** Where the record failed. */
    public enum Stage { DESERIALIZATION, PROCESSING, PRODUCTION }

    private static final int MAX_MESSAGE = 2000;

    private DeadLetters() {
    }

    /** The dead letter of a record read from a catalog topic (or from a topic outside the catalog and Streams). */
    public static ProducerRecord<byte[], byte[]> record(String service, Stage stage, String topic, int partition,
                                                        long offset, byte[] key, byte[] value, Headers original,
                                                        Exception error) {
        return record(service, stage, topic, partition, offset, key, value, original, error, topic);
    }

    /**
     * @param fallback the catalog topic whose {@code .dlq} takes the dead letter of a record read from an internal
     *                 topic that no service marked with {@link #HEADER_ENTERED_FROM}
     */
    static ProducerRecord<byte[], byte[]> record(String service, Stage stage, String topic, int partition, long offset,
                                                 byte[] key, byte[] value, Headers original, Exception error,
                                                 String fallback) {
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
        value = withinLimit(key, value, headers, topic, partition, offset);
        String target = deadLetterSource(topic, original, fallback);
        // The exception's class, not its message: a bounded set of values, as a metric's tags must be.
        Metrics.counter("pager_dead_letters", "service", service, "topic", target, "stage", stage.name().toLowerCase(),
                "reason", error.getClass().getSimpleName()).increment();
        return new ProducerRecord<>(target + TopicSpec.DLQ_SUFFIX, null, key, value, headers);
    }

    /**
     * The value as the dead letter carries it: whole, unless the input was so close to the broker's limit that the
     * provenance headers would push the dead letter past it. Then its start is kept, and a header says how long it
     * was and where the whole one is, for as long as its topic keeps it; a dead letter that cannot be written would
     * lose the input altogether.
     */
    private static byte[] withinLimit(byte[] key, byte[] value, Headers headers, String topic, int partition,
                                      long offset) {
        int room = DEAD_LETTER_BYTES - (key == null ? 0 : key.length) - headerBytes(headers);
        if (value == null || value.length <= room) {
            return value;
        }
        put(headers, HEADER_VALUE_CUT, value.length + " bytes in all; the whole value is at " + topic + "-"
                + partition + "@" + offset + " for as long as that topic keeps it");
        return Arrays.copyOf(value, Math.max(0, room - 200));
    }

    private static int headerBytes(Headers headers) {
        int bytes = 0;
        for (Header header : headers) {
            bytes += header.key().length() + (header.value() == null ? 0 : header.value().length) + 8;
        }
        return bytes;
    }

    /** Marks a record with the topic it entered the service from; see {@link #HEADER_ENTERED_FROM}. */
    public static Headers enteredFrom(Headers headers, String topic) {
        Headers out = new RecordHeaders(headers == null ? new Header[0]
                : headers.toArray());
        // Replaced, not kept: a marker that leaked in with the input names another service's entry.
        put(out, HEADER_ENTERED_FROM, topic);
        return out;
    }

    /**
     * The topic whose {@code .dlq} takes the dead letter of a record read from {@code topic}: the topic the record
     * entered the service from, if the service marked it; else the topic itself unless it is a Kafka Streams internal
     * topic (a repartition topic, or a changelog); else {@code fallback}, a catalog topic the service reads.
     */
    static String deadLetterSource(String topic, Headers headers, String fallback) {
        return enteredFrom(headers)
                .or(() -> Topics.byName(topic).map(TopicSpec::name))
                .orElse(internal(topic) ? fallback : topic);
    }

    /** Kafka Streams names its internal topics {@code <application id>-<name>-repartition} or {@code -changelog}. */
    private static boolean internal(String topic) {
        return topic.endsWith("-repartition") || topic.endsWith("-changelog");
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
