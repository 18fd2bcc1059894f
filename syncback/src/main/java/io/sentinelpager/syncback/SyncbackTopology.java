package io.sentinelpager.syncback;

import io.sentinelpager.platform.kafka.AvroSerdes;
import io.sentinelpager.platform.kafka.CompletedIds;
import io.sentinelpager.schemas.IncidentMember;
import io.sentinelpager.schemas.IncidentRollup;
import io.sentinelpager.schemas.IncidentState;
import io.sentinelpager.schemas.PendingSync;
import io.sentinelpager.schemas.SyncCommand;
import io.sentinelpager.schemas.SyncResult;
import io.sentinelpager.schemas.SyncState;
import io.sentinelpager.schemas.Topics;
import java.time.Clock;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.Stores;

/**
 * The syncback flow: each command joins its alert's pending write, which is written to Azure until Azure takes it;
 * every command's outcome goes to sync.results, and each alert's latest to sync.state. Each change Azure took goes on,
 * keyed by incident, through sync.incidents to the incident's roll-up, whose latest goes to sync.incident.state. Written with the Processor API
 * because the one processor feeds two topics.
 */
public final class SyncbackTopology {

    public static final String APPLIED_STORE = "applied-commands-store";
    /** Per alert key, the write Azure has not confirmed yet; changelogged, so it outlives any one instance. */
    public static final String PENDING_STORE = "pending-writes-store";
    /** Per incident, the roll-up watched: what the responders chose for its alerts, and when it is read next. */
    public static final String ROLLUP_STORE = "incident-rollups-store";
    static final String RESULTS_SINK = "sync-results";
    static final String INCIDENTS_SINK = "sync-incidents-out";
    static final String INCIDENT_STATE_SINK = "sync-incident-state";
    static final String STATE_SINK = "sync-state";

    private SyncbackTopology() {
    }

    static Topology build(AvroSerdes serdes, ConnectorLanes lanes, SyncbackConfig config, SyncMetrics metrics,
                          Clock clock) {
        Topology topology = new Topology();
        topology.addSource("sync-commands", serdes.key().deserializer(),
                serdes.value(SyncCommand.class).deserializer(), Topics.SYNC_COMMANDS.name());
        topology.addProcessor("write-to-azure", () -> new SyncProcessor(lanes, config, metrics, clock),
                "sync-commands");
        topology.addStateStore(CompletedIds.store(APPLIED_STORE), "write-to-azure");
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(PENDING_STORE),
                serdes.key(), serdes.value(PendingSync.class)), "write-to-azure");
        topology.addSink(RESULTS_SINK, Topics.SYNC_RESULTS.name(), serdes.key().serializer(),
                serdes.value(SyncResult.class).serializer(), "write-to-azure");
        topology.addSink(STATE_SINK, Topics.SYNC_STATE.name(), serdes.key().serializer(),
                serdes.value(SyncState.class).serializer(), "write-to-azure");
        topology.addSink(INCIDENTS_SINK, Topics.SYNC_INCIDENTS.name(), serdes.key().serializer(),
                serdes.value(IncidentMember.class).serializer(), "write-to-azure");

        topology.addSource("sync-incidents", serdes.key().deserializer(),
                serdes.value(IncidentMember.class).deserializer(), Topics.SYNC_INCIDENTS.name());
        topology.addProcessor("roll-up-incidents", () -> new IncidentRollupProcessor(lanes, config, metrics, clock),
                "sync-incidents");
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(ROLLUP_STORE),
                serdes.key(), serdes.value(IncidentRollup.class)), "roll-up-incidents");
        topology.addSink(INCIDENT_STATE_SINK, Topics.SYNC_INCIDENT_STATE.name(), serdes.key().serializer(),
                serdes.value(IncidentState.class).serializer(), "roll-up-incidents");
        return topology;
    }
}
