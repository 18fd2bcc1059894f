package io.sentinelpager.responder;

import io.sentinelpager.platform.kafka.AvroSerdes;
import io.sentinelpager.platform.kafka.GlobalTables;
import io.sentinelpager.schemas.AlertLifecycle;
import io.sentinelpager.schemas.TopicSpec;
import io.sentinelpager.schemas.Topics;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.TimestampedKeyValueStore;
import org.apache.kafka.streams.state.ValueAndTimestamp;

/**
 * The responder's view, the same on every instance: alert.state in a global store (the latest state per alert),
 * every change handed to the live updates of connected apps, the teams, users, schedules and the app's overrides as
 * global tables for authorization and "who is on call", the one-click links already used, the sessions logged out,
 * each person's current calendar feed, and what syncback has written to Azure.
 */
public final class ResponderTopology {

    public static final String STATE_STORE = "alert-state-view";
    public static final String TEAMS_STORE = GlobalTables.TEAMS_STORE;
    public static final String USERS_STORE = GlobalTables.USERS_STORE;
    public static final String SCHEDULES_STORE = GlobalTables.SCHEDULES_STORE;
    public static final String OVERRIDES_STORE = GlobalTables.OVERRIDES_STORE;
    public static final String USED_LINKS_STORE = "used-links-view";
    public static final String REVOKED_SESSIONS_STORE = "revoked-sessions-view";
    public static final String CALENDAR_FEEDS_STORE = "calendar-feeds-view";
    public static final String SYNC_STATE_STORE = "sync-state-view";
    public static final String INCIDENT_STATE_STORE = "incident-state-view";
    public static final String PUSH_SUBSCRIPTIONS_STORE = "push-subscriptions-view";
    public static final String REPORTS_RESPONSE_STORE = "reports-response-view";
    public static final String REPORTS_RULE_NOISE_STORE = "reports-rule-noise-view";

    private ResponderTopology() {
    }

    /**
     * @param changes each new state of an alert
     * @param azureChanges the key of each alert whose sync.state changed
     */
    public static Topology build(AvroSerdes serdes, Consumer<AlertLifecycle> changes, Consumer<String> azureChanges) {
        StreamsBuilder builder = new StreamsBuilder();
        // Every alert on every instance, so that any instance answers for any alert, and apps connected to any
        // instance hear of every change: a global store of our own, since a global table tells nobody of a change.
        addLatestPerKey(builder, serdes, Topics.ALERT_STATE, STATE_STORE, (key, state) -> {
            if (state != null) {
                changes.accept(state);
            }
        });
        GlobalTables.add(builder, serdes, Topics.CONFIG_TEAMS, TEAMS_STORE);
        GlobalTables.add(builder, serdes, Topics.CONFIG_USERS, USERS_STORE);
        GlobalTables.add(builder, serdes, Topics.CONFIG_SCHEDULES, SCHEDULES_STORE);
        // Overrides made in the app, on top of the schedules, whichever instance took them.
        GlobalTables.add(builder, serdes, Topics.CONFIG_OVERRIDES, OVERRIDES_STORE);
        // Every instance sees every spent link: a link works once, whichever instance it reaches.
        GlobalTables.add(builder, serdes, Topics.RESPONDER_USED_LINKS, USED_LINKS_STORE);
        // And every logout: a logged-out session is refused, whichever instance it reaches.
        GlobalTables.add(builder, serdes, Topics.RESPONDER_REVOKED_SESSIONS, REVOKED_SESSIONS_STORE);
        // And every person's current calendar feed: a replaced or revoked feed URL is refused by every instance.
        GlobalTables.add(builder, serdes, Topics.RESPONDER_CALENDAR_FEEDS, CALENDAR_FEEDS_STORE);
        // What Azure has from us of each alert, whichever instance serves the alert, told to open apps as it changes.
        addLatestPerKey(builder, serdes, Topics.SYNC_STATE, SYNC_STATE_STORE, (key, state) -> azureChanges.accept(key));
        // And of each incident, beside its alerts.
        GlobalTables.add(builder, serdes, Topics.SYNC_INCIDENT_STATE, INCIDENT_STATE_STORE);
        // Every person's phones, whichever instance they subscribed through: the cap on them counts them all.
        GlobalTables.add(builder, serdes, Topics.PUSH_SUBSCRIPTIONS, PUSH_SUBSCRIPTIONS_STORE);
        // The reports, whole on every instance: any instance answers for every team.
        GlobalTables.add(builder, serdes, Topics.REPORTS_RESPONSE, REPORTS_RESPONSE_STORE);
        GlobalTables.add(builder, serdes, Topics.REPORTS_RULE_NOISE, REPORTS_RULE_NOISE_STORE);
        return builder.build();
    }

    /**
     * A global store of the latest record per key of a compacted topic, whose every change is also handed to
     * {@code listener} (a null value: the key was deleted). Timestamped, as a global table's store is, so that a
     * store already on disk from one reads as before.
     */
    private static <V extends SpecificRecord> void addLatestPerKey(StreamsBuilder builder, AvroSerdes serdes,
            TopicSpec<String, V> topic, String storeName, BiConsumer<String, V> listener) {
        builder.addGlobalStore(Stores.timestampedKeyValueStoreBuilder(Stores.persistentTimestampedKeyValueStore(
                        storeName), serdes.key(), serdes.value(topic.valueType())).withLoggingDisabled(),
                topic.name(), Consumed.with(serdes.key(), serdes.value(topic.valueType())).withName(storeName + "-source"),
                () -> new LatestPerKey<>(storeName, listener));
    }

    /** Keeps the latest record of each key in a global store, then tells the listener. */
    static final class LatestPerKey<V> implements Processor<String, V, Void, Void> {

        private final String storeName;
        private final BiConsumer<String, V> listener;
        private TimestampedKeyValueStore<String, V> store;

        LatestPerKey(String storeName, BiConsumer<String, V> listener) {
            this.storeName = storeName;
            this.listener = listener;
        }

        @Override
        public void init(ProcessorContext<Void, Void> context) {
            store = context.getStateStore(storeName);
        }

        @Override
        public void process(Record<String, V> record) {
            if (record.key() == null) {
                return; // as a global table drops it: nothing to show it on
            }
            if (record.value() == null) {
                store.delete(record.key());
            } else {
                store.put(record.key(), ValueAndTimestamp.make(record.value(), record.timestamp()));
            }
            listener.accept(record.key(), record.value());
        }
    }
}
