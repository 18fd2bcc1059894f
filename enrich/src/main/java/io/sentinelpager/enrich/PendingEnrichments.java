package io.sentinelpager.enrich;

import io.sentinelpager.schemas.EnrichedAlert;
import io.sentinelpager.schemas.SecurityAlert;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Function;
import org.apache.kafka.common.TopicPartition;

/**
 * The alerts between arrival and their last record, and the decision of what to publish when: a pure function of
 * what arrived, what the enrichments answered and the injected clock, so tests drive the deadline by moving a clock.
 *
 * <ul>
 *   <li>An alert with nothing to query goes out at once with its evidence summary.</li>
 *   <li>A Sentinel rule's alert goes out as soon as its enrichment is done, and at the latest at its deadline, then
 *       marked TIMED_OUT; the enrichment follows when it arrives, as revision 1 under the same key.</li>
 *   <li>An enrichment that is not done when it is given up on ends as a FAILED update, so every alert ends.</li>
 *   <li>Per key, first records go out in arrival order; an update of an older record is dropped once a newer record
 *       of the same alert has arrived (that one carries the newer alert and its own enrichment).</li>
 * </ul>
 */
final class PendingEnrichments {

    /**
     * A record to publish (value null when there is none) and whether the input record is finished with it.
     */
    record Output(String key, EnrichedAlert value, TopicPartition partition, long offset, boolean finished) {
    }

    private static final class Pending {
        final long sequence;
        final String key;
        final SecurityAlert alert;
        final TopicPartition partition;
        final long offset;
        final CompletableFuture<Enrichment> enrichment;
        final Instant deadline;
        final Instant giveUpAt;
        boolean timedOut;

        Pending(long sequence, String key, SecurityAlert alert, TopicPartition partition, long offset,
                CompletableFuture<Enrichment> enrichment, Instant deadline, Instant giveUpAt) {
            this.sequence = sequence;
            this.key = key;
            this.alert = alert;
            this.partition = partition;
            this.offset = offset;
            this.enrichment = enrichment;
            this.deadline = deadline;
            this.giveUpAt = giveUpAt;
        }

        String origin() {
            return partition.topic() + " partition " + partition.partition() + " offset " + offset;
        }
    }

    private final EnrichConfig config;
    private final Clock clock;
    /** Starts an alert's enrichment on its connector; empty when the connector has no workspace to query. */
    private final Function<SecurityAlert, Optional<CompletableFuture<Enrichment>>> enrichments;
    private final EnrichedRecords records;
    /** In arrival order, by sequence. */
    private final Map<Long, Pending> pending = new LinkedHashMap<>();
    /** The newest record of each alert key that is still pending. */
    private final Map<String, Long> newest = new HashMap<>();
    private long sequence;

    PendingEnrichments(EnrichConfig config, Clock clock,
                       Function<SecurityAlert, Optional<CompletableFuture<Enrichment>>> enrichments) {
        this.config = config;
        this.clock = clock;
        this.enrichments = enrichments;
        this.records = new EnrichedRecords(config);
    }

    /** Starts what the alert needs; its records come out of {@link #due()}. */
    void accept(TopicPartition partition, long offset, String key, SecurityAlert alert) {
        Instant now = clock.instant();
        CompletableFuture<Enrichment> enrichment;
        if (!SentinelRuleAlert.fromSentinel(alert)) {
            enrichment = CompletableFuture.completedFuture(Enrichment.notApplicable(null));
        } else {
            enrichment = enrichments.apply(alert)
                    .orElseGet(() -> CompletableFuture.completedFuture(Enrichment.notApplicable("connector "
                            + alert.getConnectorId() + " has no Log Analytics workspace configured (connectors."
                            + alert.getConnectorId() + ".workspace.id and its subscription, resource group and name),"
                            + " so its Sentinel rule's rows cannot be read")));
        }
        long id = ++sequence;
        pending.put(id, new Pending(id, key, alert, partition, offset, enrichment, now.plus(config.deadline()),
                now.plus(config.giveUpAfter())));
        newest.put(key, id);
    }

    /** What to publish now, in order. */
    List<Output> due() {
        Instant now = clock.instant();
        List<Output> out = new ArrayList<>();
        Set<String> waiting = new HashSet<>();
        for (Iterator<Pending> it = pending.values().iterator(); it.hasNext(); ) {
            Pending p = it.next();
            if (!p.timedOut && waiting.contains(p.key)) {
                continue; // an older record of this alert has not gone out yet
            }
            if (p.enrichment.isDone()) {
                it.remove();
                boolean superseded = !Long.valueOf(p.sequence).equals(newest.get(p.key));
                if (!superseded) {
                    newest.remove(p.key);
                }
                if (!p.timedOut) {
                    out.add(new Output(p.key, build(p, result(p), 0, now), p.partition, p.offset, true));
                } else if (superseded) {
                    out.add(new Output(p.key, null, p.partition, p.offset, true));
                } else {
                    out.add(new Output(p.key, build(p, result(p), 1, now), p.partition, p.offset, true));
                }
                continue;
            }
            if (!p.timedOut && !now.isBefore(p.deadline)) {
                p.timedOut = true;
                out.add(new Output(p.key, build(p, Enrichment.timedOut(
                        "Log Analytics did not answer within " + config.deadline() + "; the rule's rows follow as an"
                                + " update"), 0, now), p.partition, p.offset, false));
            } else if (p.timedOut && !now.isBefore(p.giveUpAt)) {
                it.remove();
                p.enrichment.cancel(false);
                boolean superseded = !Long.valueOf(p.sequence).equals(newest.get(p.key));
                if (!superseded) {
                    newest.remove(p.key);
                }
                out.add(new Output(p.key, superseded ? null : build(p, Enrichment.failed("enrichment did not finish"
                        + " within " + config.giveUpAfter() + "; given up"), 1, now), p.partition, p.offset, true));
                continue;
            }
            if (!p.timedOut) {
                waiting.add(p.key);
            }
        }
        return out;
    }

    /** Drops the alerts of partitions given to another instance, which reads them again from the committed offset. */
    void forget(Collection<TopicPartition> partitions) {
        for (Iterator<Pending> it = pending.values().iterator(); it.hasNext(); ) {
            Pending p = it.next();
            if (partitions.contains(p.partition)) {
                it.remove();
                newest.remove(p.key, p.sequence);
            }
        }
    }

    int size() {
        return pending.size();
    }

    /** When the next deadline or give-up falls, so the caller need not wait longer than that. */
    Optional<Instant> nextDue() {
        return pending.values().stream().map(p -> p.timedOut ? p.giveUpAt : p.deadline).min(Instant::compareTo);
    }

    private EnrichedAlert build(Pending p, Enrichment enrichment, int revision, Instant now) {
        return records.build(p.alert, enrichment, revision, now, p.origin());
    }

    private static Enrichment result(Pending p) {
        try {
            return p.enrichment.join();
        } catch (CompletionException | java.util.concurrent.CancellationException e) {
            // ConnectorEnricher turns every failure into a reason; this is a bug's last net.
            return Enrichment.failed("enrichment failed: " + e.getCause());
        }
    }
}
