package io.sentinelpager.policy;

import io.sentinelpager.platform.kafka.AvroSerdes;
import io.sentinelpager.platform.kafka.GlobalTables;
import io.sentinelpager.schemas.EnrichedAlert;
import io.sentinelpager.schemas.RoutedAlert;
import io.sentinelpager.schemas.Topics;
import java.time.Clock;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;

/**
 * The policy flow: the live policies are a global table of config.policies, so a published change applies to the
 * next alert without a restart; every enriched alert is routed by the first policy that matches, or suppressed with
 * the policy's reason onto alerts.suppressed, where it is kept for audit.
 */
public final class PolicyTopology {

    public static final String POLICIES_STORE = "config-policies-store";

    private PolicyTopology() {
    }

    public static Topology build(AvroSerdes serdes, DefaultRoute route, Clock clock) {
        StreamsBuilder builder = new StreamsBuilder();
        GlobalTables.add(builder, serdes, Topics.CONFIG_POLICIES, POLICIES_STORE);
        builder.stream(Topics.ALERTS_ENRICHED.name(),
                        Consumed.with(serdes.key(), serdes.value(EnrichedAlert.class)).withName("enriched-alerts"))
                .process(() -> new RouteProcessor(route, clock), Named.as("route"))
                .split(Named.as("policy-"))
                .branch((key, routed) -> routed.getSuppressReason() != null, Branched.withConsumer(
                        s -> s.to(Topics.ALERTS_SUPPRESSED.name(), Produced.with(serdes.key(),
                                serdes.value(RoutedAlert.class)).withName("suppressed-alerts")), "suppressed"))
                .defaultBranch(Branched.withConsumer(
                        // Grouped alerts are keyed by their group, so that one escalate task sees the whole incident.
                        s -> s.selectKey((key, routed) -> routed.getGroupKey() == null ? key : routed.getGroupKey(),
                                        Named.as("key-by-group"))
                                .to(Topics.ALERTS_ROUTED.name(), Produced.with(serdes.key(),
                                        serdes.value(RoutedAlert.class)).withName("routed-alerts")), "routed"));
        return builder.build();
    }
}
