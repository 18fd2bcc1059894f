package io.sentinelpager.reports;

import io.sentinelpager.platform.service.Service;
import io.sentinelpager.platform.service.ServiceContext;
import io.sentinelpager.platform.service.StreamsService;

/** Wiring of the reports service: alert.state to the reports.* topics. */
public final class ReportsApp {

    public static final String NAME = "reports";

    private ReportsApp() {
    }

    public static Service create(ServiceContext context) {
        ReportsConfig config = ReportsConfig.from(context.config());
        return new StreamsService(NAME, ReportsTopology.build(context.serdes(), config.night(), context.clock()),
                context);
    }
}
