package io.sentinelpager.syncback;

import io.sentinelpager.schemas.SyncCommand;
import io.sentinelpager.schemas.SyncOutcome;

/** Picks the writer by the command's source: Graph alerts through Graph, Sentinel incidents through ARM. */
final class WritersBySource implements SyncWriter {

    private final SyncWriter graph;
    private final SyncWriter sentinel;

    WritersBySource(SyncWriter graph, SyncWriter sentinel) {
        this.graph = graph;
        this.sentinel = sentinel;
    }

    @Override
    public Result apply(SyncCommand command) {
        return switch (command.getSource()) {
            case GRAPH -> graph.apply(command);
            case SENTINEL -> sentinel.apply(command);
            default -> new Result(SyncOutcome.REJECTED, null, "source " + command.getSource()
                    + " has nothing in Azure to write back to");
        };
    }

    @Override
    public void close() {
        graph.close();
        sentinel.close();
    }
}
