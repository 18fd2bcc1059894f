package io.sentinelpager.platform.kafka;

import static io.sentinelpager.platform.kafka.DeadLetterIT.alert;
import static io.sentinelpager.platform.kafka.DeadLetterIT.header;
import static io.sentinelpager.platform.kafka.DeadLetterIT.read;
import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.sentinelpager.platform.config.PagerConfig;
import io.sentinelpager.platform.config.PlatformConfig;
import io.sentinelpager.platform.local.LocalCluster;
import io.sentinelpager.platform.service.ServiceContext;
import io.sentinelpager.platform.service.StreamsService;
import io.sentinelpager.platform.testing.LocalClusterExtension;
import io.sentinelpager.schemas.SecurityAlert;
import io.sentinelpager.schemas.TopicSpec;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * An input whose output is too large for its topic is dead-lettered under exactly-once, and the stream goes on: with
 * the next input at once, and with the next new input after a restart, without meeting the poison input again.
 */
@ExtendWith(LocalClusterExtension.class)
class ProductionErrorIT {

    private static final String TWO_MB = "x".repeat(2 * 1024 * 1024);

    @TempDir
    Path stateDir;

    @Test
    void anOutputTooLargeForItsTopicDeadLettersItsInputAndTheStreamGoesOn(LocalCluster cluster) throws Exception {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        TopicSpec<String, SecurityAlert> in = new TopicSpec<>("test.big-in." + suffix, String.class,
                SecurityAlert.class, 1, Map.of());
        TopicSpec<String, SecurityAlert> out = new TopicSpec<>("test.big-out." + suffix, String.class,
                SecurityAlert.class, 1, Map.of());
        PagerConfig config = PagerConfig.empty().with(cluster.settings()).with(Map.of(
                PlatformConfig.STATE_DIR.name(), stateDir.toString()));
        ServiceContext context = ServiceContext.of(config, new SimpleMeterRegistry(), Clock.systemUTC());
        try (Admin admin = Admin.create(context.kafkaClientConfig())) {
            new TopicProvisioner(admin, (short) 1).ensure(List.of(in, out));
        }
        Serde<SecurityAlert> serde = context.serdes().value(SecurityAlert.class);
        Topology topology = bloatingTopology(context, in, out);
        String name = "big-test-" + suffix;

        try (KafkaProducer<String, SecurityAlert> producer = new KafkaProducer<>(
                DeadLetterIT.producerConfig(context), new StringSerializer(), serde.serializer())) {
            try (StreamsService service = new StreamsService(name, topology, context)) {
                producer.send(new ProducerRecord<>(in.name(), "k1", alert("poison"))).get();
                producer.send(new ProducerRecord<>(in.name(), "k2", alert("fine"))).get();
                service.start();

                List<ConsumerRecord<byte[], byte[]>> dead = read(context, in.deadLetterTopic(), 1);
                assertThat(new String(dead.get(0).key())).isEqualTo("k1");
                assertThat(header(dead.get(0), DeadLetters.HEADER_STAGE)).isEqualTo("production");
                assertThat(header(dead.get(0), DeadLetters.HEADER_TOPIC)).isEqualTo(in.name());
                assertThat(header(dead.get(0), DeadLetters.HEADER_OFFSET)).isEqualTo("0");
                assertThat(header(dead.get(0), DeadLetters.HEADER_EXCEPTION))
                        .isEqualTo(OversizedRecordException.class.getName());
                assertThat(header(dead.get(0), DeadLetters.HEADER_MESSAGE))
                        .contains(out.name()).contains("bytes").contains("limit");
                // The dead letter is the input as it came, not the output.
                assertThat(serde.deserializer().deserialize(in.name(), dead.get(0).value()).getTitle())
                        .isEqualTo("poison");
                assertThat(read(context, out.name(), 1)).extracting(r -> new String(r.key())).containsExactly("k2");
            }
            try (StreamsService restarted = new StreamsService(name, topology, context)) {
                restarted.start();
                producer.send(new ProducerRecord<>(in.name(), "k3", alert("after"))).get();

                assertThat(read(context, out.name(), 2)).extracting(r -> new String(r.key()))
                        .containsExactly("k2", "k3");
                assertThat(read(context, in.deadLetterTopic(), 1)).as("the poison input, dead-lettered once")
                        .hasSize(1);
            }
        }
    }

    /** Passes alerts on, but one titled "poison" with 2 MB of source JSON: twice what a topic takes. */
    private static Topology bloatingTopology(ServiceContext context, TopicSpec<String, SecurityAlert> in,
                                             TopicSpec<String, SecurityAlert> out) {
        Serde<SecurityAlert> serde = context.serdes().value(SecurityAlert.class);
        StreamsBuilder builder = new StreamsBuilder();
        builder.stream(in.name(), Consumed.with(context.serdes().key(), serde).withName("big-source"))
                .mapValues(alert -> alert.getTitle().equals("poison")
                        ? SecurityAlert.newBuilder(alert).setSourceJson(TWO_MB).build()
                        : alert, Named.as("big-bloat"))
                .to(out.name(), Produced.with(context.serdes().key(), serde).withName("big-sink"));
        return builder.build();
    }
}
