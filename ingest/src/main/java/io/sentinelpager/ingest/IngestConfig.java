package io.sentinelpager.ingest;

import io.sentinelpager.azure.Connectors;
import io.sentinelpager.azure.GraphAlertsClient;
import io.sentinelpager.platform.config.ConfigException;
import io.sentinelpager.platform.config.ConfigKey;
import io.sentinelpager.platform.config.PagerConfig;
import io.sentinelpager.platform.config.PlatformConfig;
import io.sentinelpager.schemas.RecordLimits;
import io.sentinelpager.schemas.Severity;
import io.sentinelpager.schemas.Topics;
import java.time.Duration;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** Settings of the ingest service; per-connector settings are in {@link ConnectorSettings}. */
public record IngestConfig(Duration pollInterval, Duration lookback, int pageSize, String instanceId, String groupId,
                           Duration outageThreshold, int requestsPerMinute, Duration maxPollInterval,
                           int maxDescriptionBytes, int maxSourceJsonBytes, Duration seenRetention,
                           Set<Severity> urgentSeverities) {

    public static final ConfigKey POLL_INTERVAL = ConfigKey.of("ingest.poll.interval", "30s",
            "time between polls of each connector (connectors.<id>.poll.interval overrides it for one connector)");
    public static final ConfigKey LOOKBACK = ConfigKey.of("ingest.lookback", "24h",
            "how far back the first poll of a new connector reads (connectors.<id>.lookback overrides it)");
    public static final ConfigKey PAGE_SIZE = ConfigKey.of("ingest.page.size", "100", "alerts per Graph page, or incidents per Sentinel page ($top)");
    public static final ConfigKey INSTANCE_ID = ConfigKey.of("ingest.instance.id", "",
            "names this ingest instance in its consumer group (static membership, so a restarted instance gets its"
                    + " connectors back at once) and in connector.health; each running instance needs its own;"
                    + " default: the process's " + PlatformConfig.INSTANCE_ID.name());
    public static final ConfigKey GROUP_ID = ConfigKey.of("ingest.group.id", "pager-ingest",
            "the consumer group in which ingest instances share connectors, and the prefix of their transactional ids;"
                    + " two deployments on one cluster need different ones");
    public static final ConfigKey OUTAGE_THRESHOLD = ConfigKey.of("ingest.outage.threshold", "10m",
            "how long a connector may fail to reach its source before ingest raises an alert of its own about it");
    public static final ConfigKey REQUESTS_PER_MINUTE = ConfigKey.of("ingest.requests.per.minute", "150",
            "requests each connector may make per minute; Graph's security API allows 150 per app and tenant, ARM"
                    + " far more (a Sentinel connector makes one list request per page and one per incident read)");
    public static final ConfigKey MAX_POLL_INTERVAL = ConfigKey.of("ingest.max.poll.interval", "5m",
            "longest one cycle over this instance's connectors may take before the group hands its connectors to"
                    + " another instance (the consumer's max.poll.interval.ms)");
    public static final ConfigKey MAX_DESCRIPTION_BYTES = ConfigKey.of("ingest.max.description.bytes",
            String.valueOf(RecordLimits.DESCRIPTION_BYTES),
            "longest alert description kept, in UTF-8 bytes (at most the default); a longer one is cut, with a marker"
                    + " saying how long it was");
    public static final ConfigKey MAX_SOURCE_JSON_BYTES = ConfigKey.of("ingest.max.source.json.bytes",
            String.valueOf(RecordLimits.SOURCE_JSON_BYTES),
            "longest source JSON kept on alerts.raw, in UTF-8 bytes (at most the default, so that the record stays"
                    + " within the broker's message limit); a longer one (e.g. 10,000 evidence items) is kept only in"
                    + " part, with a marker");

    public static final ConfigKey SEEN_RETENTION = ConfigKey.of("ingest.seen.retention",
            Topics.INGEST_SEEN_RETENTION.toDays() + "d",
            "how long ingest remembers an alert it has not read since: the retention of the compact,delete topic"
                    + " ingest.seen, which ingest sets at start-up, and of the in-memory view; an alert created before"
                    + " that and read again without a record is reported as a change on alert.actions, never paged again"
                    + " as new; at least 1d");
    public static final ConfigKey URGENT_SEVERITIES = ConfigKey.of("ingest.urgent.severities", "high",
            "comma-separated severities (" + Arrays.stream(Severity.values()).map(s -> s.name().toLowerCase(Locale.ROOT))
                    .collect(Collectors.joining(", ")) + ") whose alerts go on alerts.raw.urgent, which every later"
                    + " stage takes before alerts.raw, so that they are not paged after a storm of others; none for"
                    + " no alert");
    /** Every setting ingest reads beyond the platform's: these, each connector's polling and credentials. */
    public static final List<ConfigKey> KEYS = Stream.of(
            List.of(POLL_INTERVAL, LOOKBACK, PAGE_SIZE, INSTANCE_ID, GROUP_ID, OUTAGE_THRESHOLD, REQUESTS_PER_MINUTE,
                    MAX_POLL_INTERVAL, MAX_DESCRIPTION_BYTES, MAX_SOURCE_JSON_BYTES, SEEN_RETENTION, URGENT_SEVERITIES),
            List.of(ConnectorSettings.pollInterval(ConfigKey.ANY), ConnectorSettings.lookback(ConfigKey.ANY),
                    ConnectorSettings.severities(ConfigKey.ANY), ConnectorSettings.statuses(ConfigKey.ANY),
                    ConnectorSettings.serviceSources(ConfigKey.ANY), ConnectorSettings.products(ConfigKey.ANY)),
            Connectors.KEYS).flatMap(List::stream).toList();

    public static IngestConfig from(PagerConfig config) {
        String instance = config.string(INSTANCE_ID);
        IngestConfig c = new IngestConfig(config.duration(POLL_INTERVAL), config.duration(LOOKBACK),
                config.integer(PAGE_SIZE), instance.isBlank() ? PlatformConfig.instanceId(config) : instance, config.string(GROUP_ID),
                config.duration(OUTAGE_THRESHOLD), config.integer(REQUESTS_PER_MINUTE),
                config.duration(MAX_POLL_INTERVAL), config.integer(MAX_DESCRIPTION_BYTES),
                config.integer(MAX_SOURCE_JSON_BYTES), config.duration(SEEN_RETENTION), urgentSeverities(config));
        positive(POLL_INTERVAL, c.pollInterval());
        positive(LOOKBACK, c.lookback());
        positive(OUTAGE_THRESHOLD, c.outageThreshold());
        positive(MAX_POLL_INTERVAL, c.maxPollInterval());
        if (c.seenRetention().compareTo(Duration.ofDays(1)) < 0) {
            // Shorter, and the hour of clock margin of the old-alert rule would be a large part of it.
            throw new ConfigException("setting " + SEEN_RETENTION.name() + " must be at least 1d, was "
                    + c.seenRetention());
        }
        if (c.pageSize() < 1 || c.pageSize() > GraphAlertsClient.MAX_TOP) {
            throw new ConfigException("setting " + PAGE_SIZE.name() + " must be between 1 and "
                    + GraphAlertsClient.MAX_TOP + ", was " + c.pageSize());
        }
        if (c.requestsPerMinute() < 1) {
            throw new ConfigException("setting " + REQUESTS_PER_MINUTE.name() + " must be at least 1, was "
                    + c.requestsPerMinute());
        }
        // Larger than RecordLimits, and alerts.raw would lose the worst case its unit test adds up.
        between(MAX_DESCRIPTION_BYTES, c.maxDescriptionBytes(), 1000, RecordLimits.DESCRIPTION_BYTES);
        between(MAX_SOURCE_JSON_BYTES, c.maxSourceJsonBytes(), 1000, RecordLimits.SOURCE_JSON_BYTES);
        PlatformConfig.groupMemberName(GROUP_ID, c.groupId());
        PlatformConfig.groupMemberName(INSTANCE_ID, c.instanceId());
        return c;
    }

    /** The bounds of the fields of an alert, as these settings give them. */
    AlertBounds alertBounds() {
        return new AlertBounds(maxDescriptionBytes, maxSourceJsonBytes);
    }

    private static Set<Severity> urgentSeverities(PagerConfig config) {
        Set<Severity> out = EnumSet.noneOf(Severity.class);
        for (String value : config.string(URGENT_SEVERITIES).split(",")) {
            // A blank setting means the default, so "none" says no severity.
            if (!value.isBlank() && !value.trim().equalsIgnoreCase("none")) {
                out.add(Arrays.stream(Severity.values()).filter(s -> s.name().equalsIgnoreCase(value.trim()))
                        .findFirst().orElseThrow(() -> new ConfigException("setting " + URGENT_SEVERITIES.name() + ": '"
                                + value.trim() + "' is not a severity")));
            }
        }
        return Set.copyOf(out);
    }

    private static void between(ConfigKey key, int value, int min, int max) {
        if (value < min || value > max) {
            throw new ConfigException("setting " + key.name() + " must be between " + min + " and " + max + ", was "
                    + value);
        }
    }

    private static void positive(ConfigKey key, Duration value) {
        if (value.isNegative() || value.isZero()) {
            throw new ConfigException("setting " + key.name() + " must be positive, was " + value);
        }
    }
}
