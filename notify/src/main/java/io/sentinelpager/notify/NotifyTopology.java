package io.sentinelpager.notify;

import io.micrometer.core.instrument.MeterRegistry;
import io.sentinelpager.platform.kafka.AvroSerdes;
import io.sentinelpager.platform.kafka.CompletedIds;
import io.sentinelpager.platform.kafka.GlobalTables;
import io.sentinelpager.platform.security.ActionLinks;
import io.sentinelpager.schemas.ContactMethodType;
import io.sentinelpager.schemas.DeliveryReceipt;
import io.sentinelpager.schemas.NotificationRequest;
import io.sentinelpager.schemas.PendingDelivery;
import io.sentinelpager.schemas.Topics;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.state.Stores;

/**
 * The notify flow: deliver each request once per contact method, with retries, rate limits and fallback, then
 * report each outcome keyed by alert. Users come from the compacted users topic as a global table, so a changed
 * contact method is used for fallback without a restart; so do the phones' push subscriptions. The sends started
 * come back from notify.sends the same way, so that a crash between a send and its commit does not repeat the send
 * (see {@link DeliveryProcessor}).
 */
public final class NotifyTopology {

    public static final String DELIVERED_STORE = "delivered-notifications-store";
    public static final String QUEUE_STORE = "pending-deliveries-store";
    public static final String LAST_SENT_STORE = "last-sent-per-address-store";
    public static final String USERS_STORE = GlobalTables.USERS_STORE;
    public static final String PUSH_SUBSCRIPTIONS_STORE = "push-subscriptions-store";
    public static final String SENDS_STORE = "sends-started-store";

    private NotifyTopology() {
    }

    public static Topology build(AvroSerdes serdes, Map<ContactMethodType, Channel> channels, SendLog sendLog,
                                 NotifyConfig config, Clock clock, MeterRegistry registry) {
        NotifyMetrics metrics = new NotifyMetrics(registry);
        Messages messages = new Messages(config.responderUrl(),
                config.linkKey().map(key -> new ActionLinks(key, clock)),
                config.linkValidity());
        StreamsBuilder builder = new StreamsBuilder();
        GlobalTables.add(builder, serdes, Topics.CONFIG_USERS, USERS_STORE);
        // Every instance needs every user's phones, whichever partition of notifications.out it owns.
        GlobalTables.add(builder, serdes, Topics.PUSH_SUBSCRIPTIONS, PUSH_SUBSCRIPTIONS_STORE);
        // The sends started, by every instance: global, so that whichever instance replays a request after a crash
        // sees what the dead one started, and loaded in full before any task processes a record.
        GlobalTables.add(builder, serdes, Topics.NOTIFY_SENDS, SENDS_STORE);
        builder.addStateStore(CompletedIds.store(DELIVERED_STORE));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(QUEUE_STORE),
                Serdes.String(), serdes.value(PendingDelivery.class)));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(LAST_SENT_STORE),
                Serdes.String(), Serdes.Long()));
        // Both lanes of a person's partition in one task, so one store and one transaction: the task takes the
        // urgent lane's requests first (LaneTimestampExtractor), and a high-urgency page never waits behind a storm.
        builder.stream(List.of(Topics.NOTIFICATIONS_OUT.name(), Topics.NOTIFICATIONS_URGENT.name()),
                        Consumed.with(serdes.key(), serdes.value(NotificationRequest.class)).withName("notification-requests"))
                .process(() -> new DeliveryProcessor(channels, sendLog, messages, config.retry(), config.minIntervals(), clock,
                                RandomGenerator.getDefault(), metrics), Named.as("deliver"),
                        DELIVERED_STORE, QUEUE_STORE, LAST_SENT_STORE)
                .to(Topics.NOTIFICATIONS_RECEIPTS.name(),
                        Produced.with(serdes.key(), serdes.value(DeliveryReceipt.class)).withName("receipts"));
        return builder.build();
    }
}
