package io.sentinelpager.responder;

import io.sentinelpager.platform.config.ConfigKey;
import io.sentinelpager.platform.config.PagerConfig;

/** Settings of the responder service. */
public record ResponderConfig(String host, int port) {

    public static final ConfigKey HOST = ConfigKey.of("responder.host", "127.0.0.1",
            "address the responder API listens on; it has no login yet, so keep it on loopback");
    public static final ConfigKey PORT = ConfigKey.of("responder.port", "8080", "port of the responder API; 0 picks a free one");

    public static ResponderConfig from(PagerConfig config) {
        return new ResponderConfig(config.string(HOST), config.integer(PORT));
    }
}
