package io.sentinelpager.policy;

import io.sentinelpager.platform.service.Service;
import io.sentinelpager.platform.service.ServiceContext;
import io.sentinelpager.platform.service.StreamsService;

/** Wiring of the policy service: alerts.enriched to alerts.routed. */
public final class PolicyApp {

    public static final String NAME = "policy";

    private PolicyApp() {
    }

    public static Service create(ServiceContext context) {
        PolicyServiceConfig config = PolicyServiceConfig.from(context.config());
        return new StreamsService(NAME, PolicyTopology.build(context.serdes(), new DefaultRoute(config),
                config.decisionRetention(), context.clock()), context);
    }
}
