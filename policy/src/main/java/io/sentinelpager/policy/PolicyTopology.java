package io.sentinelpager.policy;

import io.sentinelpager.platform.kafka.AvroSerdes;
import io.sentinelpager.schemas.EnrichedAlert;
import io.sentinelpager.schemas.RoutedAlert;
import io.sentinelpager.schemas.Topics;
import java.time.Clock;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;

/** The policy flow: decide team, chain and urgency for every enriched alert. */
public final class PolicyTopology {

    private PolicyTopology() {
    }

    public static Topology build(AvroSerdes serdes, DefaultRoute route, Clock clock) {
        StreamsBuilder builder = new StreamsBuilder();
        builder.stream(Topics.ALERTS_ENRICHED.name(),
                        Consumed.with(serdes.key(), serdes.value(EnrichedAlert.class)).withName("enriched-alerts"))
                // Every alert is routed; none is dropped here (suppression, when it comes, is a record too).
                .mapValues(alert -> route.route(alert, clock.instant()), Named.as("route"))
                .to(Topics.ALERTS_ROUTED.name(),
                        Produced.with(serdes.key(), serdes.value(RoutedAlert.class)).withName("routed-alerts"));
        return builder.build();
    }
}
