package io.sentinelpager.platform.kafka;

import static io.sentinelpager.platform.kafka.StreamsTestBed.alert;
import static io.sentinelpager.platform.kafka.StreamsTestBed.header;
import static org.assertj.core.api.Assertions.assertThat;

import io.sentinelpager.platform.local.LocalCluster;
import io.sentinelpager.platform.service.ServiceContext;
import io.sentinelpager.platform.service.StreamsService;
import io.sentinelpager.schemas.SecurityAlert;
import io.sentinelpager.schemas.TopicSpec;
import io.sentinelpager.testkit.LocalClusterExtension;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serde;
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
        // The restarted instance takes over at once instead of after the default 45 s: a closed Streams client does
        // not leave its group.
        StreamsTestBed bed = StreamsTestBed.create(cluster, stateDir, "big", Map.of("kafka.session.timeout.ms", "6000"));
        ServiceContext context = bed.context();
        TopicSpec<String, SecurityAlert> in = bed.in();
        TopicSpec<String, SecurityAlert> out = bed.out();
        Serde<SecurityAlert> serde = context.serdes().value(SecurityAlert.class);
        Topology topology = bloatingTopology(context, in, out);
        String name = "big-test-" + bed.suffix();

        try (KafkaProducer<String, SecurityAlert> producer = bed.alertProducer()) {
            try (StreamsService service = new StreamsService(name, topology, context)) {
                producer.send(new ProducerRecord<>(in.name(), "k1", alert("poison"))).get();
                producer.send(new ProducerRecord<>(in.name(), "k2", alert("fine"))).get();
                producer.send(new ProducerRecord<>(in.name(), "k3", alert("untitled"))).get();
                service.start();

                List<ConsumerRecord<byte[], byte[]>> dead = bed.read(in.deadLetterTopic(), 2);
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
                assertThat(new String(dead.get(1).key())).isEqualTo("k3");
                assertThat(header(dead.get(1), DeadLetters.HEADER_STAGE)).isEqualTo("production");
                assertThat(header(dead.get(1), DeadLetters.HEADER_MESSAGE)).contains("does not serialize");
                assertThat(bed.read(out.name(), 1)).extracting(r -> new String(r.key())).containsExactly("k2");
            }
            try (StreamsService restarted = new StreamsService(name, topology, context)) {
                restarted.start();
                producer.send(new ProducerRecord<>(in.name(), "k4", alert("after"))).get();

                assertThat(bed.read(out.name(), 2)).extracting(r -> new String(r.key()))
                        .containsExactly("k2", "k4");
                assertThat(bed.read(in.deadLetterTopic(), 2)).as("each poison input, dead-lettered once")
                        .hasSize(2);
            }
        }
    }

    /**
     * Passes alerts on, but one titled "poison" with 2 MB of source JSON, twice what a topic takes, and one titled
     * "untitled" without the title its schema requires.
     */
    private static Topology bloatingTopology(ServiceContext context, TopicSpec<String, SecurityAlert> in,
                                             TopicSpec<String, SecurityAlert> out) {
        Serde<SecurityAlert> serde = context.serdes().value(SecurityAlert.class);
        StreamsBuilder builder = new StreamsBuilder();
        builder.stream(in.name(), Consumed.with(context.serdes().key(), serde).withName("big-source"))
                .mapValues(alert -> {
                    if (alert.getTitle().equals("poison")) {
                        alert.setSourceJson(TWO_MB);
                    } else if (alert.getTitle().equals("untitled")) {
                        alert.setTitle(null);
                    }
                    return alert;
                }, Named.as("big-spoil"))
                .to(out.name(), Produced.with(context.serdes().key(), serde).withName("big-sink"));
        return builder.build();
    }
}
