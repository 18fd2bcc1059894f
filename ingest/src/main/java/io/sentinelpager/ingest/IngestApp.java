package io.sentinelpager.ingest;

import io.sentinelpager.azure.ConnectorConfig;
import io.sentinelpager.azure.Connectors;
import io.sentinelpager.azure.GraphAlertsClient;
import io.sentinelpager.platform.service.LoopService;
import io.sentinelpager.platform.service.Service;
import io.sentinelpager.platform.service.ServiceContext;
import java.util.ArrayList;
import java.util.List;

/** Wiring of the ingest service: one poller per configured connector, all in one transactional loop. */
public final class IngestApp {

    public static final String NAME = "ingest";

    private IngestApp() {
    }

    public static Service create(ServiceContext context) {
        IngestConfig config = IngestConfig.from(context.config());
        List<ConnectorConfig> connectors = Connectors.from(context.config());
        List<ConnectorPoller> pollers = new ArrayList<>();
        for (ConnectorConfig connector : connectors) {
            pollers.add(new ConnectorPoller(connector.id(), GraphAlertsClient.create(connector), config,
                    new AlertNormalizer(connector.id()), context.clock()));
        }
        return new LoopService(NAME, new IngestLoop(config, pollers, context), config.pollInterval());
    }
}
