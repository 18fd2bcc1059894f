package io.sentinelpager.responder;

import io.sentinelpager.platform.kafka.AvroSerdes;
import io.sentinelpager.platform.kafka.GlobalTables;
import io.sentinelpager.schemas.AlertLifecycle;
import io.sentinelpager.schemas.SyncState;
import io.sentinelpager.schemas.Topics;
import java.util.function.Consumer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.TimestampedKeyValueStore;
import org.apache.kafka.streams.state.ValueAndTimestamp;

/**
 * The responder's view: alert.state materialized into a queryable store (the latest state per alert), every change
 * handed to the live updates of connected apps, the teams, users and schedules as global tables for
 * authorization and "who is on call", the one-click links already used, the sessions logged out, and what syncback
 * has written to Azure.
 */
public final class ResponderTopology {

    public static final String STATE_STORE = "alert-state-view";
    public static final String TEAMS_STORE = GlobalTables.TEAMS_STORE;
    public static final String USERS_STORE = GlobalTables.USERS_STORE;
    public static final String SCHEDULES_STORE = GlobalTables.SCHEDULES_STORE;
    public static final String USED_LINKS_STORE = "used-links-view";
    public static final String REVOKED_SESSIONS_STORE = "revoked-sessions-view";
    public static final String SYNC_STATE_STORE = "sync-state-view";
    public static final String INCIDENT_STATE_STORE = "incident-state-view";
    public static final String PUSH_SUBSCRIPTIONS_STORE = "push-subscriptions-view";

    private ResponderTopology() {
    }

    /**
     * @param changes each new state of an alert
     * @param azureChanges the key of each alert whose sync.state changed
     */
    public static Topology build(AvroSerdes serdes, Consumer<AlertLifecycle> changes, Consumer<String> azureChanges) {
        StreamsBuilder builder = new StreamsBuilder();
        builder.table(Topics.ALERT_STATE.name(),
                        Consumed.with(serdes.key(), serdes.value(AlertLifecycle.class)).withName("alert-state"),
                        Materialized.<String, AlertLifecycle, KeyValueStore<Bytes, byte[]>>as(STATE_STORE)
                                .withKeySerde(serdes.key()).withValueSerde(serdes.value(AlertLifecycle.class)))
                .toStream(Named.as("alert-state-changes"))
                // Apps connected for live updates see each new state of an alert they may see.
                .foreach((key, state) -> {
                    if (state != null) {
                        changes.accept(state);
                    }
                }, Named.as("live-updates"));
        GlobalTables.add(builder, serdes, Topics.CONFIG_TEAMS, TEAMS_STORE);
        GlobalTables.add(builder, serdes, Topics.CONFIG_USERS, USERS_STORE);
        GlobalTables.add(builder, serdes, Topics.CONFIG_SCHEDULES, SCHEDULES_STORE);
        // Every instance sees every spent link: a link works once, whichever instance it reaches.
        GlobalTables.add(builder, serdes, Topics.RESPONDER_USED_LINKS, USED_LINKS_STORE);
        // And every logout: a logged-out session is refused, whichever instance it reaches.
        GlobalTables.add(builder, serdes, Topics.RESPONDER_REVOKED_SESSIONS, REVOKED_SESSIONS_STORE);
        // What Azure has from us of each alert, whichever instance serves the alert. A global store of our own, not a
        // global table, because open apps must hear of each change: a global table tells nobody. Timestamped, as the
        // global table's store was, so that the store already on disk reads as before.
        builder.addGlobalStore(Stores.timestampedKeyValueStoreBuilder(
                                Stores.persistentTimestampedKeyValueStore(SYNC_STATE_STORE), serdes.key(),
                                serdes.value(SyncState.class)).withLoggingDisabled(),
                Topics.SYNC_STATE.name(),
                Consumed.with(serdes.key(), serdes.value(SyncState.class)).withName(SYNC_STATE_STORE + "-source"),
                () -> new SyncStateUpdates(azureChanges));
        // And of each incident, beside its alerts.
        GlobalTables.add(builder, serdes, Topics.SYNC_INCIDENT_STATE, INCIDENT_STATE_STORE);
        // Every person's phones, whichever instance they subscribed through: the cap on them counts them all.
        GlobalTables.add(builder, serdes, Topics.PUSH_SUBSCRIPTIONS, PUSH_SUBSCRIPTIONS_STORE);
        return builder.build();
    }

    /** Keeps the latest sync.state of each alert in the global store, then says whose changed. */
    static final class SyncStateUpdates implements Processor<String, SyncState, Void, Void> {

        private final Consumer<String> azureChanges;
        private TimestampedKeyValueStore<String, SyncState> store;

        SyncStateUpdates(Consumer<String> azureChanges) {
            this.azureChanges = azureChanges;
        }

        @Override
        public void init(ProcessorContext<Void, Void> context) {
            store = context.getStateStore(SYNC_STATE_STORE);
        }

        @Override
        public void process(Record<String, SyncState> record) {
            if (record.key() == null) {
                return; // as a global table drops it: no alert to show it on
            }
            if (record.value() == null) {
                store.delete(record.key());
            } else {
                store.put(record.key(), ValueAndTimestamp.make(record.value(), record.timestamp()));
            }
            azureChanges.accept(record.key());
        }
    }
}
