package io.sentinelpager.schemas;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One topic of the catalog: its name, the types of its keys and values, and how it is created.
 * Immutable; every service refers to topics through {@link Topics}, never by string literal.
 */
public record TopicSpec<K, V>(String name, Class<K> keyType, Class<V> valueType, int partitions,
                              Map<String, String> config) {

    /** Suffix of the dead-letter topic that holds records a service could not read or process. */
    public static final String DLQ_SUFFIX = ".dlq";

    public TopicSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(keyType, "keyType");
        Objects.requireNonNull(valueType, "valueType");
        if (partitions < 1) {
            throw new IllegalArgumentException("topic " + name + ": partitions must be at least 1, was " + partitions);
        }
        config = Map.copyOf(config);
    }

    public boolean compacted() {
        return List.of(config.getOrDefault("cleanup.policy", "").split(",")).contains("compact");
    }

    /** The same topic with another partition count. */
    public TopicSpec<K, V> withPartitions(int count) {
        return new TopicSpec<>(name, keyType, valueType, count, config);
    }

    /** The dead-letter topic for records that arrived on this topic. */
    public String deadLetterTopic() {
        return name + DLQ_SUFFIX;
    }

    @Override
    public String toString() {
        return name;
    }
}
