package io.sentinelpager.enrich;

import io.sentinelpager.platform.kafka.AvroSerdes;
import io.sentinelpager.schemas.EnrichedAlert;
import io.sentinelpager.schemas.SecurityAlert;
import io.sentinelpager.schemas.Topics;
import java.time.Clock;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;

/** The enrich flow: every raw alert goes on, with what the enrichment could add. */
public final class EnrichTopology {

    private EnrichTopology() {
    }

    public static Topology build(AvroSerdes serdes, EvidenceSummary summary, Clock clock) {
        StreamsBuilder builder = new StreamsBuilder();
        builder.stream(Topics.ALERTS_RAW.name(),
                        Consumed.with(serdes.key(), serdes.value(SecurityAlert.class)).withName("raw-alerts"))
                // A page is never held back: alerts without a query to run carry a short evidence summary.
                .mapValues(alert -> summary.enrich(alert, clock.instant()), Named.as("summarize-evidence"))
                .to(Topics.ALERTS_ENRICHED.name(),
                        Produced.with(serdes.key(), serdes.value(EnrichedAlert.class)).withName("enriched-alerts"));
        return builder.build();
    }
}
