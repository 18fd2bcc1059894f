package io.sentinelpager.syncback;

import io.sentinelpager.azure.ConnectorConfig;
import io.sentinelpager.azure.Connectors;
import io.sentinelpager.platform.service.Service;
import io.sentinelpager.platform.service.ServiceContext;
import io.sentinelpager.platform.service.StreamsService;
import java.util.List;

/** Wiring of the syncback service: sync.commands to Graph or Sentinel, outcomes to sync.results and sync.state. */
public final class SyncbackApp {

    public static final String NAME = "syncback";

    private SyncbackApp() {
    }

    public static Service create(ServiceContext context) {
        SyncbackConfig config = SyncbackConfig.from(context.config());
        List<ConnectorConfig> connectors = Connectors.from(context.config());
        ConnectorLanes lanes = new ConnectorLanes(
                new WritersBySource(new GraphWriter(connectors), new SentinelWriter(connectors)),
                config.callsPerConnector());
        return new StreamsService(NAME, SyncbackTopology.build(context.serdes(), lanes, config,
                new SyncMetrics(context.metrics()), context.clock()), context, lanes);
    }
}
