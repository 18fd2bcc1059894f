package io.sentinelpager.responder;

import io.sentinelpager.platform.config.Secret;
import io.sentinelpager.platform.service.Service;
import io.sentinelpager.platform.service.ServiceContext;
import io.sentinelpager.platform.service.StreamsService;
import io.sentinelpager.responder.auth.Accounts;
import io.sentinelpager.responder.auth.Sessions;
import java.security.SecureRandom;
import java.util.Base64;
import org.slf4j.LoggerFactory;

/** Wiring of the responder: the alert state view, the app and API on top of it, and the producer of actions. */
public final class ResponderApp {

    public static final String NAME = "responder";

    private ResponderApp() {
    }

    public static Service create(ServiceContext context) {
        ResponderConfig config = ResponderConfig.from(context.config());
        Accounts accounts = Accounts.load(config.accountsFile());
        LiveUpdates live = new LiveUpdates();
        StreamsService view = new StreamsService(NAME,
                ResponderTopology.build(context.serdes(), live::publish, live::azureChanged), context);
        Sessions sessions = new Sessions(sessionKey(config), config.sessionTtl(), context.clock());
        return new ResponderService(view, new ActionPublisher(context), live, config, accounts, sessions,
                context.clock(), new PushSubscriptionsApi(context, view), new RecordPublisher(context));
    }

    private static Secret sessionKey(ResponderConfig config) {
        if (config.sessionKey().isPresent()) {
            return config.sessionKey().get();
        }
        LoggerFactory.getLogger(ResponderApp.class).warn("{} is not set: sessions are signed with a random key and end"
                + " when the responder restarts", ResponderConfig.SESSION_KEY.name());
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return Secret.of(Base64.getEncoder().encodeToString(key));
    }
}
