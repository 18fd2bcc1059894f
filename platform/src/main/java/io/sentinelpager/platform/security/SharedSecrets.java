package io.sentinelpager.platform.security;

import io.sentinelpager.platform.config.ConfigException;
import io.sentinelpager.platform.config.ConfigKey;
import io.sentinelpager.platform.config.PagerConfig;
import io.sentinelpager.platform.config.Secret;
import java.util.Optional;

/**
 * Secrets two services must hold alike: notify signs what the responder verifies, and opens what the responder seals
 * ({@link PushSubscriptionSeal}). One key name each, so a deployment sets it once for both (environment
 * PAGER_LINKS_KEY, PAGER_TWILIO_AUTH_TOKEN).
 */
public final class SharedSecrets {

    public static final ConfigKey LINKS_KEY = ConfigKey.secret("links.key",
            "key of the HMAC that signs one-click action links and keys SMS reply codes (notify signs, the"
                    + " responder verifies); 32 characters or more, e.g. `openssl rand -base64 32`. Without it,"
                    + " messages carry no one-click links and no SMS reply codes. Web Push needs it too: the"
                    + " phones' push subscriptions are sealed on push.subscriptions with a key derived from it, so"
                    + " changing it makes every phone turn push on again");
    public static final ConfigKey TWILIO_AUTH_TOKEN = ConfigKey.secret("twilio.auth.token",
            "Twilio auth token: notify authenticates to Twilio with it, the responder checks Twilio's signature on"
                    + " SMS replies with it");

    /** Shorter keys are refused: a link or a reply code is only as hard to forge as this key is to guess. */
    public static final int LINKS_KEY_MIN_CHARS = 32;

    private SharedSecrets() {
    }

    /**
     * The links key, when set.
     *
     * @throws ConfigException naming the setting when it is shorter than {@link #LINKS_KEY_MIN_CHARS}
     */
    public static Optional<Secret> linksKey(PagerConfig config) {
        Optional<Secret> key = config.optional(LINKS_KEY).map(Secret::of);
        if (key.isPresent() && key.get().reveal().length() < LINKS_KEY_MIN_CHARS) {
            throw new ConfigException("setting " + LINKS_KEY.name() + " must have at least " + LINKS_KEY_MIN_CHARS
                    + " characters; make one with `openssl rand -base64 32`");
        }
        return key;
    }
}
