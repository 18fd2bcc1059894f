package io.sentinelpager.platform.security;

import io.sentinelpager.platform.config.Secret;
import io.sentinelpager.schemas.ActionType;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Objects;

/**
 * One-click action links ("acknowledge this alert") that notify puts into a message and the responder honours without
 * a login. A link is a token: the action, alert, user, expiry and a random nonce, with an HMAC-SHA256 over all of them
 * under a key only the two services hold. So a link cannot be altered (another alert, another user, a later expiry)
 * without the key and it stops working at its expiry; the responder spends its nonce in a durable ledger, so that
 * it works once.
 *
 * <p>Token: {@code base64url(v1\nACTION\nalertKey\nuserId\nexpiryEpochSeconds\nnonce) "." base64url(hmac)}.
 */
public final class ActionLinks {

    /** Where the responder serves links: {@code <responder url>/act/<token>}. */
    public static final String PATH = "/act/";

    private static final String VERSION = "v1";
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder DECODER = Base64.getUrlDecoder();

    private final Secret key;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();

    public ActionLinks(Secret key, Clock clock) {
        this.key = Objects.requireNonNull(key, "key");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** What a valid link allows: this user may do this action on this alert, once, until {@code expiresAt}. */
    public record Claims(ActionType action, String alertKey, String userId, Instant expiresAt, String nonce) {
    }

    /** A link was refused; the message says why in words safe to show (it never holds the token or the key). */
    public static final class InvalidLinkException extends Exception {
        public InvalidLinkException(String message) {
            super(message);
        }
    }

    public String sign(ActionType action, String alertKey, String userId, Duration validFor) {
        byte[] nonce = new byte[16];
        random.nextBytes(nonce);
        long expiry = clock.instant().plus(validFor).getEpochSecond();
        String payload = String.join("\n", VERSION, action.name(), alertKey, userId, Long.toString(expiry),
                ENCODER.encodeToString(nonce));
        return ENCODER.encodeToString(payload.getBytes(StandardCharsets.UTF_8)) + "."
                + ENCODER.encodeToString(Hmac.of(Hmac.SHA256, key, payload));
    }

    /** The SMS reply codes that go beside these links in a message: keyed by the same setting, under a label of their own. */
    public ReplyCodes replyCodes() {
        return new ReplyCodes(key);
    }

    /** The full URL of a signed link under the responder's base URL. */
    public String url(String responderUrl, ActionType action, String alertKey, String userId, Duration validFor) {
        String base = responderUrl.endsWith("/") ? responderUrl.substring(0, responderUrl.length() - 1) : responderUrl;
        return base + PATH + sign(action, alertKey, userId, validFor);
    }

    /**
     * Checks signature and expiry. It does not spend the nonce: the responder first shows what a link will do (a
     * mail scanner following the link must not act) and spends it when the person confirms.
     */
    public Claims check(String token) throws InvalidLinkException {
        int dot = token == null ? -1 : token.indexOf('.');
        if (dot <= 0 || dot == token.length() - 1) {
            throw new InvalidLinkException("link is malformed");
        }
        String payload;
        byte[] signature;
        try {
            payload = new String(DECODER.decode(token.substring(0, dot)), StandardCharsets.UTF_8);
            signature = DECODER.decode(token.substring(dot + 1));
        } catch (IllegalArgumentException e) {
            throw new InvalidLinkException("link is malformed");
        }
        // Signature first: nothing of an unsigned payload is trusted, not even its version.
        if (!Hmac.same(Hmac.of(Hmac.SHA256, key, payload), signature)) {
            throw new InvalidLinkException("link signature is not valid");
        }
        List<String> parts = List.of(payload.split("\n", -1));
        if (parts.size() != 6 || !VERSION.equals(parts.get(0))) {
            throw new InvalidLinkException("link is malformed");
        }
        ActionType action;
        Instant expiresAt;
        try {
            action = ActionType.valueOf(parts.get(1));
            expiresAt = Instant.ofEpochSecond(Long.parseLong(parts.get(4)));
        } catch (IllegalArgumentException e) {
            throw new InvalidLinkException("link is malformed");
        }
        if (!clock.instant().isBefore(expiresAt)) {
            throw new InvalidLinkException("link expired at " + expiresAt);
        }
        return new Claims(action, parts.get(2), parts.get(3), expiresAt, parts.get(5));
    }
}
