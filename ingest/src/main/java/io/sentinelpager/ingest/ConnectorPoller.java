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
import java.util.HashSet;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * Reads one connector's alerts updated since its watermark, page by page, and turns each page into one transaction:
 * the new alerts, the actions for changes made in Azure, dead letters, and what was seen of every alert. A last
 * transaction, once everything was read, carries the new watermark.
 *
 * <p>The same for every source: the {@link AlertFeed} reads Graph alerts or Sentinel incidents' alerts, and this
 * class keeps the watermark, the de-duplication and the transactions.
 *
 * <p>Why nothing is lost or repeated: a source need not keep its order, so the watermark (the greatest
 * version time read: Graph's lastUpdateDateTime, Sentinel's incident lastModifiedTimeUtc) moves only after the last
 * page, and only once a listing of several pages was proven complete ({@link Poll}): pages can shift while they are
 * read. A crash after some pages committed re-reads them from the old watermark; the seen records committed with
 * those pages recognise every version already handled, so each is published once. The next poll asks for {@code ge}
 * the watermark, so an alert updated in the watermark's millisecond is read again rather than missed, and recognised
 * as seen.
 *
 * <p>Why a poll is read one page per turn ({@link #takeTurn}): the ingest loop gives each due connector one turn per
 * cycle, so a storm of many pages in one tenant delays another tenant's poll by one page, not by the whole storm. The
 * place in the poll (the next link, the counts, the versions read) stays in memory between turns; nothing of it needs
 * to survive a crash, because the watermark moves only in the poll's last turn, as above, and each page's transaction
 * carries its seen records, as it did when a poll was read in one go.
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
    /** When the next poll begins. */
    private Instant nextPollAt;
    /** The poll under way, between two turns; null between polls. */
    private Poll poll;

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

    /**
     * When the connector wants its next turn: while a poll has pages waiting, as soon as its request budget has a
     * request free (at once, mostly); otherwise a poll interval after the last poll began.
     */
    Instant nextPollAt() {
        return poll == null ? nextPollAt : budget.availableAt();
    }

    /**
     * One turn: starts a poll unless one is under way, then reads one page of it and commits that page in its own
     * transaction; the turn that completes the poll also commits the watermark. {@code outboxes} makes an empty outbox
     * for each transaction, {@code commit} writes it (and throws if it cannot); {@code ours} is brought up to date with
     * syncback's commands before each page is judged.
     */
    void takeTurn(Supplier<Outbox> outboxes, Consumer<Outbox> commit, Supplier<OurWrites> ours) {
        if (poll == null) {
            Instant started = clock.instant();
            nextPollAt = started.plus(settings.pollInterval());
            seen.values().removeIf(s -> retention.expired(s, started));
            Instant since = watermark == null ? started.minus(settings.lookback()) : watermark.getLastUpdatedAt();
            poll = new Poll(since, watermark == null);
        }
        try {
            if (poll.readPage(outboxes, commit, ours)) {
                Instant newest = poll.listing.newest;
                poll = null;
                finish(newest, outboxes, commit);
            }
        } catch (SourceFailed e) {
            poll = null;
            failed(clock.instant(), e.getCause(), outboxes, commit);
        }
    }

    /** The transaction that ends a poll: the watermark, moved to the newest version read, and the health. */
    private void finish(Instant newestRead, Supplier<Outbox> outboxes, Consumer<Outbox> commit) {
        Instant now = clock.instant();
        Outbox out = outboxes.get();
        Instant before = watermark == null ? null : watermark.getLastUpdatedAt();
        Instant newest = newestRead == null || before != null && before.isAfter(newestRead) ? before : newestRead;
        IngestWatermark next = null;
        if (newest != null) {
            next = IngestWatermark.newBuilder().setConnectorId(settings.id()).setLastUpdatedAt(newest)
                    .setUpdatedAt(now).build();
            out.watermark(next);
        }
        health.succeeded(now, out);
        commit.accept(out);
        if (next != null) {
            watermark = next;
        }
    }

    /** One version of an alert read: its id and lastUpdated (to the millisecond, as the watermark). */
    private record Version(String id, Instant lastUpdated) {
    }

    /**
     * A poll under way: the listing of the alerts updated since the watermark and, when that took several pages, the
     * readings of the window [{@code since}, {@code until}) again until one is proven complete; {@code until} is the
     * newest version the listing read. Read a page per turn, and held in memory only: a crash, a hand-over or a failed
     * request drops it, and the next poll starts again from the watermark, which moved for none of its pages.
     *
     * <p>Why the readings again: a listing of several pages is not a snapshot. An alert that changes between two pages
     * moves in the source's order, and the alerts it passes shift by one, so one of them may never be served; an alert
     * created mid-listing may land in front of the cursor. Any such alert older than the newest one read would fall
     * behind the watermark for good.
     *
     * <p>Why this is complete: every version written from now on has a lastUpdateDateTime at or after {@code until}
     * (the newest one already read), so the alerts in the window can only leave it, never enter it. The source's
     * count of the window therefore only falls, and a reading between two equal counts saw a window that did not
     * change, which a source lists whole in any order. An alert that left the window has a version at or after
     * {@code until}, which the next poll reads. Each repetition needs an alert to have left, so this ends. None of
     * this depends on how long the readings take, so reading them a page per turn, between other connectors' pages,
     * keeps it true.
     *
     * <p>A source that cannot count (Sentinel's ARM API) lists oldest version first ({@link AlertFeed#count}). It is
     * read again from {@code since}, unbounded, until two consecutive readings list the same versions (alert id and
     * lastUpdated) older than {@code until}, the listing being the first reading. Why that is complete: alerts still
     * only leave the window (for a new version, at or after {@code until}, or deleted). In that order an alert of the
     * window has only alerts of the window in front of it, and a new version goes behind it, so a reading misses an
     * alert of the window only when alerts in front of it that the cursor already passed leave: the cursor must then
     * be an offset, and the alert moves up into what was served. Up to a reading's first miss, the alerts of the
     * window that its cursor passed were all read, so that miss needs an alert the reading read to leave, and that
     * version is in no later reading. Two equal consecutive readings therefore mean the first missed no alert still
     * in the window, and one that left is read by the next poll. Each repetition needs an alert to have left, so this
     * ends. A reading lists the newer alerts too; what it reads again, {@code seen} recognises.
     */
    private final class Poll {

        private final Instant since;
        private final boolean firstPoll;
        /** The first listing: the newest version it read is where the watermark moves. */
        private final Listing listing;
        /** The listing being read: the first one, or a reading again. */
        private Listing reading;
        private Instant until;
        /** The source's last count of the window; null for a source that cannot count. */
        private Long counted;
        /** For a source that cannot count: the versions older than {@code until} that the last reading listed. */
        private Set<Version> read;

        Poll(Instant since, boolean firstPoll) {
            this.since = since;
            this.firstPoll = firstPoll;
            this.listing = new Listing(null);
            this.reading = listing;
        }

        /** Reads and commits the next page, with the counts around a reading again; true when the poll is complete. */
        boolean readPage(Supplier<Outbox> outboxes, Consumer<Outbox> commit, Supplier<OurWrites> ours) {
            if (!reading.readPage(outboxes, commit, ours)) {
                return false;
            }
            if (reading == listing) {
                if (listing.pages == 1 || listing.newest == null || !listing.newest.isAfter(since)) {
                    return true;
                }
                until = listing.newest;
                OptionalLong count = fetch(() -> feed.count(since, until, ConnectorPoller.this::awaitBudget));
                if (count.isPresent()) {
                    counted = count.getAsLong();
                } else {
                    read = listing.versionsBefore(until);
                }
            } else if (counted != null) {
                long after = fetch(() -> feed.count(since, until, ConnectorPoller.this::awaitBudget)).orElseThrow();
                if (after == counted) {
                    return true;
                }
                counted = after;
            } else {
                Set<Version> again = reading.versionsBefore(until);
                if (again.equals(read)) {
                    return true;
                }
                read = again;
            }
            reading = new Listing(counted == null ? null : until);
            return false;
        }

        /** One listing from {@code since}, and before {@code until} unless it is null, one transaction per page. */
        private final class Listing {

            private final Instant until;
            private String nextLink;
            private int pages;
            private Instant newest;
            private final Set<Version> versions = new HashSet<>();

            Listing(Instant until) {
                this.until = until;
            }

            /** Reads, triages and commits the next page; true when it was the last. */
            boolean readPage(Supplier<Outbox> outboxes, Consumer<Outbox> commit, Supplier<OurWrites> ours) {
                String link = nextLink;
                AlertFeed.Page page = fetch(() -> link == null
                        ? feed.first(since, until, pageSize, ConnectorPoller.this::awaitBudget)
                        : feed.next(link, ConnectorPoller.this::awaitBudget));
                pages++;
                Outbox out = outboxes.get();
                Map<String, IngestSeen> pending = new HashMap<>();
                OurWrites writes = ours.get();
                Instant now = clock.instant();
                for (SourceItem source : page.items()) {
                    AlertTriage.Outcome outcome = triage.triage(source,
                            key -> pending.containsKey(key) ? pending.get(key) : seen.get(key), writes, now,
                            firstPoll);
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
                        versions.add(new Version(source.id(), updated));
                    }
                }
                commit.accept(out);
                seen.putAll(pending);
                nextLink = page.nextLink().orElse(null);
                return nextLink == null;
            }

            Set<Version> versionsBefore(Instant until) {
                return versions.stream().filter(v -> v.lastUpdated().isBefore(until)).collect(Collectors.toSet());
            }
        }
    }

    /** A call to the source failed: the poll ends there, and the next one starts again from the same watermark. */
    private static final class SourceFailed extends RuntimeException {
        SourceFailed(RuntimeException cause) {
            super(cause);
        }

        @Override
        public synchronized RuntimeException getCause() {
            return (RuntimeException) super.getCause();
        }
    }

    private static <T> T fetch(Supplier<T> call) {
        try {
            return call.get();
        } catch (RuntimeException e) {
            throw new SourceFailed(e);
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
        outcome.comments().forEach(out::action);
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
