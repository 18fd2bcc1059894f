package io.sentinelpager.azure;

import com.azure.core.credential.AccessToken;
import com.azure.core.credential.TokenCredential;
import com.azure.core.credential.TokenRequestContext;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Hands out one access token per scope until it is due for renewal, in front of azure-identity's
 * credential, so a connector asks Entra ID for a token about once an hour per scope and not once per call.
 *
 * <p>Why not leave it to the SDK: MSAL4J (1.23.1) stores a client-credentials token under the
 * authority's host but looks it up under host and port, so with an authority URL that names a port
 * (the emulator, a proxy, {@code https://login.microsoftonline.com:443/}) its cache never hits
 * (AzureAD/microsoft-authentication-library-for-java#529). The Graph SDK's auth provider asks the
 * credential on every request, so each Graph call then cost a token request. azure-core's bearer
 * policy (Log Analytics, ARM) caches on its own; this layer is a cheap hit beneath it.
 *
 * <p>A token is renewed at Entra's {@code refresh_in} if it sent one, else five minutes before it
 * expires (half its lifetime for a token shorter than ten minutes). Renewal is decided on the
 * injected clock; the SDK dates tokens by the system clock, so the remaining lifetime is carried
 * over at the moment the token arrives. If renewal fails while the old token is still valid, the old
 * token is used: an Entra outage then costs nothing until the token really expires.
 */
final class CachingTokenCredential implements TokenCredential {

    private static final Logger LOG = LoggerFactory.getLogger(CachingTokenCredential.class);
    private static final Duration RENEW_BEFORE_EXPIRY = Duration.ofMinutes(5);

    private final TokenCredential delegate;
    private final Clock clock;
    private final Map<Key, Slot> slots = new ConcurrentHashMap<>();

    /** What makes two token requests interchangeable. */
    private record Key(List<String> scopes, String tenantId, boolean cae) {
        static Key of(TokenRequestContext request) {
            return new Key(request.getScopes().stream().sorted().toList(), request.getTenantId(), request.isCaeEnabled());
        }
    }

    /** One scope's token; its monitor serializes renewal, so concurrent callers wait for one token request. */
    private static final class Slot {
        private AccessToken token;
        private Instant renewAt;
        private Instant expiresAt;
    }

    CachingTokenCredential(TokenCredential delegate, Clock clock) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public Mono<AccessToken> getToken(TokenRequestContext request) {
        return Mono.fromCallable(() -> getTokenSync(request)).subscribeOn(Schedulers.boundedElastic());
    }

    @Override
    public AccessToken getTokenSync(TokenRequestContext request) {
        if (request.getClaims() != null) {
            // A claims challenge (continuous access evaluation) demands a new token with those claims.
            return delegate.getTokenSync(request);
        }
        Slot slot = slots.computeIfAbsent(Key.of(request), key -> new Slot());
        synchronized (slot) {
            Instant now = clock.instant();
            if (slot.token != null && now.isBefore(slot.renewAt)) {
                return slot.token;
            }
            try {
                AccessToken fresh = delegate.getTokenSync(request);
                store(slot, fresh, now);
                return fresh;
            } catch (RuntimeException e) {
                if (slot.token != null && now.isBefore(slot.expiresAt)) {
                    // The failure's class only: its message is the caller's to classify and redact.
                    LOG.warn("renewing the access token for {} failed ({}); the current one is valid until {}",
                            request.getScopes(), e.getClass().getSimpleName(), slot.expiresAt);
                    return slot.token;
                }
                throw e;
            }
        }
    }

    private void store(Slot slot, AccessToken token, Instant now) {
        Instant systemNow = Instant.now();
        Duration lifetime = Duration.between(systemNow, token.getExpiresAt().toInstant());
        Duration renewIn = lifetime.minus(min(RENEW_BEFORE_EXPIRY, lifetime.dividedBy(2)));
        // MSAL reports "no refresh_in" as the epoch, not as null: only a time within the lifetime counts.
        if (token.getRefreshAt() != null) {
            Duration refreshIn = Duration.between(systemNow, token.getRefreshAt().toInstant());
            if (refreshIn.compareTo(Duration.ZERO) > 0 && refreshIn.compareTo(lifetime) < 0) {
                renewIn = refreshIn;
            }
        }
        slot.token = token;
        slot.expiresAt = now.plus(lifetime);
        slot.renewAt = now.plus(renewIn);
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
