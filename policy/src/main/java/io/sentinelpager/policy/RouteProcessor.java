package io.sentinelpager.policy;

import io.sentinelpager.oncall.routing.Policies;
import io.sentinelpager.schemas.EnrichedAlert;
import io.sentinelpager.schemas.PolicyConfig;
import io.sentinelpager.schemas.RoutedAlert;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.ValueAndTimestamp;

/** Routes each alert by the live policies (read from the global store at that moment) or the default route. */
final class RouteProcessor implements Processor<String, EnrichedAlert, String, RoutedAlert> {

    private final DefaultRoute route;
    private final Clock clock;
    private ProcessorContext<String, RoutedAlert> context;
    private KeyValueStore<String, ValueAndTimestamp<PolicyConfig>> policies;

    RouteProcessor(DefaultRoute route, Clock clock) {
        this.route = route;
        this.clock = clock;
    }

    @Override
    public void init(ProcessorContext<String, RoutedAlert> context) {
        this.context = context;
        this.policies = context.getStateStore(PolicyTopology.POLICIES_STORE);
    }

    @Override
    public void process(Record<String, EnrichedAlert> record) {
        List<PolicyConfig> live = new ArrayList<>();
        try (KeyValueIterator<String, ValueAndTimestamp<PolicyConfig>> it = policies.all()) {
            it.forEachRemaining(kv -> {
                if (kv.value != null) {
                    live.add(kv.value.value());
                }
            });
        }
        PolicyConfig match = Policies.firstMatch(live, record.value()).orElse(null);
        context.forward(record.withValue(route.route(record.value(), match, clock.instant())));
    }
}
