package io.sentinelpager.syncback;

import io.sentinelpager.azure.ConnectorConfig;
import io.sentinelpager.azure.Connectors;
import io.sentinelpager.platform.service.Service;
import io.sentinelpager.platform.service.ServiceContext;
import io.sentinelpager.platform.service.StreamsService;
import java.util.List;

/** Wiring of the syncback service: sync.commands to Graph or Sentinel, results to sync.results. */
public final class SyncbackApp {

    public static final String NAME = "syncback";

    private SyncbackApp() {
    }

    public static Service create(ServiceContext context) {
        List<ConnectorConfig> connectors = Connectors.from(context.config());
        SyncWriter writer = new WritersBySource(new GraphWriter(connectors), new SentinelWriter(connectors));
        return new StreamsService(NAME, SyncbackTopology.build(context.serdes(), writer, context.clock()), context,
                writer);
    }
}
