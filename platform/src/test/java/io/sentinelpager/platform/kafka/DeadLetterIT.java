package io.sentinelpager.platform.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.sentinelpager.platform.config.PagerConfig;
import io.sentinelpager.platform.config.PlatformConfig;
import io.sentinelpager.platform.local.LocalCluster;
import io.sentinelpager.platform.service.ServiceContext;
import io.sentinelpager.platform.service.StreamsService;
import io.sentinelpager.platform.testing.LocalClusterExtension;
import io.sentinelpager.schemas.AlertSource;
import io.sentinelpager.schemas.SecurityAlert;
import io.sentinelpager.schemas.Severity;
import io.sentinelpager.schemas.SourceStatus;
import io.sentinelpager.schemas.TopicSpec;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** A record that cannot be read, and one that makes the logic throw, land in the .dlq topic; the good one flows. */
@ExtendWith(LocalClusterExtension.class)
class DeadLetterIT {

    @TempDir
    Path stateDir;

    @Test
    void badRecordsGoToTheDeadLetterTopicAndTheServiceKeepsProcessing(LocalCluster cluster) throws Exception {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        TopicSpec<String, SecurityAlert> in = new TopicSpec<>("test.in." + suffix, String.class, SecurityAlert.class, 1, Map.of());
        TopicSpec<String, SecurityAlert> out = new TopicSpec<>("test.out." + suffix, String.class, SecurityAlert.class, 1, Map.of());
        PagerConfig config = PagerConfig.empty().with(cluster.settings()).with(Map.of(
                PlatformConfig.STATE_DIR.name(), stateDir.toString()));
        ServiceContext context = ServiceContext.of(config, new SimpleMeterRegistry(), Clock.systemUTC());
        try (Admin admin = Admin.create(context.kafkaClientConfig())) {
            new TopicProvisioner(admin, (short) 1).ensure(List.of(in, out));
        }
        Serde<SecurityAlert> serde = context.serdes().value(SecurityAlert.class);

        StreamsBuilder builder = new StreamsBuilder();
        builder.stream(in.name(), Consumed.with(context.serdes().key(), serde).withName("test-source"))
                .mapValues(alert -> {
                    if (alert.getTitle().equals("boom")) {
                        throw new IllegalArgumentException("title boom is not allowed");
                    }
                    return alert;
                }, Named.as("test-check"))
                .to(out.name(), Produced.with(context.serdes().key(), serde).withName("test-sink"));

        try (KafkaProducer<String, SecurityAlert> producer = new KafkaProducer<>(Map.copyOf(producerConfig(context)),
                new StringSerializer(), serde.serializer());
             KafkaProducer<byte[], byte[]> raw = new KafkaProducer<>(context.kafkaClientConfig(),
                     new ByteArraySerializer(), new ByteArraySerializer());
             StreamsService service = new StreamsService("dlq-test-" + suffix, builder.build(), context)) {
            raw.send(new ProducerRecord<>(in.name(), "k1".getBytes(), "not avro at all".getBytes())).get();
            producer.send(new ProducerRecord<>(in.name(), "k2", alert("boom"))).get();
            producer.send(new ProducerRecord<>(in.name(), "k3", alert("fine"))).get();
            service.start();

            List<ConsumerRecord<byte[], byte[]>> dead = read(context, in.deadLetterTopic(), 2);
            assertThat(dead).extracting(r -> new String(r.key())).containsExactly("k1", "k2");
            assertThat(new String(dead.get(0).value())).isEqualTo("not avro at all");
            assertThat(header(dead.get(0), DeadLetters.HEADER_STAGE)).isEqualTo("deserialization");
            assertThat(header(dead.get(0), DeadLetters.HEADER_TOPIC)).isEqualTo(in.name());
            assertThat(header(dead.get(0), DeadLetters.HEADER_OFFSET)).isEqualTo("0");
            assertThat(header(dead.get(1), DeadLetters.HEADER_STAGE)).isEqualTo("processing");
            assertThat(header(dead.get(1), DeadLetters.HEADER_MESSAGE)).contains("title boom is not allowed");
            assertThat(header(dead.get(1), DeadLetters.HEADER_SERVICE)).isEqualTo("pager-dlq-test-" + suffix);

            List<ConsumerRecord<byte[], byte[]>> passed = read(context, out.name(), 1);
            assertThat(new String(passed.get(0).key())).isEqualTo("k3");
        }
    }

    @Test
    void valuesUseTheConfluentWireFormatAndTheIdResolvesThroughCcompat(LocalCluster cluster) throws Exception {
        String topic = "test.wire." + UUID.randomUUID().toString().substring(0, 8);
        PagerConfig config = PagerConfig.empty().with(cluster.settings());
        ServiceContext context = ServiceContext.of(config, new SimpleMeterRegistry(), Clock.systemUTC());
        byte[] bytes = context.serdes().value(SecurityAlert.class).serializer().serialize(topic, alert("wire"));

        assertThat(bytes[0]).as("magic byte").isZero();
        int id = ByteBuffer.wrap(bytes, 1, 4).getInt();
        HttpResponse<String> schema = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(cluster.ccompatUrl() + "/schemas/ids/" + id)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(schema.statusCode()).isEqualTo(200);
        assertThat(schema.body()).contains("io.sentinelpager.schemas").contains("SecurityAlert");
        HttpResponse<String> subjects = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(cluster.ccompatUrl() + "/subjects")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(subjects.body()).contains(topic + "-value");
    }

    static SecurityAlert alert(String title) {
        Instant now = Instant.parse("2026-11-29T03:00:00Z");
        return SecurityAlert.newBuilder().setAlertKey("c1:" + title).setConnectorId("c1").setSource(AlertSource.GRAPH)
                .setAlertId(title).setTitle(title).setSeverity(Severity.HIGH).setStatus(SourceStatus.NEW)
                .setCreatedAt(now).setLastUpdatedAt(now).setIngestedAt(now).setSourceJson("{}").build();
    }

    static Map<String, Object> producerConfig(ServiceContext context) {
        Map<String, Object> config = new java.util.HashMap<>(context.kafkaClientConfig());
        config.put("acks", "all");
        return config;
    }

    static List<ConsumerRecord<byte[], byte[]>> read(ServiceContext context, String topic, int count) {
        Map<String, Object> config = new java.util.HashMap<>(context.kafkaClientConfig());
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

    static String header(ConsumerRecord<?, ?> record, String name) {
        return new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }
}
