package io.sentinelpager.policy;

import io.sentinelpager.platform.kafka.AvroSerdes;
import io.sentinelpager.platform.kafka.GlobalTables;
import io.sentinelpager.schemas.EnrichedAlert;
import io.sentinelpager.schemas.RouteDecision;
import io.sentinelpager.schemas.RoutedAlert;
import io.sentinelpager.schemas.Topics;
import io.sentinelpager.schemas.Urgency;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.state.Stores;

/**
 * The policy flow: the live policies are a global table of config.policies, so a published change applies to the
 * next alert without a restart; the first record of an alert is routed by the first policy that matches, or
 * suppressed with the policy's reason onto alerts.suppressed, where it is kept for audit; later records of the alert
 * follow that decision ({@link RouteProcessor}). Routed alerts stay keyed by their alert key, also when grouped:
 * escalate brings the alerts of a group to one page, and needs them on the alert key's partition to find the page of
 * an Azure-side change, which ingest reports under the alert key.
 */
public final class PolicyTopology {

    public static final String POLICIES_STORE = GlobalTables.POLICIES_STORE;
    /** Alert key → how its first record was routed. */
    public static final String DECISIONS_STORE = "route-decisions-store";

    private PolicyTopology() {
    }

    public static Topology build(AvroSerdes serdes, DefaultRoute route, Duration decisionRetention, Clock clock) {
        StreamsBuilder builder = new StreamsBuilder();
        GlobalTables.add(builder, serdes, Topics.CONFIG_POLICIES, POLICIES_STORE);
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(DECISIONS_STORE),
                serdes.key(), serdes.value(RouteDecision.class)));
        // Both lanes of an alert's partition in one task, with one decisions store: the urgent lane is taken first
        // (LaneTimestampExtractor), and a high-urgency route goes on the urgent lane whichever lane it came from.
        builder.stream(List.of(Topics.ALERTS_ENRICHED.name(), Topics.ALERTS_ENRICHED_URGENT.name()),
                        Consumed.with(serdes.key(), serdes.value(EnrichedAlert.class)).withName("enriched-alerts"))
                .process(() -> new RouteProcessor(route, decisionRetention, clock), Named.as("route"), DECISIONS_STORE)
                .split(Named.as("policy-"))
                .branch((key, routed) -> routed.getSuppressReason() != null, Branched.withConsumer(
                        s -> s.to(Topics.ALERTS_SUPPRESSED.name(), Produced.with(serdes.key(),
                                serdes.value(RoutedAlert.class)).withName("suppressed-alerts")), "suppressed"))
                .defaultBranch(Branched.withConsumer(
                        s -> s.to((key, routed, record) -> routed.getUrgency() == Urgency.LOW
                                ? Topics.ALERTS_ROUTED.name() : Topics.ALERTS_ROUTED_URGENT.name(),
                                Produced.with(serdes.key(), serdes.value(RoutedAlert.class)).withName("routed-alerts")),
                        "routed"));
        return builder.build();
    }
}
