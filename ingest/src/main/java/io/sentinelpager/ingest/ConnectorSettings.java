package io.sentinelpager.ingest;

import io.sentinelpager.azure.Connectors;
import io.sentinelpager.platform.config.ConfigException;
import io.sentinelpager.platform.config.ConfigKey;
import io.sentinelpager.platform.config.PagerConfig;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * How ingest polls one connector: its interval, its first look-back and which alerts it pages. Set beside the
 * connector's credentials, e.g. {@code connectors.contoso.filter.severity=high,medium} or
 * {@code PAGER_CONNECTORS_CONTOSO_FILTER_SEVERITY=high,medium}.
 */
record ConnectorSettings(String id, Duration pollInterval, Duration lookback, AlertScope scope) {

    static final Set<String> SEVERITIES = Set.of("unknown", "informational", "low", "medium", "high");
    static final Set<String> STATUSES = Set.of("new", "inProgress", "resolved");

    static ConfigKey pollInterval(String id) {
        return ConfigKey.of(key(id, "poll.interval"), null, "time between polls of connector " + id
                + "; default " + IngestConfig.POLL_INTERVAL.name());
    }

    static ConfigKey lookback(String id) {
        return ConfigKey.of(key(id, "lookback"), null, "how far back the first poll of connector " + id
                + " reads; default " + IngestConfig.LOOKBACK.name());
    }

    static ConfigKey severities(String id) {
        return ConfigKey.of(key(id, "filter.severity"), null, "comma-separated Graph severities connector " + id
                + " pages (" + String.join(", ", SEVERITIES) + "); empty pages every severity");
    }

    static ConfigKey statuses(String id) {
        return ConfigKey.of(key(id, "filter.status"), null, "comma-separated Graph statuses a new alert of connector "
                + id + " must have to be paged (new, inProgress, resolved); changes of paged alerts always pass");
    }

    static ConfigKey serviceSources(String id) {
        return ConfigKey.of(key(id, "filter.service.source"), null, "comma-separated Graph serviceSource values"
                + " connector " + id + " pages, e.g. microsoftDefenderForEndpoint,microsoftSentinel");
    }

    static ConfigKey products(String id) {
        return ConfigKey.of(key(id, "filter.product"), null, "comma-separated productName values connector " + id
                + " pages, e.g. Microsoft Defender for Endpoint");
    }

    static ConnectorSettings from(String id, PagerConfig config, IngestConfig defaults) {
        Duration interval = config.optional(pollInterval(id)).isPresent() ? config.duration(pollInterval(id))
                : defaults.pollInterval();
        Duration lookback = config.optional(lookback(id)).isPresent() ? config.duration(lookback(id))
                : defaults.lookback();
        if (interval.isNegative() || interval.isZero() || lookback.isNegative() || lookback.isZero()) {
            throw new ConfigException("connector " + id + ": " + pollInterval(id).name() + " and "
                    + lookback(id).name() + " must be positive");
        }
        AlertScope scope = new AlertScope(
                values(config, severities(id), value -> known(severities(id), SEVERITIES, value)),
                values(config, statuses(id), value -> known(statuses(id), STATUSES, value)),
                values(config, serviceSources(id), Function.identity()),
                values(config, products(id), Function.identity()));
        return new ConnectorSettings(id, interval, lookback, scope);
    }

    /** Settings of every connector {@link Connectors} finds in the configuration. */
    static Map<String, ConnectorSettings> all(PagerConfig config, IngestConfig defaults) {
        return Connectors.from(config).stream().map(c -> from(c.id(), config, defaults))
                .collect(Collectors.toMap(ConnectorSettings::id, s -> s, (a, b) -> a, java.util.TreeMap::new));
    }

    private static Set<String> values(PagerConfig config, ConfigKey key, Function<String, String> check) {
        return config.optional(key).map(raw -> Arrays.stream(raw.split(",")).map(String::trim)
                        .filter(v -> !v.isEmpty()).map(check).collect(Collectors.toCollection(LinkedHashSet::new)))
                .map(Set::copyOf).orElse(Set.of());
    }

    /** The value in Graph's spelling; case is ignored because environment variables lower-case nothing else. */
    private static String known(ConfigKey key, Set<String> allowed, String value) {
        return allowed.stream().filter(a -> a.equalsIgnoreCase(value)).findFirst()
                .orElseThrow(() -> new ConfigException("setting " + key.name() + ": '" + value + "' is not one of "
                        + allowed.stream().sorted().toList()));
    }

    private static String key(String id, String setting) {
        return Connectors.PREFIX + "." + id + "." + setting;
    }
}
