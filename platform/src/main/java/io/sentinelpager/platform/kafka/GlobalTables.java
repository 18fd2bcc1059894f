package io.sentinelpager.platform.kafka;

import io.sentinelpager.schemas.TopicSpec;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.streams.state.ValueAndTimestamp;

/**
 * Configuration topics (policies, teams, users, schedules, overrides, escalation chains) read as global tables: every instance
 * holds all of it, and a published change applies within moments, without a restart.
 */
public final class GlobalTables {

    // One name per config table in every service that reads it, so that the same data is found by the same name.
    // A global table has no changelog (its topic is its log), so a renamed one is only rebuilt from its topic.
    public static final String TEAMS_STORE = "config-teams-store";
    public static final String USERS_STORE = "config-users-store";
    public static final String SCHEDULES_STORE = "config-schedules-store";
    public static final String ESCALATIONS_STORE = "config-escalations-store";
    public static final String POLICIES_STORE = "config-policies-store";
    public static final String OVERRIDES_STORE = "config-overrides-store";

    private GlobalTables() {
    }

    /** Materializes a compacted config topic into a named global store; its source is named after the store. */
    public static <V extends SpecificRecord> void add(StreamsBuilder builder, AvroSerdes serdes,
                                                      TopicSpec<String, V> topic, String store) {
        builder.globalTable(topic.name(),
                Consumed.with(serdes.key(), serdes.value(topic.valueType())).withName(store + "-source"),
                Materialized.<String, V, KeyValueStore<Bytes, byte[]>>as(store)
                        .withKeySerde(serdes.key()).withValueSerde(serdes.value(topic.valueType())));
    }

    /**
     * Everything the store holds now, in its order, as a map the caller may keep: the iterator is closed before this
     * returns. Deleted keys (null values) are left out.
     */
    public static <V> Map<String, V> copy(ReadOnlyKeyValueStore<String, V> store) {
        Map<String, V> out = new LinkedHashMap<>();
        try (KeyValueIterator<String, V> it = store.all()) {
            it.forEachRemaining(kv -> {
                if (kv.value != null) {
                    out.put(kv.key, kv.value);
                }
            });
        }
        return out;
    }

    /** {@link #copy} of a timestamped store, as a processor sees a global table: the values without their timestamps. */
    public static <V> Map<String, V> copyValues(ReadOnlyKeyValueStore<String, ValueAndTimestamp<V>> store) {
        Map<String, V> out = new LinkedHashMap<>();
        copy(store).forEach((key, value) -> out.put(key, value.value()));
        return out;
    }
}
