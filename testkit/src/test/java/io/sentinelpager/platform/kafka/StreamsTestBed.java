package io.sentinelpager.platform.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.sentinelpager.platform.config.PagerConfig;
import io.sentinelpager.platform.config.PlatformConfig;
import io.sentinelpager.platform.local.LocalCluster;
import io.sentinelpager.platform.service.ServiceContext;
import io.sentinelpager.schemas.SecurityAlert;
import io.sentinelpager.schemas.TopicSpec;
import io.sentinelpager.testkit.Alerts;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * What a Streams test on the real broker needs: a service context on the shared cluster, and an input and an output
 * topic (with their dead-letter topics) named apart from every other test's.
 */
public record StreamsTestBed(ServiceContext context, TopicSpec<String, SecurityAlert> in,
                             TopicSpec<String, SecurityAlert> out, String suffix) {

    /**
     * @param name     names the topics, e.g. {@code stall} gives test.stall-in.&lt;suffix&gt;
     * @param settings settings beside the cluster's and the state directory
     */
    public static StreamsTestBed create(LocalCluster cluster, Path stateDir, String name, Map<String, String> settings) {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        TopicSpec<String, SecurityAlert> in = new TopicSpec<>("test." + name + "-in." + suffix, String.class,
                SecurityAlert.class, 1, Map.of());
        TopicSpec<String, SecurityAlert> out = new TopicSpec<>("test." + name + "-out." + suffix, String.class,
                SecurityAlert.class, 1, Map.of());
        PagerConfig config = PagerConfig.empty().with(cluster.settings())
                .with(Map.of(PlatformConfig.STATE_DIR.name(), stateDir.toString())).with(settings);
        ServiceContext context = ServiceContext.of(config, new SimpleMeterRegistry(), Clock.systemUTC());
        try (Admin admin = Admin.create(context.kafkaClientConfig())) {
            new TopicProvisioner(admin, (short) 1).ensure(List.of(in, out));
        }
        return new StreamsTestBed(context, in, out, suffix);
    }

    /** A producer of alerts to the input topic. */
    public KafkaProducer<String, SecurityAlert> alertProducer() {
        Map<String, Object> config = new HashMap<>(context.kafkaClientConfig());
        config.put("acks", "all");
        return new KafkaProducer<>(config, new StringSerializer(),
                context.serdes().value(SecurityAlert.class).serializer());
    }

    /** A producer of plain strings to any topic. */
    public KafkaProducer<String, String> stringProducer() {
        return new KafkaProducer<>(context.kafkaClientConfig(), new StringSerializer(), new StringSerializer());
    }

    /** Waits for the condition, checking it every 100 ms; after {@code within}, fails naming what it waited for. */
    public static void await(String what, Duration within, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as(what + " within " + within).isLessThan(deadline);
            Thread.sleep(100);
        }
    }

    /** Waits up to a minute for {@code count} committed records on the topic, from its start. */
    public List<ConsumerRecord<byte[], byte[]>> read(String topic, int count) {
        Map<String, Object> config = new HashMap<>(context.kafkaClientConfig());
        config.put("group.id", "reader-" + UUID.randomUUID());
        config.put("auto.offset.reset", "earliest");
        config.put("isolation.level", "read_committed");
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (out.size() < count && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(out::add);
            }
        }
        assertThat(out).as("records on %s", topic).hasSize(count);
        return out;
    }

    public static String header(ConsumerRecord<?, ?> record, String name) {
        return new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }

    public static SecurityAlert alert(String title) {
        return Alerts.alert("c1:" + title, Instant.parse("2026-11-29T03:00:00Z")).setTitle(title).build();
    }
}
