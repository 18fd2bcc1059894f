package io.sentinelpager.enrich;

import io.sentinelpager.azure.Connectors;
import io.sentinelpager.platform.config.ConfigException;
import io.sentinelpager.platform.config.ConfigKey;
import io.sentinelpager.platform.config.PagerConfig;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

/**
 * Settings of the enrich service. Set in the configuration file under these names, or in the environment as
 * {@code PAGER_ENRICH_DEADLINE} and so on. The Log Analytics limits are per connector (one app registration is one
 * Log Analytics "user"); their defaults are the service's documented limits.
 */
public record EnrichConfig(int maxSummaryLength, Duration deadline, Duration giveUpAfter, int maxRows,
                           int maxCellLength, int maxConcurrentQueries, int maxQueriesPerWindow, Duration queryWindow,
                           Duration cacheTtl, int cacheEntries, int maxBacklog, int maxDescriptionLength,
                           int maxSourceJsonLength) {

    public static final ConfigKey MAX_SUMMARY_LENGTH = ConfigKey.of("enrich.summary.max.length", "300",
            "longest evidence summary attached to a page, in characters (SMS-sized pages quote it)");
    public static final ConfigKey DEADLINE = ConfigKey.of("enrich.deadline", "5s",
            "longest a page waits for its enrichment; after it the alert goes on marked TIMED_OUT and the enrichment"
                    + " follows as an update");
    public static final ConfigKey GIVE_UP_AFTER = ConfigKey.of("enrich.give.up.after", "3m",
            "longest an enrichment may run in all (retries of a throttled workspace included) before it is reported"
                    + " FAILED; the input offset is committed only then, so keep it well below the retention");
    public static final ConfigKey MAX_ROWS = ConfigKey.of("enrich.rows.max", "20",
            "rows of a rule's query attached to a page; the total count is attached too");
    public static final ConfigKey MAX_CELL_LENGTH = ConfigKey.of("enrich.cell.max.length", "1000",
            "longest value of one result cell, in characters; longer ones are cut with a marker");
    public static final ConfigKey MAX_CONCURRENT_QUERIES = ConfigKey.of("enrich.loganalytics.concurrent", "5",
            "Log Analytics queries one connector runs at once (the service answers a sixth with 429)");
    public static final ConfigKey MAX_QUERIES_PER_WINDOW = ConfigKey.of("enrich.loganalytics.requests", "200",
            "Log Analytics requests one connector makes per window (the service allows 200 per 30 s)");
    public static final ConfigKey QUERY_WINDOW = ConfigKey.of("enrich.loganalytics.window", "30s",
            "the window of enrich.loganalytics.requests");
    public static final ConfigKey CACHE_TTL = ConfigKey.of("enrich.cache.ttl", "60s",
            "how long the result of a rule's query is reused for an identical query over the same window"
                    + " (alerts of one rule run often share it); 0s turns the cache off");
    public static final ConfigKey CACHE_ENTRIES = ConfigKey.of("enrich.cache.entries", "256",
            "results kept in the query cache of each connector");
    public static final ConfigKey MAX_BACKLOG = ConfigKey.of("enrich.backlog.max", "1000",
            "enrichments one connector may have waiting; an alert beyond it goes on at once marked FAILED, so a"
                    + " storm on one workspace holds no memory and no other connector");
    public static final ConfigKey MAX_DESCRIPTION_LENGTH = ConfigKey.of("enrich.description.max.length", "8000",
            "longest alert description passed on, in characters; longer ones are cut with a marker");
    public static final ConfigKey MAX_SOURCE_JSON_LENGTH = ConfigKey.of("enrich.source.json.max.length", "262144",
            "longest source JSON passed on, in characters; a longer one is replaced by a note (alerts.raw keeps it)");

    /** Every setting enrich reads beyond the platform's: these and the connectors' (for Log Analytics). */
    public static final List<ConfigKey> KEYS = Stream.of(
            List.of(MAX_SUMMARY_LENGTH, DEADLINE, GIVE_UP_AFTER, MAX_ROWS, MAX_CELL_LENGTH, MAX_CONCURRENT_QUERIES,
                    MAX_QUERIES_PER_WINDOW, QUERY_WINDOW, CACHE_TTL, CACHE_ENTRIES, MAX_BACKLOG,
                    MAX_DESCRIPTION_LENGTH, MAX_SOURCE_JSON_LENGTH),
            Connectors.KEYS).flatMap(List::stream).toList();

    public EnrichConfig {
        positive(DEADLINE, deadline);
        positive(GIVE_UP_AFTER, giveUpAfter);
        positive(QUERY_WINDOW, queryWindow);
        if (giveUpAfter.compareTo(deadline) < 0) {
            throw new ConfigException("setting " + GIVE_UP_AFTER.name() + " (" + giveUpAfter + ") must not be shorter"
                    + " than " + DEADLINE.name() + " (" + deadline + ")");
        }
        if (cacheTtl.isNegative()) {
            throw new ConfigException("setting " + CACHE_TTL.name() + " must not be negative, was " + cacheTtl);
        }
        atLeast(MAX_SUMMARY_LENGTH, maxSummaryLength, 2);
        atLeast(MAX_ROWS, maxRows, 0);
        atLeast(MAX_CELL_LENGTH, maxCellLength, 2);
        atLeast(MAX_CONCURRENT_QUERIES, maxConcurrentQueries, 1);
        atLeast(MAX_QUERIES_PER_WINDOW, maxQueriesPerWindow, 1);
        atLeast(CACHE_ENTRIES, cacheEntries, 1);
        atLeast(MAX_BACKLOG, maxBacklog, 1);
        atLeast(MAX_DESCRIPTION_LENGTH, maxDescriptionLength, 100);
        atLeast(MAX_SOURCE_JSON_LENGTH, maxSourceJsonLength, 1000);
    }

    public static EnrichConfig from(PagerConfig config) {
        return new EnrichConfig(config.integer(MAX_SUMMARY_LENGTH), config.duration(DEADLINE),
                config.duration(GIVE_UP_AFTER), config.integer(MAX_ROWS), config.integer(MAX_CELL_LENGTH),
                config.integer(MAX_CONCURRENT_QUERIES), config.integer(MAX_QUERIES_PER_WINDOW),
                config.duration(QUERY_WINDOW), config.duration(CACHE_TTL), config.integer(CACHE_ENTRIES),
                config.integer(MAX_BACKLOG), config.integer(MAX_DESCRIPTION_LENGTH),
                config.integer(MAX_SOURCE_JSON_LENGTH));
    }

    /** Every default: what production runs with unless told otherwise. */
    public static EnrichConfig defaults() {
        return from(PagerConfig.empty());
    }

    public EnrichConfig withDeadline(Duration newDeadline) {
        return new EnrichConfig(maxSummaryLength, newDeadline, giveUpAfter, maxRows, maxCellLength,
                maxConcurrentQueries, maxQueriesPerWindow, queryWindow, cacheTtl, cacheEntries, maxBacklog,
                maxDescriptionLength, maxSourceJsonLength);
    }

    private static void positive(ConfigKey key, Duration value) {
        if (value.isNegative() || value.isZero()) {
            throw new ConfigException("setting " + key.name() + " must be positive, was " + value);
        }
    }

    private static void atLeast(ConfigKey key, int value, int min) {
        if (value < min) {
            throw new ConfigException("setting " + key.name() + " must be at least " + min + ", was " + value);
        }
    }
}
