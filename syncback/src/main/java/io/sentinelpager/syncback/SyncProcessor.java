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
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
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
 *       sync.results and sync.state. A write whose answer was not committed is made again: every part of it is
 *       safe to repeat ({@link SyncWriter}).</li>
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
    private final Queue<Answer> answers = new ConcurrentLinkedQueue<>();
    private final Map<String, Future<?>> inFlight = new HashMap<>();
    /** When each pending write of this task is due, mirrored from the store so that a tick need not read it all. */
    private final Map<String, Instant> dueAt = new HashMap<>();
    private ProcessorContext<String, SpecificRecord> context;
    private KeyValueStore<String, PendingSync> pending;
    private CompletedIds completed;
    /**
     * Raised by every init: Streams may close and init this processor again (a task revived after a failed
     * transaction), and an answer to an attempt from before belongs to state that was rolled back.
     */
    private int generation;

    /** Azure's answer to an attempt of {@code attempted}, started in the processor's {@code generation}. */
    private record Answer(int generation, String alertKey, PendingSync attempted, SyncWriter.Result result) {
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
        generation++;
        try (KeyValueIterator<String, PendingSync> all = pending.all()) {
            all.forEachRemaining(kv -> dueAt.put(kv.key, kv.value.getNextTryAt()));
        }
        metrics.pendingChanged(dueAt.size());
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
        if (!inFlight.containsKey(alertKey) && !next.getNextTryAt().isAfter(now)) {
            start(alertKey, next);
        }
    }

    /** Takes in Azure's answers, then starts every write whose time has come and that is not in flight. */
    private void tick() {
        takeAnswers();
        Instant now = clock.instant();
        List<String> due = dueAt.entrySet().stream()
                .filter(e -> !inFlight.containsKey(e.getKey()) && !e.getValue().isAfter(now)).map(Map.Entry::getKey)
                .toList();
        due.forEach(alertKey -> start(alertKey, pending.get(alertKey)));
    }

    private void start(String alertKey, PendingSync write) {
        int started = generation;
        inFlight.put(alertKey, lanes.write(write, result -> answers.add(new Answer(started, alertKey, write, result))));
    }

    private void takeAnswers() {
        for (Answer answer = answers.poll(); answer != null; answer = answers.poll()) {
            if (answer.generation() != generation) {
                continue; // the write is still in the store, as it was before that attempt, and will be made again
            }
            inFlight.remove(answer.alertKey());
            PendingSync current = pending.get(answer.alertKey());
            if (current == null) {
                continue; // cannot happen: only an answer removes a write, and one write has one attempt in flight
            }
            if (answer.result().outcome() == SyncOutcome.APPLIED || answer.result().outcome() == SyncOutcome.REJECTED) {
                settled(answer, current);
            } else {
                failed(answer, current);
            }
        }
    }

    /** Azure took the attempt, or refused it for good: report it once, and start on what came meanwhile. */
    private void settled(Answer answer, PendingSync current) {
        Instant now = clock.instant();
        SyncWriter.Result result = answer.result();
        boolean applied = result.outcome() == SyncOutcome.APPLIED;
        for (String commandId : PendingWrites.commandIds(answer.attempted())) {
            result(answer.alertKey(), commandId, result.outcome(), result.httpStatus(), result.detail(), now);
        }
        SyncStatus status = applied ? SyncStatus.APPLIED : SyncStatus.REJECTED;
        state(current, status, applied ? null : result.detail(), result.httpStatus(), null, now);
        metrics.outcome(current.getConnectorId(), status);
        if (!applied) {
            log.warn("Azure refused the write of {} for good: {}", answer.alertKey(), result.detail());
        }
        if (applied) {
            member(answer.attempted());
        }
        PendingSync rest = PendingWrites.remainder(current, answer.attempted(), now);
        if (rest == null) {
            remove(answer.alertKey());
        } else {
            put(answer.alertKey(), rest);
            start(answer.alertKey(), rest);
        }
    }

    /** The attempt failed for a reason that may pass: try again later, unless the write has got too old. */
    private void failed(Answer answer, PendingSync current) {
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
            expired.forEach(id -> result(answer.alertKey(), id, SyncOutcome.FAILED, result.httpStatus(), why, now));
            metrics.outcome(current.getConnectorId(), SyncStatus.EXPIRED);
            log.warn("write of {} to Azure given up: {}", answer.alertKey(), why);
            if (kept == null) {
                state(current, SyncStatus.EXPIRED, why, result.httpStatus(), null, now);
                remove(answer.alertKey());
                return;
            }
        }
        int failures = kept.getAttempts() + 1;
        Instant nextTry = config.nextTry(failures, result.retryAfter(), now, ThreadLocalRandom.current().nextDouble());
        if (failures == 1) {
            log.warn("write of {} to Azure failed, retrying until it is taken: {}", answer.alertKey(),
                    result.detail());
        }
        put(answer.alertKey(), PendingSync.newBuilder(kept).setAttempts(failures).setNextTryAt(nextTry)
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
        if (dueAt.put(alertKey, write.getNextTryAt()) == null) {
            metrics.pendingChanged(1);
        }
    }

    private void remove(String alertKey) {
        pending.delete(alertKey);
        dueAt.remove(alertKey);
        metrics.pendingChanged(-1);
    }

    /**
     * Waits a little for the calls in flight: the task may be moving to another instance, which will make its
     * pending writes again, and a late answer here must not land in Azure after that instance's newer write.
     */
    @Override
    public void close() {
        long deadline = System.nanoTime() + IN_FLIGHT_GRACE.toNanos();
        for (Future<?> call : inFlight.values()) {
            try {
                call.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                call.cancel(true);
            } catch (ExecutionException | CancellationException e) {
                // its answer is lost with the task; the write stays pending in the store
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        metrics.pendingChanged(-dueAt.size());
        dueAt.clear();
        inFlight.clear();
    }
}
