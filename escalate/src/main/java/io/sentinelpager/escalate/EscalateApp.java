package io.sentinelpager.escalate;

import io.sentinelpager.platform.service.Service;
import io.sentinelpager.platform.service.ServiceContext;
import io.sentinelpager.platform.service.StreamsService;

/** Wiring of the escalate service: routed alerts, actions and receipts in; state, notifications and sync out. */
public final class EscalateApp {

    public static final String NAME = "escalate";

    private EscalateApp() {
    }

    public static Service create(ServiceContext context) {
        EscalateConfig config = EscalateConfig.from(context.config());
        return new StreamsService(NAME, EscalateTopology.build(context, config), context);
    }
}
