package io.sentinelpager.platform.config;

import java.util.Locale;
import java.util.Objects;

/**
 * One configuration setting: its dotted name, default, and what it is for. Each service declares its keys as
 * constants beside the config class that reads them, so that the name, default and documentation stay together.
 *
 * <p>A key {@code ingest.poll.interval} is set in a file under that name, or in the environment as
 * {@code PAGER_INGEST_POLL_INTERVAL}. Keys under {@code kafka.} map to {@code KAFKA_*} and are handed to the
 * Kafka clients without the prefix.
 */
public record ConfigKey(String name, String defaultValue, String doc, boolean secret) {

    /**
     * In a name, stands for a name the operator chooses: {@code connectors.*.tenant.id} is the tenant setting of
     * every connector, {@code kafka.*} every Kafka client setting. Such a key lists a family in {@link KnownKeys}.
     */
    public static final String ANY = "*";

    public ConfigKey {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(doc, "doc");
    }

    public static ConfigKey of(String name, String defaultValue, String doc) {
        return new ConfigKey(name, defaultValue, doc, false);
    }

    public static ConfigKey required(String name, String doc) {
        return new ConfigKey(name, null, doc, false);
    }

    /** A setting whose value is never printed; {@link PagerConfig#describe()} shows it as ****. */
    public static ConfigKey secret(String name, String doc) {
        return new ConfigKey(name, null, doc, true);
    }

    /** The environment variable that sets this key. */
    public String environmentVariable() {
        return environmentVariable(name);
    }

    static String environmentVariable(String key) {
        String upper = key.replace('.', '_').replace('-', '_').toUpperCase(Locale.ROOT);
        return upper.startsWith("KAFKA_") ? upper : "PAGER_" + upper;
    }
}
