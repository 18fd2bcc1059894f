package io.sentinelpager.responder;

import io.javalin.http.ServiceUnavailableResponse;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.sentinelpager.platform.service.ServiceContext;
import io.sentinelpager.schemas.TopicSpec;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Writes what people change from the app outside the alert flow (schedule overrides, calendar feeds) to its compacted
 * topic, and waits for the broker's acknowledgement, so that an answer of 201 or 204 means every instance of every
 * service will read it; then until this instance's global table has read it back, so that the app, asking this
 * instance again at once, sees what it just did. Other instances read it moments later. A null value is a tombstone.
 */
final class RecordPublisher implements AutoCloseable {

    /** A global table reads a record within milliseconds; seconds mean the instance is cut off from the broker. */
    private static final Duration READ_BACK = Duration.ofSeconds(10);

    private final KafkaProducer<String, SpecificRecord> producer;
    private final KafkaClientMetrics metrics;

    RecordPublisher(ServiceContext context) {
        producer = new KafkaProducer<>(context.producerConfig(), new StringSerializer(),
                context.serdes().anyValue().serializer());
        metrics = new KafkaClientMetrics(producer);
        metrics.bindTo(context.metrics());
    }

    /** Sends, then waits until {@code readBack} says this instance's table has the change. */
    <V extends SpecificRecord> void send(TopicSpec<String, V> topic, String key, V value, BooleanSupplier readBack)
            throws Exception {
        producer.send(new ProducerRecord<>(topic.name(), key, value)).get(10, TimeUnit.SECONDS);
        long deadline = System.nanoTime() + READ_BACK.toNanos();
        while (!readBack.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new ServiceUnavailableResponse("the change is saved but this instance has not read it back yet;"
                        + " it shows in a moment");
            }
            Thread.sleep(20);
        }
    }

    @Override
    public void close() {
        metrics.close();
        producer.close();
    }
}
