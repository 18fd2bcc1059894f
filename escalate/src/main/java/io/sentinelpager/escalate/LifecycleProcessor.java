package io.sentinelpager.escalate;

import io.sentinelpager.schemas.AlertAction;
import io.sentinelpager.schemas.AlertLifecycle;
import io.sentinelpager.schemas.DeliveryReceipt;
import io.sentinelpager.schemas.RoutedAlert;
import io.sentinelpager.schemas.ScheduleConfig;
import io.sentinelpager.schemas.TeamConfig;
import io.sentinelpager.schemas.UserConfig;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.ValueAndTimestamp;

/**
 * Applies {@link Lifecycle} to each event of an alert and writes the new state to the changelogged store before
 * forwarding what it emitted; under exactly-once the store update, the outputs and the input offset commit together.
 */
final class LifecycleProcessor implements Processor<String, SpecificRecord, String, SpecificRecord> {

    private final Lifecycle lifecycle;
    private final Clock clock;
    private ProcessorContext<String, SpecificRecord> context;
    private KeyValueStore<String, AlertLifecycle> states;
    private KeyValueStore<String, ValueAndTimestamp<TeamConfig>> teams;
    private KeyValueStore<String, ValueAndTimestamp<UserConfig>> users;
    private KeyValueStore<String, ValueAndTimestamp<ScheduleConfig>> schedules;

    LifecycleProcessor(Lifecycle lifecycle, Clock clock) {
        this.lifecycle = lifecycle;
        this.clock = clock;
    }

    @Override
    public void init(ProcessorContext<String, SpecificRecord> context) {
        this.context = context;
        this.states = context.getStateStore(EscalateTopology.LIFECYCLE_STORE);
        this.teams = context.getStateStore(EscalateTopology.TEAMS_STORE);
        this.users = context.getStateStore(EscalateTopology.USERS_STORE);
        this.schedules = context.getStateStore(EscalateTopology.SCHEDULES_STORE);
    }

    @Override
    public void process(Record<String, SpecificRecord> record) {
        String key = record.key();
        Optional<AlertLifecycle> current = Optional.ofNullable(states.get(key));
        Instant now = clock.instant();
        if (record.value() == null) {
            throw new IllegalArgumentException("empty record for alert " + key);
        }
        Lifecycle.Outcome outcome = decide(current, record.value(), now);
        outcome.state().ifPresent(state -> states.put(key, state));
        for (SpecificRecord out : outcome.emitted()) {
            context.forward(record.withValue(out));
        }
    }

    private Lifecycle.Outcome decide(Optional<AlertLifecycle> current, SpecificRecord event, Instant now) {
        if (event instanceof RoutedAlert routed) {
            return lifecycle.routed(current, routed, directory(), now);
        }
        if (event instanceof AlertAction action) {
            return lifecycle.action(current, action, now);
        }
        if (event instanceof DeliveryReceipt receipt) {
            return lifecycle.receipt(current, receipt, now);
        }
        throw new IllegalArgumentException("escalate cannot handle a " + event.getSchema().getFullName());
    }

    private Lifecycle.Directory directory() {
        return new Lifecycle.Directory(id -> value(teams, id), id -> value(users, id), allSchedules());
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
