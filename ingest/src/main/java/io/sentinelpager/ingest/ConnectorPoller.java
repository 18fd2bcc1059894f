package io.sentinelpager.ingest;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.sentinelpager.schemas.IngestSeen;
import io.sentinelpager.schemas.IngestWatermark;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Reads one connector's alerts updated since its watermark, page by page, and turns each page into one transaction:
 * the new alerts, the actions for changes made in Azure, dead letters, and what was seen of every alert. The last
 * page's transaction also carries the new watermark.
 *
 * <p>The same for every source: the {@link AlertFeed} reads Graph alerts or Sentinel incidents' alerts, and this
 * class keeps the watermark, the de-duplication and the transactions.
 *
 * <p>Why nothing is lost or repeated: a source need not keep its order, so the watermark (the greatest
 * version time read: Graph's lastUpdateDateTime, Sentinel's incident lastModifiedTimeUtc) moves only with the last
 * page. A crash after some pages committed re-reads them from the
 * old watermark; the seen records committed with those pages recognise every version already handled, so each is
 * published once. The next poll asks for {@code ge} the watermark, so an alert updated in the watermark's millisecond
 * is read again rather than missed, and recognised as seen.
 *
 * <p>What was seen is kept for the {@link SeenRetention}: each poll first forgets what is older, so the memory holds
 * the alerts read within the retention, not every alert ever read.
 */
final class ConnectorPoller implements AutoCloseable {

    private final ConnectorSettings settings;
    private final int partition;
    private final AlertFeed feed;
    private final AlertTriage triage;
    private final ConnectorHealthTracker health;
    private final RequestBudget budget;
    private final int pageSize;
    private final Clock clock;
    private final Map<String, IngestSeen> seen;
    private final SeenRetention retention;
    private final Gauge remembered;
    private final MeterRegistry registry;
    private final IngestMetrics metrics;
    private IngestWatermark watermark;
    private Instant nextPollAt;

    ConnectorPoller(ConnectorSettings settings, int partition, AlertFeed feed, AlertTriage triage,
                    ConnectorHealthTracker health, RequestBudget budget, int pageSize, Clock clock,
                    IngestWatermark watermark, Map<String, IngestSeen> seen, SeenRetention retention,
                    MeterRegistry registry, IngestMetrics metrics) {
        this.settings = settings;
        this.partition = partition;
        this.feed = feed;
        this.triage = triage;
        this.health = health;
        this.budget = budget;
        this.pageSize = pageSize;
        this.clock = clock;
        this.watermark = watermark;
        this.seen = new HashMap<>(seen);
        this.retention = retention;
        this.remembered = Gauge.builder("pager_ingest_seen_alerts", this.seen, Map::size)
                .tag("connector", settings.id())
                .description("alerts of the connector that ingest remembers: those read within ingest.seen.retention")
                .register(registry);
        this.registry = registry;
        this.metrics = metrics;
        this.nextPollAt = clock.instant();
    }

    String connectorId() {
        return settings.id();
    }

    int partition() {
        return partition;
    }

    Instant nextPollAt() {
        return nextPollAt;
    }

    /**
     * One poll. {@code outboxes} makes an empty outbox for each transaction, {@code commit} writes it (and throws if it
     * cannot); {@code ours} is brought up to date with syncback's commands before each page is judged.
     *
     * @return true when the poll reached the source and every page was committed
     */
    boolean poll(Supplier<Outbox> outboxes, Consumer<Outbox> commit, Supplier<OurWrites> ours) {
        Instant started = clock.instant();
        nextPollAt = started.plus(settings.pollInterval());
        seen.values().removeIf(s -> retention.expired(s, started));
        boolean firstPoll = watermark == null;
        Instant since = watermark == null ? started.minus(settings.lookback()) : watermark.getLastUpdatedAt();
        Instant newest = watermark == null ? null : watermark.getLastUpdatedAt();
        AlertFeed.Page page;
        try {
            page = feed.first(since, pageSize, this::awaitBudget);
        } catch (RuntimeException e) {
            failed(started, e, outboxes, commit);
            return false;
        }
        while (true) {
            Outbox out = outboxes.get();
            Map<String, IngestSeen> pending = new HashMap<>();
            OurWrites writes = ours.get();
            Instant now = clock.instant();
            for (SourceItem source : page.items()) {
                AlertTriage.Outcome outcome = triage.triage(source,
                        key -> pending.containsKey(key) ? pending.get(key) : seen.get(key), writes, now, firstPoll);
                apply(outcome, source, out);
                if (outcome.seen() != null) {
                    pending.put(outcome.seen().getAlertKey(), outcome.seen());
                }
                // Every alert read counts for the watermark, whatever became of it: all of them were handled.
                if (source.lastUpdated() != null) {
                    Instant updated = source.lastUpdated().truncatedTo(ChronoUnit.MILLIS);
                    if (newest == null || updated.isAfter(newest)) {
                        newest = updated;
                    }
                }
            }
            IngestWatermark next = null;
            if (!page.hasNext()) {
                if (newest != null) {
                    next = IngestWatermark.newBuilder().setConnectorId(settings.id()).setLastUpdatedAt(newest)
                            .setUpdatedAt(now).build();
                    out.watermark(next);
                }
                health.succeeded(now, out);
            }
            commit.accept(out);
            seen.putAll(pending);
            if (next != null) {
                watermark = next;
            }
            if (!page.hasNext()) {
                return true;
            }
            String link = page.nextLink().get();
            try {
                page = feed.next(link, this::awaitBudget);
            } catch (RuntimeException e) {
                failed(clock.instant(), e, outboxes, commit);
                return false;
            }
        }
    }

    private void apply(AlertTriage.Outcome outcome, SourceItem source, Outbox out) {
        String id = settings.id();
        if (outcome instanceof AlertTriage.New n) {
            try {
                out.alert(n.alert());
                metrics.alert(id, "new");
            } catch (Outbox.RecordTooLargeForKafka e) {
                out.deadLetter(id, source.id(), source.json(), e);
                metrics.alert(id, "dead_letter");
            }
        } else if (outcome instanceof AlertTriage.Changed c) {
            out.action(c.action());
            metrics.alert(id, "changed");
        } else if (outcome instanceof AlertTriage.Unusable u) {
            out.deadLetter(id, u.alertId(), source.json(), u.error());
            metrics.alert(id, "dead_letter");
        } else {
            metrics.alert(id, outcome.getClass().getSimpleName().replaceAll("([a-z])([A-Z])", "$1_$2").toLowerCase());
        }
        if (outcome.seen() != null) {
            out.seen(outcome.seen());
        }
    }

    /** Waits until the connector's request budget has a request free, rather than be throttled by Azure. */
    private void awaitBudget() {
        while (true) {
            Duration wait = budget.take(clock.instant());
            if (wait.isZero()) {
                return;
            }
            try {
                Thread.sleep(wait.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for connector " + settings.id()
                        + "'s request budget", e);
            }
        }
    }

    private void failed(Instant now, RuntimeException error, Supplier<Outbox> outboxes, Consumer<Outbox> commit) {
        Outbox out = outboxes.get();
        health.failed(now, error, out);
        commit.accept(out);
    }

    void tick(Instant now) {
        health.tick(now);
    }

    @Override
    public void close() {
        registry.remove(remembered);
        health.close();
        feed.close();
    }
}
