package io.sentinelpager.escalate;

import io.sentinelpager.platform.config.ConfigKey;
import io.sentinelpager.platform.config.PagerConfig;

/** Settings of the escalate service. */
public record EscalateConfig(String responderUrl) {

    public static final ConfigKey RESPONDER_URL = ConfigKey.of("escalate.responder.url", "http://localhost:8080",
            "public URL of the responder app, quoted in notifications so the person knows where to act");

    public static EscalateConfig from(PagerConfig config) {
        return new EscalateConfig(config.string(RESPONDER_URL));
    }
}
