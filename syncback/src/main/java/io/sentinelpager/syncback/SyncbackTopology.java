package io.sentinelpager.syncback;

import io.sentinelpager.platform.kafka.AvroSerdes;
import io.sentinelpager.platform.kafka.CompletedIds;
import io.sentinelpager.schemas.SyncCommand;
import io.sentinelpager.schemas.SyncResult;
import io.sentinelpager.schemas.Topics;
import java.time.Clock;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;

/** The syncback flow: apply each command to Azure once, and record what Azure answered. */
public final class SyncbackTopology {

    public static final String APPLIED_STORE = "applied-commands-store";

    private SyncbackTopology() {
    }

    public static Topology build(AvroSerdes serdes, SyncWriter writer, Clock clock) {
        StreamsBuilder builder = new StreamsBuilder();
        builder.addStateStore(CompletedIds.store(APPLIED_STORE));
        builder.stream(Topics.SYNC_COMMANDS.name(),
                        Consumed.with(serdes.key(), serdes.value(SyncCommand.class)).withName("sync-commands"))
                .process(() -> new SyncProcessor(writer, clock), Named.as("apply-to-azure"), APPLIED_STORE)
                .to(Topics.SYNC_RESULTS.name(),
                        Produced.with(serdes.key(), serdes.value(SyncResult.class)).withName("sync-results"));
        return builder.build();
    }
}
