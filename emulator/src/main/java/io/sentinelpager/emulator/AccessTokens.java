package io.sentinelpager.emulator;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Access tokens the emulated token endpoint has issued, remembered until they expire. Tokens are
 * opaque random strings: a client must treat a real Entra token as opaque too, and the resource
 * server (the emulated Graph) looks them up here instead of validating a signature.
 */
final class AccessTokens {

    enum Check { VALID, MISSING, UNKNOWN, EXPIRED, WRONG_AUDIENCE }

    record Issued(String token, String clientId, String audience, Instant expiresAt) {
    }

    private final Clock clock;
    private final Duration lifetime;
    private final SecureRandom random = new SecureRandom();
    private final Map<String, Issued> issued = new ConcurrentHashMap<>();

    AccessTokens(Clock clock, Duration lifetime) {
        this.clock = clock;
        this.lifetime = lifetime;
    }

    Issued issue(String clientId, String audience) {
        Instant now = clock.instant();
        // Forget expired tokens here so a long demo run does not accumulate them.
        issued.values().removeIf(token -> !token.expiresAt().isAfter(now));
        byte[] bytes = new byte[48];
        random.nextBytes(bytes);
        Issued token = new Issued(Base64.getUrlEncoder().withoutPadding().encodeToString(bytes),
                clientId, audience, now.plus(lifetime));
        issued.put(token.token(), token);
        IssuedCredentials.accessToken(token.token());
        return token;
    }

    /** Every token issued and not yet forgotten. */
    List<String> all() {
        return List.copyOf(issued.keySet());
    }

    Duration lifetime() {
        return lifetime;
    }

    /** Checks an {@code Authorization} header value meant for a resource known by any of {@code audiences}. */
    Check check(String authorization, Collection<String> audiences) {
        if (bearer(authorization).isEmpty()) {
            return Check.MISSING;
        }
        Issued token = issued(authorization).orElse(null);
        if (token == null) {
            return Check.UNKNOWN;
        }
        if (!token.expiresAt().isAfter(clock.instant())) {
            return Check.EXPIRED;
        }
        return audiences.contains(token.audience()) ? Check.VALID : Check.WRONG_AUDIENCE;
    }

    /** The token that an {@code Authorization} header value presents, if the emulated Entra ID issued it. */
    Optional<Issued> issued(String authorization) {
        return bearer(authorization).map(issued::get);
    }

    private static Optional<String> bearer(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)
                || authorization.substring(7).isBlank()) {
            return Optional.empty();
        }
        return Optional.of(authorization.substring(7).trim());
    }
}
