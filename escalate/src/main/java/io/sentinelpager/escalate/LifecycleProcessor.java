package io.sentinelpager.escalate;

import io.sentinelpager.oncall.OnCall;
import io.sentinelpager.platform.kafka.GlobalTables;
import io.sentinelpager.schemas.AlertAction;
import io.sentinelpager.schemas.AlertLifecycle;
import io.sentinelpager.schemas.AppOverride;
import io.sentinelpager.schemas.DeliveryReceipt;
import io.sentinelpager.schemas.EscalationChainConfig;
import io.sentinelpager.schemas.LifecycleStatus;
import io.sentinelpager.schemas.PageForgotten;
import io.sentinelpager.schemas.RoutedAlert;
import io.sentinelpager.schemas.ScheduleConfig;
import io.sentinelpager.schemas.TeamConfig;
import io.sentinelpager.schemas.UserConfig;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.Cancellable;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.ValueAndTimestamp;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies {@link Lifecycle} to each event of an alert and writes the new state to the changelogged store before
 * forwarding what it emitted; under exactly-once the store update, the outputs and the input offset commit together.
 *
 * <p>Escalation timers live in a second changelogged store, keyed by due time so that a punctuator finds what is due
 * with one range scan. A timer survives a crash or a rebalance because the store is restored from its changelog
 * before the task resumes; a timer that fires twice (replayed after a crash) changes nothing the second time, because
 * {@link Lifecycle#wake} only acts on what is still due in the state.
 *
 * <p>A held page (nobody to page because its team, chain or schedule is not configured) is indexed in a third
 * changelogged store by what it waits for. The config topics are global tables, which tell no task when they change,
 * so each task looks, with the timers, whether the configuration its held pages wait for has arrived: one look-up per
 * distinct missing team, chain or schedule, however many pages wait for it, and a prefix scan for the pages it
 * releases. Every instance holds every config topic and indexes only its own partitions' pages, so N instances each
 * release their own, and an index restored after a crash or a rebalance is looked at on the next scan like any other.
 */
final class LifecycleProcessor implements Processor<String, SpecificRecord, String, SpecificRecord> {

    private static final Logger log = LoggerFactory.getLogger(LifecycleProcessor.class);

    /** How often due timers are looked for: escalations fire at most this late. */
    static final Duration TIMER_SCAN = Duration.ofMillis(250);
    /**
     * The most timers one scan fires. Under exactly-once nothing a punctuation writes is readable before the commit
     * after it, so a burst fired in one pass (a shift of 10,000 pages whose next step falls due in the same minute)
     * keeps its first pages from notify until its last is written. In batches, each committed on its own, the pages
     * due first go out first; the rest follow at the next scans, sooner because a scan that left timers due asks for
     * the next at once.
     */
    static final int TIMER_BATCH = 500;
    /**
     * How soon the next batch follows when a scan left timers due. Scheduled only while a burst lasts: a punctuation
     * that runs, even idle, makes Streams halve the records it processes between punctuations.
     */
    static final Duration TIMER_CATCH_UP = Duration.ofMillis(10);
    /** How often closed pages past their retention are looked for: a whole-store scan, so not often. */
    static final Duration RETENTION_SCAN = Duration.ofHours(1);
    private static final String TIMER_MIN = "";

    private final Lifecycle lifecycle;
    private final Clock clock;
    private final Duration closedRetention;
    private ProcessorContext<String, SpecificRecord> context;
    private KeyValueStore<String, AlertLifecycle> states;
    private KeyValueStore<String, ValueAndTimestamp<TeamConfig>> teams;
    private KeyValueStore<String, ValueAndTimestamp<UserConfig>> users;
    private KeyValueStore<String, ValueAndTimestamp<ScheduleConfig>> schedules;
    private KeyValueStore<String, ValueAndTimestamp<AppOverride>> overrides;
    private KeyValueStore<String, ValueAndTimestamp<EscalationChainConfig>> chains;
    private KeyValueStore<String, String> timers;
    private KeyValueStore<String, String> held;
    private final EscalateMetrics metrics;
    /** Pages of this task's partition that are held now, as counted into the instance's gauge. */
    private long heldHere;
    /** The scan that fires the next batch while a burst of due timers lasts; null between bursts. */
    private Cancellable catchUp;

    LifecycleProcessor(Lifecycle lifecycle, Clock clock, Duration closedRetention, EscalateMetrics metrics) {
        this.lifecycle = lifecycle;
        this.clock = clock;
        this.closedRetention = closedRetention;
        this.metrics = metrics;
    }

    @Override
    public void init(ProcessorContext<String, SpecificRecord> context) {
        this.context = context;
        this.states = context.getStateStore(EscalateTopology.LIFECYCLE_STORE);
        this.teams = context.getStateStore(EscalateTopology.TEAMS_STORE);
        this.users = context.getStateStore(EscalateTopology.USERS_STORE);
        this.schedules = context.getStateStore(EscalateTopology.SCHEDULES_STORE);
        this.overrides = context.getStateStore(EscalateTopology.OVERRIDES_STORE);
        this.chains = context.getStateStore(EscalateTopology.CHAINS_STORE);
        this.timers = context.getStateStore(EscalateTopology.TIMERS_STORE);
        this.held = context.getStateStore(EscalateTopology.HELD_STORE);
        heldHere = countHeld();
        metrics.heldChanged(heldHere);
        context.schedule(TIMER_SCAN, PunctuationType.WALL_CLOCK_TIME, ignored -> {
            fireDueTimers();
            releaseHeldPages();
        });
        context.schedule(RETENTION_SCAN, PunctuationType.WALL_CLOCK_TIME, ignored -> forgetClosedPages());
        warmUp();
    }

    /**
     * Runs the first timer's decision once, without acting on it. After a restart the first read of a state and the
     * first decision pay for the registry look-ups, class loading and compilation, about 2 s on a small machine; paid
     * here, while the task starts, instead of inside the first punctuation, the restored timers still fire on time.
     * {@link Lifecycle#wake} is a pure function, so the outcome can be thrown away.
     */
    private void warmUp() {
        KeyValue<String, String> first;
        try (KeyValueIterator<String, String> it = timers.all()) {
            if (!it.hasNext()) {
                return;
            }
            first = it.next();
        }
        AlertLifecycle state = states.get(first.value);
        if (state != null) {
            lifecycle.wake(state, directory(), dueTime(first.key));
        }
    }

    @Override
    public void close() {
        // The partition goes to another instance (or this one stops): its held pages are counted there now.
        metrics.heldChanged(-heldHere);
        heldHere = 0;
    }

    private long countHeld() {
        Set<String> pages = new HashSet<>();
        try (KeyValueIterator<String, String> it = held.all()) {
            it.forEachRemaining(kv -> pages.add(kv.value));
        }
        return pages.size();
    }

    /**
     * Pages the held pages whose missing configuration has arrived. The index is read one waited-for item at a time:
     * its first entry names it, and when it is still missing the scan jumps past all its entries, so a thousand pages
     * waiting for one team cost one look-up of that team.
     */
    void releaseHeldPages() {
        Lifecycle.Directory directory = null;
        String from = TIMER_MIN;
        while (true) {
            String ref;
            try (KeyValueIterator<String, String> it = held.range(from, null)) {
                if (!it.hasNext()) {
                    return;
                }
                String first = it.next().key;
                ref = first.substring(0, first.indexOf('|'));
            }
            // '}' follows '|': the first key after every "<ref>|…".
            from = ref + "}";
            if (directory == null) {
                directory = directory();
            }
            if (!WaitingFor.configured(ref, directory)) {
                continue;
            }
            List<String> pages = new ArrayList<>();
            try (KeyValueIterator<String, String> it = held.prefixScan(ref + "|", Serdes.String().serializer())) {
                it.forEachRemaining(kv -> pages.add(kv.value));
            }
            Instant now = clock.instant();
            for (String key : pages) {
                AlertLifecycle state = states.get(key);
                if (state == null || state.getStatus() != LifecycleStatus.HELD) {
                    // Not held any more by a path that did not clear the index: nothing to release.
                    held.delete(ref + "|" + key);
                    continue;
                }
                try {
                    apply(key, Optional.of(state), lifecycle.release(state, directory, now), now);
                } catch (PageLimits.PageTooLargeException e) {
                    log.error("page {}: its release at {} is refused: {}", key, now, e.getMessage());
                    held.delete(ref + "|" + key);
                }
            }
        }
    }

    /** Every alert whose next step is due: escalate it, and forward what that emits. */
    void fireDueTimers() {
        Instant now = clock.instant();
        List<KeyValue<String, String>> due = new ArrayList<>();
        boolean moreDue;
        try (KeyValueIterator<String, String> it = timers.range(TIMER_MIN, timerKey(now, "\uffff"))) {
            // Keyed by due time: the batch is the timers due first.
            while (due.size() < TIMER_BATCH && it.hasNext()) {
                due.add(it.next());
            }
            moreDue = it.hasNext();
        }
        if (moreDue) {
            // Readable now rather than with the rest of the burst: commit this batch before the next scan.
            context.commit();
            if (catchUp == null) {
                catchUp = context.schedule(TIMER_CATCH_UP, PunctuationType.WALL_CLOCK_TIME, ignored -> fireDueTimers());
            }
        } else if (catchUp != null) {
            catchUp.cancel();
            catchUp = null;
        }
        for (KeyValue<String, String> timer : due) {
            timers.delete(timer.key);
            AlertLifecycle state = states.get(timer.value);
            if (state == null) {
                continue;
            }
            try {
                apply(timer.value, Optional.of(state), lifecycle.wake(state, directory(), now), now);
            } catch (PageLimits.PageTooLargeException e) {
                // No input to dead-letter, and the other pages due now must not wait for this one.
                log.error("page {}: its escalation at {} is refused: {}", timer.value, now, e.getMessage());
            }
        }
    }

    /**
     * Deletes every page closed for longer than the retention, and writes its tombstone to alert.state so that the
     * compacted topic and the responder forget it too. A page changed within the retention (reopened, commented) is
     * kept, because its {@code updatedAt} moved; a closed page has no timer left that could need it.
     */
    void forgetClosedPages() {
        Instant now = clock.instant();
        Instant cutoff = now.minus(closedRetention);
        List<String> expired = new ArrayList<>();
        try (KeyValueIterator<String, AlertLifecycle> it = states.all()) {
            while (it.hasNext()) {
                KeyValue<String, AlertLifecycle> kv = it.next();
                if (kv.value.getStatus() == LifecycleStatus.CLOSED && kv.value.getUpdatedAt().isBefore(cutoff)) {
                    expired.add(kv.key);
                }
            }
        }
        for (String key : expired) {
            AlertLifecycle page = states.get(key);
            states.delete(key);
            context.forward(new Record<>(key, null, now.toEpochMilli()));
            // The alerts of a grouped page were indexed under their own keys: let that stage forget them.
            for (String alertKey : page.getMembers().keySet()) {
                if (!alertKey.equals(key)) {
                    context.forward(new Record<>(alertKey, PageForgotten.newBuilder().setAlertKey(alertKey)
                            .setPageKey(key).setForgottenAt(now).build(), now.toEpochMilli()));
                }
            }
        }
    }

    @Override
    public void process(Record<String, SpecificRecord> record) {
        String key = record.key();
        Optional<AlertLifecycle> current = Optional.ofNullable(states.get(key));
        Instant now = clock.instant();
        if (record.value() == null) {
            throw new IllegalArgumentException("empty record for alert " + key);
        }
        apply(key, current, decide(current, record.value(), now), now);
    }

    private void apply(String key, Optional<AlertLifecycle> before, Lifecycle.Outcome outcome, Instant now) {
        outcome.state().ifPresent(state -> {
            states.put(key, state);
            Set<Instant> known = before.map(LifecycleProcessor::wakeTimes).orElse(Set.of());
            for (Instant wake : wakeTimes(state)) {
                if (!known.contains(wake)) {
                    timers.put(timerKey(wake, key), key);
                }
            }
            indexHeld(key, before, state);
            metrics.decided(before, state);
        });
        for (SpecificRecord out : outcome.emitted()) {
            context.forward(new Record<>(key, out, now.toEpochMilli()));
        }
    }

    /** Keeps the index of held pages by what they wait for, and the count of held pages, true to the new state. */
    private void indexHeld(String key, Optional<AlertLifecycle> before, AlertLifecycle after) {
        Set<String> was = before.filter(s -> s.getStatus() == LifecycleStatus.HELD)
                .map(s -> Set.copyOf(s.getWaitingFor())).orElse(Set.of());
        Set<String> now = after.getStatus() == LifecycleStatus.HELD ? Set.copyOf(after.getWaitingFor()) : Set.of();
        was.stream().filter(ref -> !now.contains(ref)).forEach(ref -> held.delete(ref + "|" + key));
        now.stream().filter(ref -> !was.contains(ref)).forEach(ref -> held.put(ref + "|" + key, key));
        boolean wasHeld = before.map(s -> s.getStatus() == LifecycleStatus.HELD).orElse(false);
        boolean isHeld = after.getStatus() == LifecycleStatus.HELD;
        if (wasHeld != isHeld) {
            long delta = isHeld ? 1 : -1;
            heldHere += delta;
            metrics.heldChanged(delta);
        }
    }

    /** When the state needs attention: its next step, each delayed notification, the end of a hold. */
    private static Set<Instant> wakeTimes(AlertLifecycle state) {
        Set<Instant> out = new java.util.HashSet<>();
        if (state.getNextEscalationAt() != null) {
            out.add(state.getNextEscalationAt());
        }
        state.getPendingNotifications().forEach(n -> out.add(n.getRequestedAt()));
        if (state.getHeldUntil() != null) {
            out.add(state.getHeldUntil());
        }
        return out;
    }

    /** Zero-padded due time first, so that keys sort by due time. */
    static String timerKey(Instant due, String alertKey) {
        return String.format("%020d|%s", due.toEpochMilli(), alertKey);
    }

    private static Instant dueTime(String timerKey) {
        return Instant.ofEpochMilli(Long.parseLong(timerKey.substring(0, 20)));
    }

    private Lifecycle.Outcome decide(Optional<AlertLifecycle> current, SpecificRecord event, Instant now) {
        if (event instanceof RoutedAlert routed) {
            return lifecycle.routed(current, routed, directory(), now);
        }
        if (event instanceof AlertAction action) {
            return lifecycle.action(current, action, directory(), now);
        }
        if (event instanceof DeliveryReceipt receipt) {
            return lifecycle.receipt(current, receipt, now);
        }
        throw new IllegalArgumentException("escalate cannot handle a " + event.getSchema().getFullName());
    }

    private Lifecycle.Directory directory() {
        return new Lifecycle.Directory(id -> value(teams, id), id -> value(users, id),
                OnCall.withAppOverrides(GlobalTables.copyValues(schedules), GlobalTables.copyValues(overrides).values()),
                id -> value(chains, id));
    }

    private static <V> V value(KeyValueStore<String, ValueAndTimestamp<V>> store, String key) {
        ValueAndTimestamp<V> v = key == null ? null : store.get(key);
        return v == null ? null : v.value();
    }
}
