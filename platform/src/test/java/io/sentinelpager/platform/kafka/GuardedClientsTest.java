package io.sentinelpager.platform.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

class GuardedClientsTest {

    private final MockProducer<byte[], byte[]> real =
            new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer());
    private final GuardedClients.GuardedProducer producer = new GuardedClients.GuardedProducer(real, 100);

    @Test
    void aRecordOverTheLimitFailsAloneAndNeverReachesTheProducer() {
        AtomicReference<Exception> reported = new AtomicReference<>();

        var future = producer.send(new ProducerRecord<>("alert.state", "k".getBytes(), new byte[100]),
                (metadata, error) -> reported.set(error));

        assertThat(reported.get()).isInstanceOf(OversizedRecordException.class)
                .hasMessageContaining("alert.state").hasMessageContaining("101 bytes").hasMessageContaining("100");
        assertThat(future).failsWithin(Duration.ZERO).withThrowableOfType(ExecutionException.class)
                .withCauseInstanceOf(OversizedRecordException.class);
        assertThat(real.history()).isEmpty();
        producer.send(new ProducerRecord<>("alert.state", "k".getBytes(), new byte[99]));
        assertThat(real.history()).as("records within the limit pass").hasSize(1);
    }
}
