package io.sentinelpager.notify;

import io.sentinelpager.platform.service.ServiceContext;
import io.sentinelpager.schemas.DeliveryStarted;
import io.sentinelpager.schemas.Topics;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The send log on {@code notify.sends}: a plain idempotent producer, acks=all, that waits for the broker's
 * acknowledgement. It is deliberately not the stream's transactional producer: a mark written in the transaction
 * would be rolled back by the very crash it is there to survive.
 */
final class KafkaSendLog implements SendLog, AutoCloseable {

    private final KafkaProducer<String, DeliveryStarted> producer;

    KafkaSendLog(ServiceContext context) {
        Map<String, Object> config = context.producerConfig();
        // A page waits on this: fail the attempt (and retry it later) rather than hang the stream thread.
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
        config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 10_000);
        config.put(ProducerConfig.CLIENT_ID_CONFIG, "pager-notify-send-log");
        this.producer = new KafkaProducer<>(config, new StringSerializer(),
                context.serdes().value(DeliveryStarted.class).serializer());
    }

    @Override
    public void started(List<DeliveryStarted> marks) throws DeliveryFailure {
        List<Future<RecordMetadata>> acks = new ArrayList<>();
        try {
            for (DeliveryStarted mark : marks) {
                acks.add(producer.send(new ProducerRecord<>(Topics.NOTIFY_SENDS.name(), mark.getDeliveryId(), mark)));
            }
            for (Future<RecordMetadata> ack : acks) {
                ack.get();
            }
        } catch (ExecutionException | RuntimeException e) {
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            throw DeliveryFailure.transientFailure("cannot record the send as started on " + Topics.NOTIFY_SENDS.name()
                    + ": " + cause.getClass().getSimpleName());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw DeliveryFailure.transientFailure("recording the send as started was interrupted by shutdown");
        }
    }

    @Override
    public void close() {
        producer.close();
    }
}
