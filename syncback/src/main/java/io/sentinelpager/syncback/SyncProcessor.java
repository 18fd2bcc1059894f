package io.sentinelpager.syncback;

import io.sentinelpager.platform.kafka.CompletedIds;
import io.sentinelpager.schemas.IncidentMember;
import io.sentinelpager.schemas.PendingSync;
import io.sentinelpager.schemas.RecordLimits;
import io.sentinelpager.schemas.SyncCommand;
import io.sentinelpager.schemas.SyncOutcome;
import io.sentinelpager.schemas.SyncResult;
import io.sentinelpager.schemas.SyncState;
import io.sentinelpager.schemas.SyncStatus;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.Set;
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
 * Keeps, per alert, the write Azure has not confirmed yet, and has it written until Azure takes it, refuses it, or it
 * gets too old.
 *
 * <ul>
 *   <li>A write survives a crash, a restart and a rebalance because it lives in a changelogged store of this task,
 *       with its next try time, and leaves it only in the same transaction that records Azure's answer on
 *       sync.results and sync.state. A write whose answer was not committed is made again, and Azure may have taken
 *       it already, also a command's first attempt: its call starts when the command is taken in, before that
 *       transaction commits, and after a crash the next owner takes the command in again. So the writer always
 *       writes only what Azure does not show yet ({@link SyncWriter#apply}).</li>
 *   <li>The stream thread never waits for Azure: calls run on the connector's lane ({@link ConnectorLanes}), and
 *       their answers are queued and taken in on the stream thread, by the next record or the punctuator, so the
 *       store and the outputs change under exactly-once.</li>
 *   <li>Per alert, at most one attempt is in flight, and commands arriving meanwhile are merged into the pending
 *       write ({@link PendingWrites}): Azure sees the alert's changes in order, the newest desired state last.</li>
 * </ul>
 */
final class SyncProcessor implements Processor<String, SyncCommand, String, SpecificRecord> {

    /** How often answers are taken in and due retries started, in wall-clock time. */
    static final Duration TICK = Duration.ofMillis(250);
    /** How long a revoked or closing task waits for its calls in flight, so that no late write follows the next owner's. */
    static final Duration IN_FLIGHT_GRACE = Duration.ofSeconds(10);

    private static final Logger log = LoggerFactory.getLogger(SyncProcessor.class);

    private final ConnectorLanes lanes;
    private final SyncbackConfig config;
    private final SyncMetrics metrics;
    private final Clock clock;
    /** Per alert key: when its pending write is due, and the attempt in flight. */
    private final TaskCalls<Answer> calls = new TaskCalls<>();
    private ProcessorContext<String, SpecificRecord> context;
    private KeyValueStore<String, PendingSync> pending;
    private CompletedIds completed;

    /** Azure's answer to an attempt of {@code attempted}. */
    private record Answer(PendingSync attempted, SyncWriter.Result result) {
    }

    SyncProcessor(ConnectorLanes lanes, SyncbackConfig config, SyncMetrics metrics, Clock clock) {
        this.lanes = lanes;
        this.config = config;
        this.metrics = metrics;
        this.clock = clock;
    }

    @Override
    public void init(ProcessorContext<String, SpecificRecord> context) {
        this.context = context;
        this.pending = context.getStateStore(SyncbackTopology.PENDING_STORE);
        this.completed = CompletedIds.open(context, SyncbackTopology.APPLIED_STORE);
        calls.reset(pending, PendingSync::getNextTryAt);
        metrics.pendingChanged(calls.size());
        context.schedule(TICK, PunctuationType.WALL_CLOCK_TIME, ignored -> tick());
    }

    @Override
    public void process(Record<String, SyncCommand> record) {
        takeAnswers();
        SyncCommand command = record.value();
        if (completed.contains(command.getCommandId())) {
            return;
        }
        // Per alert, not per record key: escalate keys the commands of a grouped page by the page, so that they stay
        // in order on one partition, and each alert of the page has a write of its own.
        String alertKey = command.getAlertKey();
        Instant now = clock.instant();
        PendingSync current = pending.get(alertKey);
        if (command.getComment() != null && !command.getComment().isBlank()
                && !PendingWrites.hasRoomForComment(current)) {
            result(alertKey, command.getCommandId(), SyncOutcome.FAILED, null, PendingWrites.MAX_COMMENTS
                    + " comments already wait for Azure on this alert; this one is not kept", now);
            command = SyncCommand.newBuilder(command).setComment(null).build();
        }
        PendingSync next = PendingWrites.merge(current, command, now);
        put(alertKey, next);
        if (!calls.inFlight(alertKey) && !next.getNextTryAt().isAfter(now)) {
            start(alertKey, next);
        }
    }

    /** Takes in Azure's answers, then starts every write whose time has come and that is not in flight. */
    private void tick() {
        takeAnswers();
        calls.dueBy(clock.instant()).forEach(alertKey -> start(alertKey, pending.get(alertKey)));
    }

    private void start(String alertKey, PendingSync write) {
        calls.start(alertKey, answer -> lanes.write(write,
                result -> answer.accept(new Answer(write, result))));
    }

    private void takeAnswers() {
        calls.take((alertKey, answer) -> {
            PendingSync current = pending.get(alertKey);
            if (current == null) {
                return; // cannot happen: only an answer removes a write, and one write has one attempt in flight
            }
            if (answer.result().outcome() == SyncOutcome.APPLIED || answer.result().outcome() == SyncOutcome.REJECTED) {
                settled(alertKey, answer, current);
            } else {
                failed(alertKey, answer, current);
            }
        });
    }

    /** Azure took the attempt, or refused it for good: report it once, and start on what came meanwhile. */
    private void settled(String alertKey, Answer answer, PendingSync current) {
        Instant now = clock.instant();
        SyncWriter.Result result = answer.result();
        boolean applied = result.outcome() == SyncOutcome.APPLIED;
        for (String commandId : PendingWrites.commandIds(answer.attempted())) {
            result(alertKey, commandId, result.outcome(), result.httpStatus(), result.detail(), now);
        }
        SyncStatus status = applied ? SyncStatus.APPLIED : SyncStatus.REJECTED;
        state(current, status, applied ? null : result.detail(), result.httpStatus(), null, now);
        metrics.outcome(current.getConnectorId(), status);
        if (!applied) {
            log.warn("Azure refused the write of {} for good: {}", alertKey, result.detail());
        }
        if (applied) {
            member(answer.attempted());
        }
        PendingSync rest = PendingWrites.remainder(current, answer.attempted(), now);
        if (rest == null) {
            remove(alertKey);
        } else {
            put(alertKey, rest);
            start(alertKey, rest);
        }
    }

    /** The attempt failed for a reason that may pass: try again later, unless the write has got too old. */
    private void failed(String alertKey, Answer answer, PendingSync current) {
        Instant now = clock.instant();
        SyncWriter.Result result = answer.result();
        PendingSync kept = PendingWrites.withoutOlderThan(current, now.minus(config.giveUpAfter()));
        Set<String> expired = new LinkedHashSet<>(PendingWrites.commandIds(current));
        if (kept != null) {
            expired.removeAll(PendingWrites.commandIds(kept));
        }
        if (!expired.isEmpty()) {
            String why = "given up after " + config.giveUpAfter() + " without Azure taking it; last failure: "
                    + result.detail();
            expired.forEach(id -> result(alertKey, id, SyncOutcome.FAILED, result.httpStatus(), why, now));
            metrics.outcome(current.getConnectorId(), SyncStatus.EXPIRED);
            log.warn("write of {} to Azure given up: {}", alertKey, why);
            if (kept == null) {
                state(current, SyncStatus.EXPIRED, why, result.httpStatus(), null, now);
                remove(alertKey);
                return;
            }
        }
        int failures = kept.getAttempts() + 1;
        Instant nextTry = config.nextTry(failures, result.retryAfter(), now, ThreadLocalRandom.current().nextDouble());
        if (failures == 1) {
            log.warn("write of {} to Azure failed, retrying until it is taken: {}", alertKey,
                    result.detail());
        }
        put(alertKey, PendingSync.newBuilder(kept).setAttempts(failures).setNextTryAt(nextTry)
                .setLastFailure(RecordLimits.cut(result.detail(), RecordLimits.DETAIL_BYTES)).build());
        state(kept, SyncStatus.PENDING, result.detail(), result.httpStatus(), nextTry, now);
        metrics.outcome(current.getConnectorId(), SyncStatus.PENDING);
    }

    /**
     * Tells the alert's incident roll-up of a change Azure took (for Sentinel: that the change is the responders'
     * choice for the alert, which only the roll-up writes to the incident), keyed by incident.
     */
    private void member(PendingSync write) {
        if (write.getIncidentId() == null || write.getChangeCommandIds().isEmpty()
                || config.rollupOff().contains(write.getConnectorId())) {
            return;
        }
        IncidentMember member = IncidentMember.newBuilder().setConnectorId(write.getConnectorId())
                .setSource(write.getSource()).setIncidentId(write.getIncidentId()).setAlertKey(write.getAlertKey())
                .setAlertId(write.getAlertId()).setStatus(write.getTargetStatus()).setAssignedTo(write.getAssignedTo())
                .setClassification(write.getClassification()).setRequestedBy(write.getRequestedBy())
                .setAt(write.getChangeRequestedAt()).build();
        context.forward(new Record<>(write.getConnectorId() + ":" + write.getIncidentId(), member,
                context.currentSystemTimeMs()), SyncbackTopology.INCIDENTS_SINK);
    }

    // Records are stamped with the wall clock, as Kafka expects (a broker refuses timestamps far from its own time);
    // the times in the values are the service's clock.
    private void result(String alertKey, String commandId, SyncOutcome outcome, Integer httpStatus, String detail,
                        Instant now) {
        // A command replayed after this (escalate re-sending it) is not written again.
        completed.add(commandId, now);
        SyncResult out = SyncResult.newBuilder().setCommandId(commandId).setAlertKey(alertKey).setOutcome(outcome)
                .setHttpStatus(httpStatus).setDetail(RecordLimits.cut(detail, RecordLimits.DETAIL_BYTES))
                .setAt(now).build();
        context.forward(new Record<>(alertKey, out, context.currentSystemTimeMs()), SyncbackTopology.RESULTS_SINK);
    }

    private void state(PendingSync write, SyncStatus status, String reason, Integer httpStatus, Instant nextTry,
                       Instant now) {
        SyncState out = SyncState.newBuilder().setAlertKey(write.getAlertKey()).setConnectorId(write.getConnectorId())
                .setState(status).setAt(now).setReason(RecordLimits.cut(reason, RecordLimits.DETAIL_BYTES))
                .setHttpStatus(httpStatus).setNextTryAt(nextTry).build();
        context.forward(new Record<>(write.getAlertKey(), out, context.currentSystemTimeMs()),
                SyncbackTopology.STATE_SINK);
    }

    private void put(String alertKey, PendingSync write) {
        pending.put(alertKey, write);
        if (calls.due(alertKey, write.getNextTryAt())) {
            metrics.pendingChanged(1);
        }
    }

    private void remove(String alertKey) {
        pending.delete(alertKey);
        calls.forget(alertKey);
        metrics.pendingChanged(-1);
    }

    /** See {@link TaskCalls#close}: a late write must not land in Azure after the next owner's newer one. */
    @Override
    public void close() {
        metrics.pendingChanged(-calls.size());
        calls.close(IN_FLIGHT_GRACE);
    }
}
