package io.sentinelpager.escalate;

import io.sentinelpager.platform.config.ConfigException;
import io.sentinelpager.platform.config.ConfigKey;
import io.sentinelpager.platform.config.PagerConfig;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/** Settings of the escalate service. */
public record EscalateConfig(String responderUrl, Duration closedRetention, Optional<String> fallbackUser) {

    public static final ConfigKey RESPONDER_URL = ConfigKey.of("escalate.responder.url", "http://localhost:8080",
            "public URL of the responder app, quoted in notifications so the person knows where to act");

    public static final ConfigKey CLOSED_RETENTION = ConfigKey.of("escalate.closed.retention", "14d",
            "how long a closed page is kept after its last change; it can be reopened until then, and is then deleted"
                    + " from escalate's stores and tombstoned on alert.state so that the responder forgets it too");

    public static final ConfigKey FALLBACK_USER = ConfigKey.of("escalate.fallback.user", "",
            "on-call user id paged while a page is held because the team, escalation chain or schedule it needs is"
                    + " not configured (before the first pager apply, or after a team was deleted); make it a"
                    + " responder admin, who can act on a page of any team; empty: nobody, the page only waits");

    /** Every setting escalate reads beyond the platform's. */
    public static final List<ConfigKey> KEYS = List.of(RESPONDER_URL, CLOSED_RETENTION, FALLBACK_USER);

    /** An on-call user id, as pager validate accepts it in the config files. */
    private static final Pattern USER_ID = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");

    public EscalateConfig {
        if (closedRetention.isNegative() || closedRetention.isZero()) {
            throw new IllegalArgumentException(CLOSED_RETENTION.name() + " must be positive, not " + closedRetention);
        }
        // A fallback that could never match a user in the config files would page an inbox nobody reads.
        fallbackUser.filter(u -> !USER_ID.matcher(u).matches()).ifPresent(u -> {
            throw new ConfigException("setting " + FALLBACK_USER.name() + " must be an on-call user id (1-64 lower-case"
                    + " letters, digits, '.', '_' or '-', as in the users file), was '" + u + "'");
        });
    }

    /** With the default retention of closed pages and no fallback user. */
    public EscalateConfig(String responderUrl) {
        this(responderUrl, Duration.ofDays(14), Optional.empty());
    }

    public static EscalateConfig from(PagerConfig config) {
        String fallback = config.string(FALLBACK_USER);
        return new EscalateConfig(config.string(RESPONDER_URL), config.duration(CLOSED_RETENTION),
                fallback.isBlank() ? Optional.empty() : Optional.of(fallback));
    }
}
