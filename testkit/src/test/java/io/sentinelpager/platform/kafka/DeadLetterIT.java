package io.sentinelpager.platform.kafka;

import static io.sentinelpager.platform.kafka.StreamsTestBed.alert;
import static io.sentinelpager.platform.kafka.StreamsTestBed.header;
import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.sentinelpager.platform.config.PagerConfig;
import io.sentinelpager.platform.local.LocalCluster;
import io.sentinelpager.platform.service.ServiceContext;
import io.sentinelpager.platform.service.StreamsService;
import io.sentinelpager.schemas.SecurityAlert;
import io.sentinelpager.testkit.LocalClusterExtension;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serde;
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
        StreamsTestBed bed = StreamsTestBed.create(cluster, stateDir, "dlq", Map.of());
        ServiceContext context = bed.context();
        Serde<SecurityAlert> serde = context.serdes().value(SecurityAlert.class);

        StreamsBuilder builder = new StreamsBuilder();
        builder.stream(bed.in().name(), Consumed.with(context.serdes().key(), serde).withName("test-source"))
                .mapValues(alert -> {
                    if (alert.getTitle().equals("boom")) {
                        throw new IllegalArgumentException("title boom is not allowed");
                    }
                    return alert;
                }, Named.as("test-check"))
                .to(bed.out().name(), Produced.with(context.serdes().key(), serde).withName("test-sink"));

        try (KafkaProducer<String, SecurityAlert> producer = bed.alertProducer();
             KafkaProducer<byte[], byte[]> raw = new KafkaProducer<>(context.kafkaClientConfig(),
                     new ByteArraySerializer(), new ByteArraySerializer());
             StreamsService service = new StreamsService("dlq-test-" + bed.suffix(), builder.build(), context)) {
            raw.send(new ProducerRecord<>(bed.in().name(), "k1".getBytes(), "not avro at all".getBytes())).get();
            producer.send(new ProducerRecord<>(bed.in().name(), "k2", alert("boom"))).get();
            producer.send(new ProducerRecord<>(bed.in().name(), "k3", alert("fine"))).get();
            service.start();

            List<ConsumerRecord<byte[], byte[]>> dead = bed.read(bed.in().deadLetterTopic(), 2);
            assertThat(dead).extracting(r -> new String(r.key())).containsExactly("k1", "k2");
            assertThat(new String(dead.get(0).value())).isEqualTo("not avro at all");
            assertThat(header(dead.get(0), DeadLetters.HEADER_STAGE)).isEqualTo("deserialization");
            assertThat(header(dead.get(0), DeadLetters.HEADER_TOPIC)).isEqualTo(bed.in().name());
            assertThat(header(dead.get(0), DeadLetters.HEADER_OFFSET)).isEqualTo("0");
            assertThat(header(dead.get(1), DeadLetters.HEADER_STAGE)).isEqualTo("processing");
            assertThat(header(dead.get(1), DeadLetters.HEADER_MESSAGE)).contains("title boom is not allowed");
            assertThat(header(dead.get(1), DeadLetters.HEADER_SERVICE)).isEqualTo("pager-dlq-test-" + bed.suffix());

            List<ConsumerRecord<byte[], byte[]>> passed = bed.read(bed.out().name(), 1);
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
}
