package io.sentinelpager.escalate;

import io.sentinelpager.platform.config.ConfigKey;
import io.sentinelpager.platform.config.PagerConfig;
import java.time.Duration;
import java.util.List;

/** Settings of the escalate service. */
public record EscalateConfig(String responderUrl, Duration closedRetention) {

    public static final ConfigKey RESPONDER_URL = ConfigKey.of("escalate.responder.url", "http://localhost:8080",
            "public URL of the responder app, quoted in notifications so the person knows where to act");

    public static final ConfigKey CLOSED_RETENTION = ConfigKey.of("escalate.closed.retention", "14d",
            "how long a closed page is kept after its last change; it can be reopened until then, and is then deleted"
                    + " from escalate's stores and tombstoned on alert.state so that the responder forgets it too");

    /** Every setting escalate reads beyond the platform's. */
    public static final List<ConfigKey> KEYS = List.of(RESPONDER_URL, CLOSED_RETENTION);

    public EscalateConfig {
        if (closedRetention.isNegative() || closedRetention.isZero()) {
            throw new IllegalArgumentException(CLOSED_RETENTION.name() + " must be positive, not " + closedRetention);
        }
    }

    /** With the default retention of closed pages. */
    public EscalateConfig(String responderUrl) {
        this(responderUrl, Duration.ofDays(14));
    }

    public static EscalateConfig from(PagerConfig config) {
        return new EscalateConfig(config.string(RESPONDER_URL), config.duration(CLOSED_RETENTION));
    }
}
