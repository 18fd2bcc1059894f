package io.sentinelpager.responder;

import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.sentinelpager.platform.service.ServiceContext;
import io.sentinelpager.schemas.TopicSpec;
import java.util.concurrent.TimeUnit;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Writes what people change from the app outside the alert flow (schedule overrides, calendar feeds) to its compacted
 * topic, and waits for the broker's acknowledgement, so that an answer of 201 or 204 means every instance of every
 * service will read it. A null value is a tombstone.
 */
final class RecordPublisher implements AutoCloseable {

    private final KafkaProducer<String, SpecificRecord> producer;
    private final KafkaClientMetrics metrics;

    RecordPublisher(ServiceContext context) {
        producer = new KafkaProducer<>(context.producerConfig(), new StringSerializer(),
                context.serdes().anyValue().serializer());
        metrics = new KafkaClientMetrics(producer);
        metrics.bindTo(context.metrics());
    }

    <V extends SpecificRecord> void send(TopicSpec<String, V> topic, String key, V value) throws Exception {
        producer.send(new ProducerRecord<>(topic.name(), key, value)).get(10, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        metrics.close();
        producer.close();
    }
}
