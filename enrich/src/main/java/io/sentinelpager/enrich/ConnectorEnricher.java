package io.sentinelpager.enrich;

import io.sentinelpager.azure.AzureCallException;
import io.sentinelpager.azure.AzureWorkspace;
import io.sentinelpager.azure.LogQueryResult;
import io.sentinelpager.azure.LogTable;
import io.sentinelpager.schemas.EnrichmentStatus;
import io.sentinelpager.schemas.RecordLimits;
import io.sentinelpager.schemas.SecurityAlert;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Enriches the Sentinel alerts of one connector from its Log Analytics workspace: find the alert's SecurityAlert row,
 * read its rule's query and window, run the query, keep the first rows.
 *
 * <p>Each connector has its own threads (as many as it may run queries at once), its own {@link QueryLimiter} and its
 * own {@link QueryCache}: a slow or throttled workspace fills only its own queue and never delays another
 * connector's alerts. The queue is bounded; an alert beyond it is answered at once as FAILED, so that a storm on one
 * workspace costs no memory and no time elsewhere.
 */
final class ConnectorEnricher implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ConnectorEnricher.class);

    /** How far around the alert's creation its SecurityAlert row is looked for. */
    static final Duration LOOKUP_BEFORE = Duration.ofDays(2);
    static final Duration LOOKUP_AFTER = Duration.ofHours(1);

    /** One call to the workspace's query API; {@code LogAnalyticsClient::query} in production. */
    @FunctionalInterface
    interface LogQuery {
        LogQueryResult run(String query, Instant start, Instant end);
    }

    private final String connectorId;
    private final String tenantId;
    private final AzureWorkspace workspace;
    private final LogQuery logs;
    private final EnrichConfig config;
    private final Clock clock;
    private final QueryLimiter limiter;
    private final QueryCache cache;
    private final ExecutorService threads;
    private final AtomicInteger backlog = new AtomicInteger();

    ConnectorEnricher(String connectorId, String tenantId, AzureWorkspace workspace, LogQuery logs,
                      EnrichConfig config, Clock clock) {
        this.connectorId = connectorId;
        this.tenantId = tenantId;
        this.workspace = workspace;
        this.logs = logs;
        this.config = config;
        this.clock = clock;
        this.limiter = new QueryLimiter(config.maxConcurrentQueries(), config.maxQueriesPerWindow(),
                config.queryWindow(), clock);
        this.cache = new QueryCache(config.cacheTtl(), config.cacheEntries(), clock);
        this.threads = Executors.newFixedThreadPool(config.maxConcurrentQueries(), named("enrich-" + connectorId));
    }

    /** Starts the enrichment on this connector's threads; never blocks the caller. */
    CompletableFuture<Enrichment> submit(SecurityAlert alert) {
        if (backlog.incrementAndGet() > config.maxBacklog()) {
            backlog.decrementAndGet();
            return CompletableFuture.completedFuture(Enrichment.failed("connector " + connectorId + " has "
                    + config.maxBacklog() + " enrichments waiting for Log Analytics; this alert is not enriched"));
        }
        try {
            return CompletableFuture.supplyAsync(() -> {
                try {
                    return enrich(alert);
                } finally {
                    backlog.decrementAndGet();
                }
            }, threads);
        } catch (RuntimeException rejected) {
            backlog.decrementAndGet();
            return CompletableFuture.completedFuture(Enrichment.failed("enrichment of connector " + connectorId
                    + " is shutting down"));
        }
    }

    /** The whole enrichment of one alert, on the calling thread. Never throws: every failure is a reason. */
    Enrichment enrich(SecurityAlert alert) {
        List<String> ids = SentinelRuleAlert.candidateIds(alert);
        if (ids.isEmpty()) {
            return Enrichment.failed("the alert has no id that can name its SecurityAlert row");
        }
        try {
            Instant created = alert.getCreatedAt();
            Instant now = clock.instant();
            Instant from = (created.isBefore(now) ? created : now).minus(LOOKUP_BEFORE);
            Instant to = (created.isAfter(now) ? created : now).plus(LOOKUP_AFTER);
            LogQueryResult found = limited(SentinelRuleAlert.lookupQuery(ids), from, to);
            LogTable.Row row = found.tables().isEmpty() ? null : found.primary().rows().stream()
                    .filter(r -> ids.contains(string(r, "SystemAlertId")) || ids.contains(string(r, "VendorOriginalId")))
                    .findFirst().orElse(null);
            if (row == null) {
                return Enrichment.failed("no SecurityAlert row with SystemAlertId or VendorOriginalId " + ids
                        + " in workspace " + workspace.workspaceName() + " between " + from + " and " + to);
            }
            // Every alert's row names its entities, a Fusion or ML alert's too: they go on whatever the rule was.
            String entities = string(row, "Entities");
            RuleQuery rule;
            try {
                rule = RuleQuery.from(row);
            } catch (RuleQuery.Unusable e) {
                return (e.applicable() ? Enrichment.failed(e.getMessage()) : Enrichment.notApplicable(e.getMessage()))
                        .withEntities(entities);
            }
            Enrichment known = new Enrichment(EnrichmentStatus.COMPLETE, null, List.of(), rule.ruleName(),
                    rule.ruleId(), rule.start(), rule.end(),
                    LogsLink.of(tenantId, workspace, rule.query(), rule.start(), rule.end()), entities);
            QueryAnswer answer;
            try {
                answer = cache.get(rule.query(), rule.start(), rule.end(), () -> QueryAnswer.of(
                        limitedUnchecked(rule.query(), rule.start(), rule.end()), config.maxRows(),
                        config.maxCellBytes()));
            } catch (AzureCallException e) {
                return known.with(EnrichmentStatus.FAILED, "the rule's query failed: "
                        + RecordLimits.cut(e.getMessage(), 1000));
            }
            Enrichment result = new Enrichment(EnrichmentStatus.COMPLETE, null, answer.tables(), rule.ruleName(),
                    rule.ruleId(), rule.start(), rule.end(), known.link(), entities);
            return answer.partialError()
                    .map(error -> result.with(EnrichmentStatus.PARTIAL, "Log Analytics returned part of the result: "
                            + RecordLimits.cut(error, 1000)))
                    .orElse(result);
        } catch (AzureCallException e) {
            return Enrichment.failed("finding the alert's SecurityAlert row failed: "
                    + RecordLimits.cut(e.getMessage(), 1000));
        } catch (InterruptedException | Interrupted e) {
            Thread.currentThread().interrupt();
            return Enrichment.failed("enrichment was stopped (service shutting down)");
        } catch (RuntimeException e) {
            log.error("connector {}: enrichment of {} failed unexpectedly", connectorId, alert.getAlertKey(), e);
            return Enrichment.failed("enrichment failed unexpectedly: " + e.getClass().getSimpleName());
        }
    }

    private LogQueryResult limited(String query, Instant start, Instant end) throws InterruptedException {
        return limiter.call(() -> logs.run(query, start, end));
    }

    private LogQueryResult limitedUnchecked(String query, Instant start, Instant end) {
        try {
            return limited(query, start, end);
        } catch (InterruptedException e) {
            throw new Interrupted();
        }
    }

    /** An interruption carried through the cache's loader, which cannot throw checked exceptions. */
    private static final class Interrupted extends RuntimeException {
        Interrupted() {
            super(null, null, false, false);
        }
    }

    private static String string(LogTable.Row row, String column) {
        Object value = row.values().get(column);
        return value == null ? null : value.toString();
    }

    private static ThreadFactory named(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return task -> {
            Thread thread = new Thread(task, prefix + "-" + n.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    @Override
    public void close() {
        threads.shutdownNow();
    }
}
