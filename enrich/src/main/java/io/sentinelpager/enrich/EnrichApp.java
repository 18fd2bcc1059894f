package io.sentinelpager.enrich;

import io.sentinelpager.platform.service.Service;
import io.sentinelpager.platform.service.ServiceContext;
import io.sentinelpager.platform.service.StreamsService;

/** Wiring of the enrich service: alerts.raw to alerts.enriched. */
public final class EnrichApp {

    public static final String NAME = "enrich";

    private EnrichApp() {
    }

    public static Service create(ServiceContext context) {
        EnrichConfig config = EnrichConfig.from(context.config());
        return new StreamsService(NAME, EnrichTopology.build(context.serdes(), new EvidenceSummary(config), context.clock()),
                context);
    }
}
