package io.sentinelpager.responder;

import io.sentinelpager.platform.kafka.AvroSerdes;
import io.sentinelpager.schemas.AlertLifecycle;
import io.sentinelpager.schemas.Topics;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.state.KeyValueStore;

/** The responder's view: alert.state materialized into a queryable store, the latest state per alert. */
public final class ResponderTopology {

    public static final String STATE_STORE = "alert-state-view";

    private ResponderTopology() {
    }

    public static Topology build(AvroSerdes serdes) {
        StreamsBuilder builder = new StreamsBuilder();
        builder.table(Topics.ALERT_STATE.name(),
                Consumed.with(serdes.key(), serdes.value(AlertLifecycle.class)).withName("alert-state"),
                Materialized.<String, AlertLifecycle, KeyValueStore<Bytes, byte[]>>as(STATE_STORE)
                        .withKeySerde(serdes.key()).withValueSerde(serdes.value(AlertLifecycle.class)));
        return builder.build();
    }
}
