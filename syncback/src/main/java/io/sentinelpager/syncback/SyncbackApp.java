package io.sentinelpager.syncback;

import io.sentinelpager.azure.Connectors;
import io.sentinelpager.platform.service.Service;
import io.sentinelpager.platform.service.ServiceContext;
import io.sentinelpager.platform.service.StreamsService;

/** Wiring of the syncback service: sync.commands to Graph, results to sync.results. */
public final class SyncbackApp {

    public static final String NAME = "syncback";

    private SyncbackApp() {
    }

    public static Service create(ServiceContext context) {
        GraphWriter writer = new GraphWriter(Connectors.from(context.config()));
        return new StreamsService(NAME, SyncbackTopology.build(context.serdes(), writer, context.clock()), context,
                writer);
    }
}
