package io.sentinelpager.app;

import io.apicurio.registry.serde.avro.AvroKafkaDeserializer;
import io.apicurio.registry.serde.config.SerdeConfig;
import io.sentinelpager.platform.config.PlatformConfig;
import io.sentinelpager.schemas.TopicSpec;
import io.sentinelpager.schemas.Topics;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import org.apache.avro.generic.GenericData;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code pager tail alerts.raw}: a topic's records decoded, with key and headers. Values are decoded through the
 * registry with the writer's schema (no generated classes needed); dead-letter topics are shown as raw text. A bytes
 * field shows only its length: the one our topics have holds a push subscription's sealed capability, whose
 * ciphertext means nothing to a reader.
 *
 * <p>A topic of the alert flow that has an urgent twin is tailed with it ({@code alerts.raw} with
 * {@code alerts.raw.urgent}): a high-severity alert goes only to the twin, and someone following an alert through the
 * flow should not find the important ones missing. Each record's line names the topic it is on.
 */
@Command(name = "tail", description = "Print a topic's records: key, headers and the value decoded to JSON.")
final class TailCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "TOPIC")
    String topic;

    @CommandLine.Mixin
    ClusterOptions cluster;

    @Option(names = "--from-beginning", defaultValue = "true", negatable = true,
            description = "start at the oldest record (default) or only show new ones")
    boolean fromBeginning;

    @Option(names = "--max-messages", defaultValue = "-1", description = "stop after this many records")
    int maxMessages;

    /** Avro's JSON-like rendering of a record, with bytes as {@code "<n bytes>"}. */
    private static final GenericData RENDER = new GenericData() {
        @Override
        protected void toString(Object datum, StringBuilder buffer, IdentityHashMap<Object, Object> seen) {
            if (datum instanceof ByteBuffer bytes) {
                buffer.append("\"<").append(bytes.remaining()).append(" bytes>\"");
            } else {
                super.toString(datum, buffer, seen);
            }
        }
    };

    @Option(names = "--timeout", defaultValue = "PT0S", description = "stop when no record arrives for this long"
            + " (ISO-8601, e.g. PT10S); 0 waits for ever")
    Duration timeout;

    @Override
    public Integer call() {
        return tail(PlatformConfig.from(cluster.settings()), System.out);
    }

    int tail(PlatformConfig platform, PrintStream out) {
        Map<String, Object> props = new HashMap<>(platform.kafkaProperties());
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, platform.bootstrapServers());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "pager-tail-" + UUID.randomUUID());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, fromBeginning ? "earliest" : "latest");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        AvroKafkaDeserializer<Object> avro = new AvroKafkaDeserializer<>();
        avro.configure(Map.of(SerdeConfig.REGISTRY_URL, platform.registryUrl()), false);
        boolean raw = topic.endsWith(TopicSpec.DLQ_SUFFIX);
        int seen = 0;
        Instant lastRecord = Instant.now();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            List<String> topics = Topics.urgentTwin(topic).map(twin -> List.of(topic, twin)).orElse(List.of(topic));
            if (topics.size() > 1) {
                System.err.println("Tailing " + String.join(" and ", topics) + " (its urgent lane)");
            }
            consumer.subscribe(topics);
            while (maxMessages < 0 || seen < maxMessages) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    out.println(format(r, raw ? text(r.value()) : decode(avro, r)));
                    lastRecord = Instant.now();
                    if (++seen == maxMessages) {
                        break;
                    }
                }
                if (!timeout.isZero() && Duration.between(lastRecord, Instant.now()).compareTo(timeout) > 0) {
                    break;
                }
            }
        }
        return 0;
    }

    private String decode(AvroKafkaDeserializer<Object> avro, ConsumerRecord<String, byte[]> r) {
        if (r.value() == null) {
            return "null (tombstone)";
        }
        try {
            return RENDER.toString(avro.deserialize(r.topic(), r.headers(), r.value()));
        } catch (RuntimeException e) {
            return "<not decodable: " + e.getMessage() + "> " + text(r.value());
        }
    }

    private static String text(byte[] value) {
        return value == null ? "null" : new String(value, StandardCharsets.UTF_8);
    }

    private static String format(ConsumerRecord<String, byte[]> r, String value) {
        StringBuilder line = new StringBuilder();
        line.append(r.topic()).append('-').append(r.partition()).append('@').append(r.offset())
                .append(" key=").append(r.key());
        for (Header h : r.headers()) {
            line.append(' ').append(h.key()).append('=').append(h.value() == null ? "" : text(h.value()));
        }
        return line.append('\n').append(value).toString();
    }
}
