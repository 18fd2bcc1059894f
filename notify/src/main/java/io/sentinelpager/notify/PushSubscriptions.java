package io.sentinelpager.notify;

import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.sentinelpager.platform.service.ServiceContext;
import io.sentinelpager.schemas.PushSubscription;
import io.sentinelpager.schemas.Topics;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.ValueAndTimestamp;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The push subscriptions of each user, read from the push.subscriptions global table, and the tombstones for those
 * the push service says are gone.
 *
 * <p>A tombstone is written with a plain producer, outside the delivery transaction: "gone" is a fact the push
 * service told us, true whether or not this transaction commits, and writing it twice is harmless. The global table
 * then drops the subscription on every notify instance, so none of them pushes to it again.
 */
final class PushSubscriptions implements AutoCloseable {

    /** A sealed subscription and its key in the topic (user id and endpoint hash), which its tombstone needs. */
    record Entry(String key, PushSubscription subscription) {
        @Override
        public String toString() {
            return "Entry[" + key + "]"; // never the endpoint or keys
        }
    }

    private static final Logger log = LoggerFactory.getLogger(PushSubscriptions.class);

    private final KafkaProducer<String, PushSubscription> producer;
    private final KafkaClientMetrics metrics;
    private volatile KeyValueStore<String, ValueAndTimestamp<PushSubscription>> store;

    PushSubscriptions(ServiceContext context) {
        Map<String, Object> config = context.producerConfig();
        producer = new KafkaProducer<>(config, new StringSerializer(),
                context.serdes().value(PushSubscription.class).serializer());
        metrics = new KafkaClientMetrics(producer);
        metrics.bindTo(context.metrics());
    }

    /**
     * Called from each delivery task's {@code init}; a global store is one store per instance, shared by all tasks,
     * so whichever task binds last binds the same store.
     */
    void bind(ProcessorContext<?, ?> context) {
        store = context.getStateStore(NotifyTopology.PUSH_SUBSCRIPTIONS_STORE);
    }

    /** Every subscription of the user, in key order. */
    List<Entry> of(String userId) {
        if (store == null) {
            throw new IllegalStateException("push subscriptions read before the delivery processor was initialized");
        }
        List<Entry> out = new ArrayList<>();
        try (KeyValueIterator<String, ValueAndTimestamp<PushSubscription>> it =
                     store.prefixScan(userId + "/", new StringSerializer())) {
            it.forEachRemaining(kv -> {
                // The prefix alone would also match a user whose id starts with this one's and a slash.
                if (kv.value != null && userId.equals(kv.value.value().getUserId())) {
                    out.add(new Entry(kv.key, kv.value.value()));
                }
            });
        }
        return out;
    }

    /** Writes the subscription's tombstone; a failure is logged, and the next page to it tries again. */
    void forget(Entry entry) {
        try {
            producer.send(new ProducerRecord<>(Topics.PUSH_SUBSCRIPTIONS.name(), entry.key(), null))
                    .get(10, TimeUnit.SECONDS);
            log.info("push subscription {} is gone at its push service: removed", entry.key());
        } catch (ExecutionException | TimeoutException e) {
            log.warn("could not remove push subscription {}: {}", entry.key(), e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        metrics.close();
        producer.close();
    }
}
