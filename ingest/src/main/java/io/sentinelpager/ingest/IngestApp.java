package io.sentinelpager.ingest;

import io.sentinelpager.azure.Connectors;
import io.sentinelpager.platform.service.LoopService;
import io.sentinelpager.platform.service.Service;
import io.sentinelpager.platform.service.ServiceContext;
import java.time.Duration;

/**
 * Wiring of the ingest service: the configured connectors, of which this instance polls those its consumer group
 * assigns it, in one loop.
 */
public final class IngestApp {

    public static final String NAME = "ingest";
    /** After a failed cycle (the broker unreachable), the next try comes this soon, or at the poll interval. */
    private static final Duration MAX_ERROR_PAUSE = Duration.ofSeconds(5);

    private IngestApp() {
    }

    public static Service create(ServiceContext context) {
        IngestConfig config = IngestConfig.from(context.config());
        IngestLoop loop = new IngestLoop(config, ConnectorSettings.all(context.config(), config),
                Connectors.from(context.config()), context);
        Duration errorPause = config.pollInterval().compareTo(MAX_ERROR_PAUSE) < 0 ? config.pollInterval()
                : MAX_ERROR_PAUSE;
        return new LoopService(NAME, loop, errorPause, context.platform().stallTimeout());
    }
}
