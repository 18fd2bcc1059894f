package io.sentinelpager.notify;

import io.sentinelpager.platform.kafka.AvroSerdes;
import io.sentinelpager.platform.kafka.CompletedIds;
import io.sentinelpager.platform.security.ActionLinks;
import io.sentinelpager.schemas.ContactMethodType;
import io.sentinelpager.schemas.DeliveryReceipt;
import io.sentinelpager.schemas.DeliveryStarted;
import io.sentinelpager.schemas.NotificationRequest;
import io.sentinelpager.schemas.PendingDelivery;
import io.sentinelpager.schemas.Topics;
import io.sentinelpager.schemas.UserConfig;
import java.time.Clock;
import java.util.Map;
import java.util.random.RandomGenerator;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

/**
 * The notify flow: deliver each request once per contact method, with retries, rate limits and fallback, then
 * report each outcome keyed by alert. Users come from the compacted users topic as a global table, so a changed
 * contact method is used for fallback without a restart; the sends started come back from notify.sends the same
 * way, so that a crash between a send and its commit does not repeat the send (see {@link DeliveryProcessor}).
 */
public final class NotifyTopology {

    public static final String DELIVERED_STORE = "delivered-notifications-store";
    public static final String QUEUE_STORE = "pending-deliveries-store";
    public static final String LAST_SENT_STORE = "last-sent-per-address-store";
    public static final String USERS_STORE = "config-users-store";
    public static final String SENDS_STORE = "sends-started-store";

    private NotifyTopology() {
    }

    public static Topology build(AvroSerdes serdes, Map<ContactMethodType, Channel> channels, SendLog sendLog,
                                 NotifyConfig config, Clock clock) {
        Messages messages = new Messages(config.responderUrl(),
                config.linkKey().map(key -> new ActionLinks(key, clock)),
                config.linkValidity());
        StreamsBuilder builder = new StreamsBuilder();
        builder.globalTable(Topics.CONFIG_USERS.name(),
                Consumed.with(serdes.key(), serdes.value(UserConfig.class)).withName(USERS_STORE + "-source"),
                Materialized.<String, UserConfig, KeyValueStore<Bytes, byte[]>>as(USERS_STORE)
                        .withKeySerde(serdes.key()).withValueSerde(serdes.value(UserConfig.class)));
        // The sends started, by every instance: global, so that whichever instance replays a request after a crash
        // sees what the dead one started, and loaded in full before any task processes a record.
        builder.globalTable(Topics.NOTIFY_SENDS.name(),
                Consumed.with(serdes.key(), serdes.value(DeliveryStarted.class)).withName(SENDS_STORE + "-source"),
                Materialized.<String, DeliveryStarted, KeyValueStore<Bytes, byte[]>>as(SENDS_STORE)
                        .withKeySerde(serdes.key()).withValueSerde(serdes.value(DeliveryStarted.class)));
        builder.addStateStore(CompletedIds.store(DELIVERED_STORE));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(QUEUE_STORE),
                Serdes.String(), serdes.value(PendingDelivery.class)));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(LAST_SENT_STORE),
                Serdes.String(), Serdes.Long()));
        builder.stream(Topics.NOTIFICATIONS_OUT.name(),
                        Consumed.with(serdes.key(), serdes.value(NotificationRequest.class)).withName("notification-requests"))
                .process(() -> new DeliveryProcessor(channels, sendLog, messages, config.retry(), config.minIntervals(), clock,
                                RandomGenerator.getDefault()), Named.as("deliver"),
                        DELIVERED_STORE, QUEUE_STORE, LAST_SENT_STORE)
                .to(Topics.NOTIFICATIONS_RECEIPTS.name(),
                        Produced.with(serdes.key(), serdes.value(DeliveryReceipt.class)).withName("receipts"));
        return builder.build();
    }
}
