package io.sentinelpager.escalate;

import io.sentinelpager.schemas.AlertAction;
import io.sentinelpager.schemas.AlertLifecycle;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.KeyValue;
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
 */
final class LifecycleProcessor implements Processor<String, SpecificRecord, String, SpecificRecord> {

    private static final Logger log = LoggerFactory.getLogger(LifecycleProcessor.class);

    /** How often due timers are looked for: escalations fire at most this late. */
    static final Duration TIMER_SCAN = Duration.ofMillis(250);
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
    private KeyValueStore<String, ValueAndTimestamp<EscalationChainConfig>> chains;
    private KeyValueStore<String, String> timers;

    LifecycleProcessor(Lifecycle lifecycle, Clock clock, Duration closedRetention) {
        this.lifecycle = lifecycle;
        this.clock = clock;
        this.closedRetention = closedRetention;
    }

    @Override
    public void init(ProcessorContext<String, SpecificRecord> context) {
        this.context = context;
        this.states = context.getStateStore(EscalateTopology.LIFECYCLE_STORE);
        this.teams = context.getStateStore(EscalateTopology.TEAMS_STORE);
        this.users = context.getStateStore(EscalateTopology.USERS_STORE);
        this.schedules = context.getStateStore(EscalateTopology.SCHEDULES_STORE);
        this.chains = context.getStateStore(EscalateTopology.CHAINS_STORE);
        this.timers = context.getStateStore(EscalateTopology.TIMERS_STORE);
        context.schedule(TIMER_SCAN, PunctuationType.WALL_CLOCK_TIME, ignored -> fireDueTimers());
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

    /** Every alert whose next step is due: escalate it, and forward what that emits. */
    void fireDueTimers() {
        Instant now = clock.instant();
        List<KeyValue<String, String>> due = new ArrayList<>();
        try (KeyValueIterator<String, String> it = timers.range(TIMER_MIN, timerKey(now, "\uffff"))) {
            it.forEachRemaining(due::add);
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
        });
        for (SpecificRecord out : outcome.emitted()) {
            context.forward(new Record<>(key, out, now.toEpochMilli()));
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
        return new Lifecycle.Directory(id -> value(teams, id), id -> value(users, id), allSchedules(),
                id -> value(chains, id));
    }

    private Map<String, ScheduleConfig> allSchedules() {
        Map<String, ScheduleConfig> out = new HashMap<>();
        try (KeyValueIterator<String, ValueAndTimestamp<ScheduleConfig>> it = schedules.all()) {
            while (it.hasNext()) {
                KeyValue<String, ValueAndTimestamp<ScheduleConfig>> kv = it.next();
                if (kv.value != null) {
                    out.put(kv.key, kv.value.value());
                }
            }
        }
        return out;
    }

    private static <V> V value(KeyValueStore<String, ValueAndTimestamp<V>> store, String key) {
        ValueAndTimestamp<V> v = key == null ? null : store.get(key);
        return v == null ? null : v.value();
    }
}
