package io.sentinelpager.syncback;

import io.sentinelpager.azure.Backoff;
import io.sentinelpager.azure.ConnectorConfig;
import io.sentinelpager.azure.Connectors;
import io.sentinelpager.platform.config.ConfigException;
import io.sentinelpager.platform.config.ConfigKey;
import io.sentinelpager.platform.config.PagerConfig;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * How syncback retries a write Azure could not take now, and how many calls it makes to one connector at a time.
 *
 * @param retry              the wait between failed attempts of one alert's write (doubling, with jitter, never
 *                           shorter than the service's Retry-After); unbounded in count, bounded by {@code giveUpAfter}
 * @param giveUpAfter        how old a write may get, counted from when it was asked for, before it is given up
 * @param callsPerConnector  how many alerts of one connector are written at once
 * @param incidentRecheck    how often an incident whose alerts do not all add up yet is read again, for changes made
 *                           in Azure (an alert we never paged resolved there)
 * @param incidentWatchFor   how long an incident is watched after the first change of one of its alerts
 * @param rollupOff          the connectors whose incidents are not rolled up
 */
public record SyncbackConfig(Backoff retry, Duration giveUpAfter, int callsPerConnector, Duration incidentRecheck,
                             Duration incidentWatchFor, Set<String> rollupOff) {

    public static final ConfigKey RETRY_BACKOFF = ConfigKey.of("syncback.retry.backoff", "5s",
            "wait before an alert's failed write to Azure is tried again; doubles with each failure, with jitter");
    public static final ConfigKey RETRY_BACKOFF_MAX = ConfigKey.of("syncback.retry.backoff.max", "5m",
            "longest wait between two attempts of one alert's write, unless Azure's Retry-After asks for longer");
    public static final ConfigKey GIVE_UP_AFTER = ConfigKey.of("syncback.retry.give.up.after", "24h",
            "a write that Azure has not taken this long after it was asked for is given up and shown as expired");
    public static final ConfigKey CALLS_PER_CONNECTOR = ConfigKey.of("syncback.connector.concurrency", "4",
            "alerts written to one connector at the same time; each connector has its own, so a slow or failing"
                    + " Azure delays only its own alerts");

    public static final ConfigKey INCIDENT_RECHECK = ConfigKey.of("syncback.incident.recheck", "5m",
            "how often an incident whose alerts are not all in progress or resolved yet is read again, to see changes"
                    + " made in Azure; one or two calls per watched incident");
    public static final ConfigKey INCIDENT_WATCH_FOR = ConfigKey.of("syncback.incident.watch.for", "7d",
            "how long after the first change of one of its alerts an incident is watched for its roll-up");

    /** Every setting syncback reads: these and the connectors'. */
    public static final List<ConfigKey> KEYS = Stream.of(
            List.of(RETRY_BACKOFF, RETRY_BACKOFF_MAX, GIVE_UP_AFTER, CALLS_PER_CONNECTOR, INCIDENT_RECHECK,
                    INCIDENT_WATCH_FOR), Connectors.KEYS)
            .flatMap(List::stream).toList();

    /**
     * When to try a write again after its {@code failures}-th failure in a row: the backoff's wait, or Azure's
     * Retry-After when that is longer (a throttled tenant is never asked sooner than it said).
     *
     * @param random a number in [0, 1) for the jitter
     */
    public Instant nextTry(int failures, Optional<Duration> retryAfter, Instant now, double random) {
        Duration wait = retry.delay(failures, Optional.empty(), random).orElse(retry.max());
        if (retryAfter.isPresent() && retryAfter.get().compareTo(wait) > 0) {
            wait = retryAfter.get();
        }
        return now.plus(wait);
    }

    public static SyncbackConfig from(PagerConfig config) {
        Duration base = config.duration(RETRY_BACKOFF);
        Duration max = config.duration(RETRY_BACKOFF_MAX);
        if (base.isNegative() || base.isZero() || max.compareTo(base) < 0) {
            throw new ConfigException("settings " + RETRY_BACKOFF.name() + " and " + RETRY_BACKOFF_MAX.name()
                    + " must satisfy 0 < backoff <= max; were " + base + " and " + max);
        }
        Duration giveUpAfter = config.duration(GIVE_UP_AFTER);
        if (giveUpAfter.compareTo(max) < 0) {
            throw new ConfigException("setting " + GIVE_UP_AFTER.name() + " must be at least " + RETRY_BACKOFF_MAX.name()
                    + " (" + max + "), was " + giveUpAfter);
        }
        int calls = config.integer(CALLS_PER_CONNECTOR);
        if (calls < 1) {
            throw new ConfigException("setting " + CALLS_PER_CONNECTOR.name() + " must be at least 1, was " + calls);
        }
        Duration recheck = config.duration(INCIDENT_RECHECK);
        Duration watchFor = config.duration(INCIDENT_WATCH_FOR);
        if (recheck.isNegative() || recheck.isZero() || watchFor.compareTo(recheck) < 0) {
            throw new ConfigException("settings " + INCIDENT_RECHECK.name() + " and " + INCIDENT_WATCH_FOR.name()
                    + " must satisfy 0 < recheck <= watch.for; were " + recheck + " and " + watchFor);
        }
        Set<String> rollupOff = Connectors.from(config).stream().map(ConnectorConfig::id)
                .filter(id -> !config.bool(Connectors.incidentRollup(id))).collect(Collectors.toUnmodifiableSet());
        return new SyncbackConfig(new Backoff(Integer.MAX_VALUE, base, max), giveUpAfter, calls, recheck, watchFor,
                rollupOff);
    }
}
