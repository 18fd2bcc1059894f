package io.sentinelpager.platform.kafka;

import io.sentinelpager.schemas.TopicSpec;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Configuration topics (policies, teams, users, schedules, escalation chains) read as global tables: every instance
 * holds all of it, and a published change applies within moments, without a restart.
 */
public final class GlobalTables {

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
}
