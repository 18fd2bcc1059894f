package io.sentinelpager.responder;

import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.sentinelpager.platform.service.ServiceContext;
import io.sentinelpager.schemas.AlertAction;
import io.sentinelpager.schemas.RevokedSession;
import io.sentinelpager.schemas.Topics;
import io.sentinelpager.schemas.UsedLink;
import org.apache.avro.specific.SpecificRecord;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Writes responder actions to alert.actions (the use of one-click links to responder.used-links, and logouts to
 * responder.revoked-sessions) and waits for the broker's acknowledgement, so that a 202 to the person means the action
 * is durable.
 */
final class ActionPublisher implements UsedLinks.Ledger, RevokedSessions.Ledger, AutoCloseable {

    private final KafkaProducer<String, SpecificRecord> producer;
    private final KafkaClientMetrics metrics;

    ActionPublisher(ServiceContext context) {
        Map<String, Object> config = context.producerConfig();
        producer = new KafkaProducer<>(config, new StringSerializer(),
                context.serdes().anyValue().serializer());
        metrics = new KafkaClientMetrics(producer);
        metrics.bindTo(context.metrics());
    }

    void publish(AlertAction action) throws ExecutionException, InterruptedException, TimeoutException {
        producer.send(new ProducerRecord<>(Topics.ALERT_ACTIONS.name(), action.getAlertKey(), action))
                .get(10, TimeUnit.SECONDS);
    }

    /** The use of a one-click link, before its action: see {@link UsedLinks}. */
    @Override
    public void record(UsedLink used) throws ExecutionException, InterruptedException, TimeoutException {
        producer.send(new ProducerRecord<>(Topics.RESPONDER_USED_LINKS.name(), used.getNonce(), used))
                .get(10, TimeUnit.SECONDS);
    }

    /** A logout, before it answers: see {@link RevokedSessions}. */
    @Override
    public void record(RevokedSession revoked) throws ExecutionException, InterruptedException, TimeoutException {
        producer.send(new ProducerRecord<>(Topics.RESPONDER_REVOKED_SESSIONS.name(), revoked.getNonce(), revoked))
                .get(10, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        metrics.close();
        producer.close();
    }
}
