package io.sentinelpager.policy;

import io.sentinelpager.oncall.routing.Policies;
import io.sentinelpager.platform.kafka.GlobalTables;
import io.sentinelpager.platform.kafka.LaneTimestampExtractor;
import io.sentinelpager.schemas.EnrichedAlert;
import io.sentinelpager.schemas.PolicyConfig;
import io.sentinelpager.schemas.RouteDecision;
import io.sentinelpager.schemas.RoutedAlert;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.ValueAndTimestamp;

/**
 * Routes each alert by the live policies (read from the global store at that moment) or the default route.
 *
 * <p>The first record of an alert decides. Enrichment may publish an alert twice: on time but TIMED_OUT, then the
 * enrichment as revision 1; and with policies that look at enrichment, the two could match differently. For an
 * on-call product the first answer must stand: a page is never sent late because an update matched, and an update
 * never turns into a suppression that keeps its enrichment from the page already sent. So the decision is kept in a
 * changelogged store keyed by alert key, and every later record of the alert (the update, a duplicate) follows it:
 * to the same team and page, where escalate attaches it without paging, or to alerts.suppressed again. It survives a
 * restart because the store is restored from its changelog, and under exactly-once it is written with the output.
 *
 * <p>A record with no decision is routed by the policies, whatever its revision: its first record never reached
 * policy (dead-lettered), and a late page is better than none. Decisions are forgotten after the retention, which is
 * at least that of alerts.enriched, so the store does not grow for ever.
 */
final class RouteProcessor implements Processor<String, EnrichedAlert, String, RoutedAlert> {

    /** How often decisions past their retention are removed. */
    static final Duration EXPIRY_SCAN = Duration.ofHours(1);

    private final DefaultRoute route;
    private final Duration retention;
    private final Clock clock;
    private ProcessorContext<String, RoutedAlert> context;
    private KeyValueStore<String, ValueAndTimestamp<PolicyConfig>> policies;
    private KeyValueStore<String, RouteDecision> decisions;

    RouteProcessor(DefaultRoute route, Duration retention, Clock clock) {
        this.route = route;
        this.retention = retention;
        this.clock = clock;
    }

    @Override
    public void init(ProcessorContext<String, RoutedAlert> context) {
        this.context = context;
        this.policies = context.getStateStore(PolicyTopology.POLICIES_STORE);
        this.decisions = context.getStateStore(PolicyTopology.DECISIONS_STORE);
        context.schedule(EXPIRY_SCAN, PunctuationType.WALL_CLOCK_TIME, ignored -> forgetExpired());
    }

    @Override
    public void process(Record<String, EnrichedAlert> record) {
        Instant now = clock.instant();
        RouteDecision decided = decisions.get(record.key());
        RoutedAlert routed;
        if (decided == null) {
            PolicyConfig match = Policies.firstMatch(livePolicies(), record.value()).orElse(null);
            routed = route.route(record.value(), match, now);
            decisions.put(record.key(), DefaultRoute.decision(routed));
        } else {
            routed = DefaultRoute.follow(decided, record.value(), now);
        }
        // Read from the urgent lane, the record's timestamp is a month early (LaneTimestampExtractor): the real one.
        context.forward(LaneTimestampExtractor.restore(record.withValue(routed), context.recordMetadata()));
    }

    private List<PolicyConfig> livePolicies() {
        return List.copyOf(GlobalTables.copyValues(policies).values());
    }

    void forgetExpired() {
        Instant oldest = clock.instant().minus(retention);
        List<String> expired = new ArrayList<>();
        try (KeyValueIterator<String, RouteDecision> it = decisions.all()) {
            it.forEachRemaining(kv -> {
                if (kv.value != null && kv.value.getDecidedAt().isBefore(oldest)) {
                    expired.add(kv.key);
                }
            });
        }
        expired.forEach(decisions::delete);
    }
}
