package io.sentinelpager.platform.security;

import io.sentinelpager.platform.config.Secret;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.TreeMap;

/**
 * Twilio's request signature ({@code X-Twilio-Signature}): base64 of HMAC-SHA1, keyed with the account's auth token,
 * over the full request URL followed by each POST parameter name and value, sorted by name. The responder verifies
 * inbound SMS webhooks with it; the Twilio emulator signs with it, so both sides use this one implementation.
 */
public final class TwilioSignature {

    public static final String HEADER = "X-Twilio-Signature";

    private TwilioSignature() {
    }

    public static String compute(Secret authToken, String url, Map<String, String> params) {
        StringBuilder data = new StringBuilder(url);
        new TreeMap<>(params).forEach((name, value) -> data.append(name).append(value));
        return Base64.getEncoder().encodeToString(Hmac.of(Hmac.SHA1, authToken, data.toString()));
    }

    public static boolean valid(Secret authToken, String url, Map<String, String> params, String signature) {
        return signature != null && Hmac.same(compute(authToken, url, params).getBytes(StandardCharsets.US_ASCII),
                signature.getBytes(StandardCharsets.US_ASCII));
    }
}
