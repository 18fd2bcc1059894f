package io.sentinelpager.notify;

import io.sentinelpager.platform.service.Service;
import io.sentinelpager.platform.service.ServiceContext;
import io.sentinelpager.platform.service.StreamsService;

/** Wiring of the notify service: notifications.out to people, receipts to notifications.receipts. */
public final class NotifyApp {

    public static final String NAME = "notify";

    private NotifyApp() {
    }

    public static Service create(ServiceContext context) {
        NotifyConfig config = NotifyConfig.from(context.config());
        return new StreamsService(NAME, NotifyTopology.build(context.serdes(), new InboxChannel(config.inboxDir()),
                context.clock()), context);
    }
}
