package io.sentinelpager.syncback;

import io.sentinelpager.schemas.AlertSource;
import io.sentinelpager.schemas.IncidentRollup;
import io.sentinelpager.schemas.PendingSync;

/** Picks the writer by the alert's source: Graph alerts through Graph, Sentinel incidents through ARM. */
final class WritersBySource implements SyncWriter {

    private final SyncWriter graph;
    private final SyncWriter sentinel;

    WritersBySource(SyncWriter graph, SyncWriter sentinel) {
        this.graph = graph;
        this.sentinel = sentinel;
    }

    @Override
    public Result apply(PendingSync write) {
        return switch (write.getSource()) {
            case GRAPH -> graph.apply(write);
            case SENTINEL -> sentinel.apply(write);
            default -> Result.rejected("source " + write.getSource() + " has nothing in Azure to write back to");
        };
    }

    @Override
    public Check rollUp(IncidentRollup rollup) {
        return switch (rollup.getSource()) {
            case GRAPH -> graph.rollUp(rollup);
            case SENTINEL -> sentinel.rollUp(rollup);
            default -> Check.failed(Result.rejected("source " + rollup.getSource() + " has no incidents in Azure"));
        };
    }

    @Override
    public String objectOf(PendingSync write) {
        return write.getSource() == AlertSource.SENTINEL ? sentinel.objectOf(write) : graph.objectOf(write);
    }

    @Override
    public void close() {
        graph.close();
        sentinel.close();
    }
}
