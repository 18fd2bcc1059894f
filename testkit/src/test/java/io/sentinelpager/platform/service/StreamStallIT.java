package io.sentinelpager.platform.service;

import static io.sentinelpager.platform.kafka.StreamsTestBed.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.sentinelpager.platform.config.PlatformConfig;
import io.sentinelpager.platform.kafka.StreamsTestBed;
import io.sentinelpager.platform.local.LocalCluster;
import io.sentinelpager.testkit.LocalClusterExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
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

/** A stream thread stuck in a processor turns readiness DOWN while the state stays RUNNING, and UP once it moves. */
@ExtendWith(LocalClusterExtension.class)
class StreamStallIT {

    private static final Duration STALL = Duration.ofSeconds(2);
    /** Generous: the stall is seen at the first health check after the timeout. */
    private static final Duration NOTICED_WITHIN = STALL.plusSeconds(8);

    @TempDir
    Path stateDir;

    @Test
    void aBlockedStreamThreadIsNotReadyAndIsAgainOnceReleased(LocalCluster cluster) throws Exception {
        StreamsTestBed bed = StreamsTestBed.create(cluster, stateDir, "stall",
                Map.of(PlatformConfig.STALL_TIMEOUT.name(), STALL.toMillis() + "ms"));
        ServiceContext context = bed.context();
        CountDownLatch blocked = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        StreamsBuilder builder = new StreamsBuilder();
        builder.stream(bed.in().name(), Consumed.with(Serdes.String(), Serdes.String()).withName("stall-source"))
                .peek((key, value) -> {
                    if (value.equals("block")) {
                        blocked.countDown();
                        awaitQuietly(release);
                    }
                }, Named.as("stall-wait"))
                .to(bed.out().name(), Produced.with(Serdes.String(), Serdes.String()).withName("stall-sink"));

        try (StreamsService service = new StreamsService("stall-test-" + bed.suffix(), builder.build(), context);
             KafkaProducer<String, String> producer = bed.stringProducer()) {
            service.start();
            await("ready after start", Duration.ofSeconds(60), service::ready);

            producer.send(new ProducerRecord<>(bed.in().name(), "k1", "block")).get();
            await("the processor is blocked", Duration.ofSeconds(60), () -> blocked.getCount() == 0);
            await("not ready while blocked", NOTICED_WITHIN, () -> !service.ready());
            assertThat(service.streams().state().isRunningOrRebalancing()).as("Streams itself sees nothing wrong")
                    .isTrue();
            assertThat(service.queryable()).as("stores stay queryable during a stall").isTrue();

            release.countDown();
            await("ready again once released", NOTICED_WITHIN, service::ready);
        } finally {
            release.countDown();
        }
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
