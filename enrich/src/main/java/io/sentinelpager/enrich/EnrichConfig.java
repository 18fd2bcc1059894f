package io.sentinelpager.enrich;

import io.sentinelpager.azure.Connectors;
import io.sentinelpager.platform.config.ConfigException;
import io.sentinelpager.platform.config.ConfigKey;
import io.sentinelpager.platform.config.PagerConfig;
import io.sentinelpager.schemas.RecordLimits;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

/**
 * Settings of the enrich service. Set in the configuration file under these names, or in the environment as
 * {@code PAGER_ENRICH_DEADLINE} and so on. The Log Analytics limits are per connector (one app registration is one
 * Log Analytics "user"); their defaults are the service's documented limits.
 */
public record EnrichConfig(int maxSummaryBytes, Duration deadline, Duration giveUpAfter, int maxRows,
                           int maxCellBytes, int maxConcurrentQueries, int maxQueriesPerWindow, Duration queryWindow,
                           Duration cacheTtl, int cacheEntries, int maxBacklog, int maxDescriptionBytes,
                           int maxSourceJsonBytes) {

    public static final ConfigKey MAX_SUMMARY_BYTES = ConfigKey.of("enrich.summary.max.bytes", "300",
            "longest evidence summary attached to a page, in UTF-8 bytes (SMS-sized pages quote it); at most "
                    + RecordLimits.SUMMARY_BYTES);
    public static final ConfigKey DEADLINE = ConfigKey.of("enrich.deadline", "5s",
            "longest a page waits for its enrichment; after it the alert goes on marked TIMED_OUT and the enrichment"
                    + " follows as an update");
    public static final ConfigKey GIVE_UP_AFTER = ConfigKey.of("enrich.give.up.after", "3m",
            "longest an enrichment may run in all (retries of a throttled workspace included) before it is reported"
                    + " FAILED; the input offset is committed only then, so keep it well below the retention");
    public static final ConfigKey MAX_ROWS = ConfigKey.of("enrich.rows.max", "20",
            "rows of a rule's query attached to a page; the total count is attached too");
    public static final ConfigKey MAX_CELL_BYTES = ConfigKey.of("enrich.cell.max.bytes", "1000",
            "longest value of one result cell, in UTF-8 bytes; longer ones are cut with a marker");
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
    public static final ConfigKey MAX_DESCRIPTION_BYTES = ConfigKey.of("enrich.description.max.bytes", "8000",
            "longest alert description passed on, in UTF-8 bytes; longer ones are cut with a marker; at most "
                    + RecordLimits.DESCRIPTION_BYTES);
    public static final ConfigKey MAX_SOURCE_JSON_BYTES = ConfigKey.of("enrich.source.json.max.bytes",
            String.valueOf(RecordLimits.SOURCE_JSON_BYTES),
            "longest source JSON passed on, in UTF-8 bytes; a longer one is replaced by a note (alerts.raw keeps it);"
                    + " at most the default");

    /** Every setting enrich reads beyond the platform's: these and the connectors' (for Log Analytics). */
    public static final List<ConfigKey> KEYS = Stream.of(
            List.of(MAX_SUMMARY_BYTES, DEADLINE, GIVE_UP_AFTER, MAX_ROWS, MAX_CELL_BYTES, MAX_CONCURRENT_QUERIES,
                    MAX_QUERIES_PER_WINDOW, QUERY_WINDOW, CACHE_TTL, CACHE_ENTRIES, MAX_BACKLOG,
                    MAX_DESCRIPTION_BYTES, MAX_SOURCE_JSON_BYTES),
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
        // Above RecordLimits, and alerts.enriched would lose the worst case its unit test adds up.
        between(MAX_SUMMARY_BYTES, maxSummaryBytes, 2, RecordLimits.SUMMARY_BYTES);
        atLeast(MAX_ROWS, maxRows, 0);
        atLeast(MAX_CELL_BYTES, maxCellBytes, 2);
        atLeast(MAX_CONCURRENT_QUERIES, maxConcurrentQueries, 1);
        atLeast(MAX_QUERIES_PER_WINDOW, maxQueriesPerWindow, 1);
        atLeast(CACHE_ENTRIES, cacheEntries, 1);
        atLeast(MAX_BACKLOG, maxBacklog, 1);
        between(MAX_DESCRIPTION_BYTES, maxDescriptionBytes, 100, RecordLimits.DESCRIPTION_BYTES);
        between(MAX_SOURCE_JSON_BYTES, maxSourceJsonBytes, 1000, RecordLimits.SOURCE_JSON_BYTES);
    }

    public static EnrichConfig from(PagerConfig config) {
        return new EnrichConfig(config.integer(MAX_SUMMARY_BYTES), config.duration(DEADLINE),
                config.duration(GIVE_UP_AFTER), config.integer(MAX_ROWS), config.integer(MAX_CELL_BYTES),
                config.integer(MAX_CONCURRENT_QUERIES), config.integer(MAX_QUERIES_PER_WINDOW),
                config.duration(QUERY_WINDOW), config.duration(CACHE_TTL), config.integer(CACHE_ENTRIES),
                config.integer(MAX_BACKLOG), config.integer(MAX_DESCRIPTION_BYTES),
                config.integer(MAX_SOURCE_JSON_BYTES));
    }

    /** Every default: what production runs with unless told otherwise. */
    public static EnrichConfig defaults() {
        return from(PagerConfig.empty());
    }

    public EnrichConfig withDeadline(Duration newDeadline) {
        return new EnrichConfig(maxSummaryBytes, newDeadline, giveUpAfter, maxRows, maxCellBytes,
                maxConcurrentQueries, maxQueriesPerWindow, queryWindow, cacheTtl, cacheEntries, maxBacklog,
                maxDescriptionBytes, maxSourceJsonBytes);
    }

    private static void positive(ConfigKey key, Duration value) {
        if (value.isNegative() || value.isZero()) {
            throw new ConfigException("setting " + key.name() + " must be positive, was " + value);
        }
    }

    private static void between(ConfigKey key, int value, int min, int max) {
        if (value < min || value > max) {
            throw new ConfigException("setting " + key.name() + " must be between " + min + " and " + max + ", was "
                    + value);
        }
    }

    private static void atLeast(ConfigKey key, int value, int min) {
        if (value < min) {
            throw new ConfigException("setting " + key.name() + " must be at least " + min + ", was " + value);
        }
    }
}
