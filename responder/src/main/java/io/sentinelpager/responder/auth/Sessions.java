package io.sentinelpager.responder.auth;

import io.sentinelpager.platform.config.Secret;
import io.sentinelpager.platform.security.Hmac;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;

/**
 * Session tokens signed with HMAC-SHA256: {@code base64url(user|expiry|nonce).base64url(mac)}. Signed rather than
 * stored, so any responder instance sharing the key accepts them and a restart keeps people logged in. The CSRF
 * token is a second MAC over the same session, so it cannot be made without the key and is bound to one session.
 * Whether a session was ended before its expiry (a logout, the person deleted) is for the responder to know: this
 * class only tells a session from a forgery and an expired one.
 */
public final class Sessions {

    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Secret key;
    private final Duration ttl;
    private final Clock clock;

    /** A session as its token says, once its MAC is checked: whose, until when, and its nonce, unique to it. */
    public record Session(String user, Instant expiresAt, String nonce) {
    }

    public Sessions(Secret key, Duration ttl, Clock clock) {
        if (key.reveal().length() < 32) {
            throw new IllegalArgumentException("the session key must have at least 32 characters");
        }
        this.key = key;
        this.ttl = ttl;
        this.clock = clock;
    }

    /** A session that is valid for the user until now + ttl. */
    public String open(String user) {
        byte[] nonce = new byte[16];
        RANDOM.nextBytes(nonce);
        String payload = user + "|" + clock.instant().plus(ttl).getEpochSecond() + "|" + B64.encodeToString(nonce);
        String encoded = B64.encodeToString(payload.getBytes(StandardCharsets.UTF_8));
        return encoded + "." + B64.encodeToString(mac("session|" + encoded));
    }

    /** The session of a genuine token, while it has not expired. */
    public Optional<Session> session(String token) {
        return verified(token).filter(this::unexpired);
    }

    /** Whether the session is still within its time, by the clock: also for one checked a while ago. */
    public boolean unexpired(Session session) {
        return session.expiresAt().isAfter(clock.instant());
    }

    public String csrfToken(String token) {
        return B64.encodeToString(mac("csrf|" + token));
    }

    public boolean csrfMatches(String token, String csrf) {
        return csrf != null && Hmac.same(csrfToken(token).getBytes(StandardCharsets.US_ASCII),
                csrf.getBytes(StandardCharsets.US_ASCII));
    }

    /** The signing key, also for the short-lived cookie of a sign-in with an identity provider. */
    public Secret key() {
        return key;
    }

    public Duration ttl() {
        return ttl;
    }

    private Optional<Session> verified(String token) {
        if (token == null) {
            return Optional.empty();
        }
        int dot = token.indexOf('.');
        if (dot <= 0) {
            return Optional.empty();
        }
        String encoded = token.substring(0, dot);
        byte[] given;
        try {
            given = Base64.getUrlDecoder().decode(token.substring(dot + 1));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        if (!Hmac.same(mac("session|" + encoded), given)) {
            return Optional.empty();
        }
        String[] parts = new String(Base64.getUrlDecoder().decode(encoded), StandardCharsets.UTF_8).split("\\|");
        if (parts.length != 3) {
            return Optional.empty();
        }
        return Optional.of(new Session(parts[0], Instant.ofEpochSecond(Long.parseLong(parts[1])), parts[2]));
    }

    private byte[] mac(String data) {
        return Hmac.of(Hmac.SHA256, key, data);
    }
}
