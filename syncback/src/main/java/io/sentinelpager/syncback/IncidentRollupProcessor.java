package io.sentinelpager.syncback;

import io.sentinelpager.schemas.IncidentMember;
import io.sentinelpager.schemas.IncidentRollup;
import io.sentinelpager.schemas.IncidentState;
import io.sentinelpager.schemas.RecordLimits;
import io.sentinelpager.schemas.RollupStatus;
import io.sentinelpager.schemas.SyncOutcome;
import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rolls each incident up from its alerts ({@link IncidentRollups}), keyed by incident on sync.incidents so that one task
 * sees every change of the incident's alerts, whichever partitions those alerts have.
 *
 * <p>An incident is checked at once when one of its alerts changed through us, and read again every
 * {@code syncback.incident.recheck} while its alerts do not all add up yet, so that a change made in Azure (an alert
 * we never paged, resolved there) is counted too; it is watched until it is resolved, or for
 * {@code syncback.incident.watch.for}. The watch lives in a changelogged store, so it survives restarts and
 * rebalances, and a check runs on the connector's lane, never on the stream thread, as {@link SyncProcessor}'s writes
 * do. Every check is safe to repeat: the incident is written only when it does not show what its alerts add up to.
 */
final class IncidentRollupProcessor implements Processor<String, IncidentMember, String, SpecificRecord> {

    private static final Logger log = LoggerFactory.getLogger(IncidentRollupProcessor.class);

    private final ConnectorLanes lanes;
    private final SyncbackConfig config;
    private final SyncMetrics metrics;
    private final Clock clock;
    /** Per incident: when it is next checked, and the check in flight. */
    private final TaskCalls<Answer> calls = new TaskCalls<>();
    private ProcessorContext<String, SpecificRecord> context;
    private KeyValueStore<String, IncidentRollup> rollups;

    /** What a check of the roll-up at {@code version} found. */
    private record Answer(long version, SyncWriter.Check check) {
    }

    IncidentRollupProcessor(ConnectorLanes lanes, SyncbackConfig config, SyncMetrics metrics, Clock clock) {
        this.lanes = lanes;
        this.config = config;
        this.metrics = metrics;
        this.clock = clock;
    }

    @Override
    public void init(ProcessorContext<String, SpecificRecord> context) {
        this.context = context;
        this.rollups = context.getStateStore(SyncbackTopology.ROLLUP_STORE);
        calls.reset(rollups, IncidentRollup::getNextCheckAt);
        context.schedule(SyncProcessor.TICK, PunctuationType.WALL_CLOCK_TIME, ignored -> tick());
    }

    @Override
    public void process(Record<String, IncidentMember> record) {
        takeAnswers();
        Instant now = clock.instant();
        IncidentRollup next = IncidentRollups.merge(rollups.get(record.key()), record.value(), now);
        put(record.key(), next);
        if (!calls.inFlight(record.key()) && !next.getNextCheckAt().isAfter(now)) {
            start(record.key(), next);
        }
    }

    private void tick() {
        takeAnswers();
        calls.dueBy(clock.instant()).forEach(key -> start(key, rollups.get(key)));
    }

    private void start(String key, IncidentRollup rollup) {
        calls.start(key, answer -> lanes.rollUp(rollup, check -> answer.accept(new Answer(rollup.getVersion(), check))));
    }

    private void takeAnswers() {
        calls.take((key, answer) -> {
            IncidentRollup current = rollups.get(key);
            if (current != null) {
                answered(key, answer, current);
            }
        });
    }

    /**
     * Records what the check found, and when the incident is read next: not at all once it is resolved, refused for
     * good or too old; after the recheck interval while its alerts do not all add up; after a backoff when the check
     * failed; at once, whatever the answer, when one of its alerts changed during the check.
     */
    private void answered(String key, Answer answer, IncidentRollup current) {
        Instant now = clock.instant();
        SyncWriter.Check check = answer.check();
        SyncWriter.Result result = check.result();
        boolean news = current.getVersion() > answer.version();
        boolean tooOld = current.getWatchSince().plus(config.incidentWatchFor()).isBefore(now);
        RollupStatus status;
        Instant next = null;
        int failures = 0;
        String reason = result.detail();
        if (result.outcome() == SyncOutcome.REJECTED) {
            // Tried again on the next change of one of its alerts: a permission granted meanwhile then takes effect.
            log.warn("Azure refused the roll-up of incident {} for good: {}", current.getIncidentId(), reason);
            status = RollupStatus.REJECTED;
        } else if (result.outcome() == SyncOutcome.APPLIED && check.done()) {
            status = RollupStatus.APPLIED;
        } else if (tooOld) {
            status = RollupStatus.EXPIRED;
            reason = "not watched after " + config.incidentWatchFor()
                    + (result.outcome() == SyncOutcome.APPLIED ? "" : "; last failure: " + reason);
        } else if (result.outcome() == SyncOutcome.APPLIED) {
            status = check.target() == IncidentRollups.Target.NONE ? RollupStatus.WATCHING : RollupStatus.APPLIED;
            next = now.plus(config.incidentRecheck());
        } else {
            status = RollupStatus.PENDING;
            failures = current.getAttempts() + 1;
            next = config.nextTry(failures, result.retryAfter(), now, ThreadLocalRandom.current().nextDouble());
            if (failures == 1) {
                log.warn("rolling up incident {} failed, trying again: {}", current.getIncidentId(), reason);
            }
        }
        if (news) {
            next = now;
        }
        state(current, check, status, reason, next, now);
        metrics.rollup(current.getConnectorId(), status);
        if (next == null) {
            remove(key);
        } else {
            put(key, IncidentRollup.newBuilder(current).setAttempts(failures).setNextCheckAt(next)
                    .setLastFailure(failures == 0 ? null : RecordLimits.cut(reason, RecordLimits.DETAIL_BYTES))
                    .build());
        }
    }

    private void state(IncidentRollup rollup, SyncWriter.Check check, RollupStatus status, String reason,
                       Instant nextTry, Instant now) {
        IncidentState out = IncidentState.newBuilder().setConnectorId(rollup.getConnectorId())
                .setIncidentId(rollup.getIncidentId()).setStatus(check.status()).setAssignedTo(check.assignedTo())
                .setAlertsTotal(check.count().total()).setAlertsInProgress(check.count().inProgress())
                .setAlertsResolved(check.count().resolved()).setRollup(status)
                .setReason(RecordLimits.cut(reason, RecordLimits.DETAIL_BYTES)).setNextTryAt(nextTry).setAt(now)
                .build();
        context.forward(new Record<>(rollup.getConnectorId() + ":" + rollup.getIncidentId(), out,
                context.currentSystemTimeMs()), SyncbackTopology.INCIDENT_STATE_SINK);
    }

    private void put(String key, IncidentRollup rollup) {
        rollups.put(key, rollup);
        calls.due(key, rollup.getNextCheckAt());
    }

    private void remove(String key) {
        rollups.delete(key);
        calls.forget(key);
    }

    /** As {@link SyncProcessor#close}: a late check must not write the incident after the next owner's. */
    @Override
    public void close() {
        calls.close(SyncProcessor.IN_FLIGHT_GRACE);
    }
}
