package io.sentinelpager.ingest;

import io.sentinelpager.platform.config.ConfigException;
import io.sentinelpager.platform.config.ConfigKey;
import io.sentinelpager.platform.config.PagerConfig;
import java.time.Duration;

/** Settings of the ingest service. */
public record IngestConfig(Duration pollInterval, Duration lookback, int pageSize, String instanceId) {

    public static final ConfigKey POLL_INTERVAL = ConfigKey.of("ingest.poll.interval", "30s",
            "time between polls of each connector; Graph allows 150 requests a minute per tenant");
    public static final ConfigKey LOOKBACK = ConfigKey.of("ingest.lookback", "24h",
            "how far back the first poll of a new connector reads");
    public static final ConfigKey PAGE_SIZE = ConfigKey.of("ingest.page.size", "100", "alerts per Graph page ($top)");
    public static final ConfigKey INSTANCE_ID = ConfigKey.of("ingest.instance.id", "0",
            "distinguishes ingest instances; each needs its own, as it names the Kafka transactional id");

    public static IngestConfig from(PagerConfig config) {
        IngestConfig c = new IngestConfig(config.duration(POLL_INTERVAL), config.duration(LOOKBACK),
                config.integer(PAGE_SIZE), config.string(INSTANCE_ID));
        if (c.pollInterval().isNegative() || c.pollInterval().isZero()) {
            throw new ConfigException("setting " + POLL_INTERVAL.name() + " must be positive, was " + c.pollInterval());
        }
        if (c.pageSize() < 1 || c.pageSize() > 1000) {
            throw new ConfigException("setting " + PAGE_SIZE.name() + " must be between 1 and 1000, was " + c.pageSize());
        }
        return c;
    }
}
