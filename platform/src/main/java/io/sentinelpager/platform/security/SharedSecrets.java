package io.sentinelpager.platform.security;

import io.sentinelpager.platform.config.ConfigKey;

/**
 * Secrets two services must hold alike: notify signs what the responder verifies, and opens what the responder seals
 * ({@link PushSubscriptionSeal}). One key name each, so a deployment sets it once for both (environment
 * PAGER_LINKS_KEY, PAGER_TWILIO_AUTH_TOKEN).
 */
public final class SharedSecrets {

    public static final ConfigKey LINKS_KEY = ConfigKey.secret("links.key",
            "key of the HMAC that signs one-click action links (notify signs, the responder verifies); 32 random"
                    + " bytes or more. Without it, messages carry no one-click links. Web Push needs it too: the"
                    + " phones' push subscriptions are sealed on push.subscriptions with a key derived from it, so"
                    + " changing it makes every phone turn push on again");
    public static final ConfigKey TWILIO_AUTH_TOKEN = ConfigKey.secret("twilio.auth.token",
            "Twilio auth token: notify authenticates to Twilio with it, the responder checks Twilio's signature on"
                    + " SMS replies with it");

    private SharedSecrets() {
    }
}
