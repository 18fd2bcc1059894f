package io.sentinelpager.responder;

import io.sentinelpager.platform.service.Service;
import io.sentinelpager.platform.service.ServiceContext;
import io.sentinelpager.platform.service.StreamsService;

/** Wiring of the responder: the alert state view, the HTTP API on top of it, and the producer of actions. */
public final class ResponderApp {

    public static final String NAME = "responder";

    private ResponderApp() {
    }

    public static Service create(ServiceContext context) {
        ResponderConfig config = ResponderConfig.from(context.config());
        StreamsService view = new StreamsService(NAME, ResponderTopology.build(context.serdes()), context);
        return new ResponderService(view, new ActionPublisher(context), config, context.clock());
    }
}
