package io.sentinelpager.platform.service;

import static io.sentinelpager.platform.kafka.StreamsTestBed.await;

import io.sentinelpager.platform.kafka.StreamsTestBed;
import io.sentinelpager.platform.kafka.TopicProvisioner;
import io.sentinelpager.platform.local.LocalCluster;
import io.sentinelpager.testkit.LocalClusterExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * An output the broker refuses (here: over its topic's max.message.bytes, which the producer cannot know) cannot be
 * dead-lettered under exactly-once: the transaction is aborted, the thread fails and is replaced, and the task meets
 * the same input again. Readiness must say so instead of staying UP.
 */
@ExtendWith(LocalClusterExtension.class)
class ProducerErrorIT {

    /** Generous: each replacement waits for the failed thread's session to time out (6 s here); three make a loop. */
    private static final Duration NOTICED_WITHIN = Duration.ofMinutes(2);

    @TempDir
    Path stateDir;

    @Test
    void anOutputTheBrokerRefusesFailsTheThreadOverAndOverAndReadinessSaysSo(LocalCluster cluster) throws Exception {
        StreamsTestBed bed = StreamsTestBed.create(cluster, stateDir, "refused",
                Map.of("kafka.session.timeout.ms", "6000"));
        ServiceContext context = bed.context();
        try (Admin admin = Admin.create(context.kafkaClientConfig())) {
            new TopicProvisioner(admin, (short) 1).ensureConfig(bed.out().name(), Map.of("max.message.bytes", "2000"));
        }
        StreamsBuilder builder = new StreamsBuilder();
        builder.stream(bed.in().name(), Consumed.with(Serdes.String(), Serdes.String()).withName("refused-source"))
                .mapValues(value -> value.equals("big") ? "x".repeat(10_000) : value, Named.as("refused-grow"))
                .to(bed.out().name(), Produced.with(Serdes.String(), Serdes.String()).withName("refused-sink"));

        try (StreamsService service = new StreamsService("refused-test-" + bed.suffix(), builder.build(), context);
             KafkaProducer<String, String> producer = bed.stringProducer()) {
            service.start();
            await("ready after start", Duration.ofSeconds(60), service::ready);

            producer.send(new ProducerRecord<>(bed.in().name(), "k1", "big")).get();

            // Kafka Streams stays RUNNING through it all (a replaced thread rejoins in seconds): only the count of
            // replacements tells.
            await("not ready while RUNNING, as threads fail over and over", NOTICED_WITHIN,
                    () -> !service.ready() && service.queryable());
        }
    }
}
