package io.sentinelpager.azure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.azure.core.credential.AccessToken;
import com.azure.core.credential.TokenCredential;
import com.azure.core.credential.TokenRequestContext;
import io.sentinelpager.testkit.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

/** When {@link CachingTokenCredential} reuses a token and when it asks the credential beneath for a new one. */
class CachingTokenCredentialTest {

    private static final TokenRequestContext GRAPH = new TokenRequestContext()
            .addScopes("https://graph.microsoft.com/.default");
    private static final TokenRequestContext ARM = new TokenRequestContext()
            .addScopes("https://management.azure.com/.default");

    private final MutableClock clock = new MutableClock(Instant.parse("2026-05-05T10:00:00Z"));
    /** Stands in for Entra ID: issues numbered tokens of the given lifetime, dated by the system clock as MSAL does. */
    private final Issuer entra = new Issuer();
    private final CachingTokenCredential credential = new CachingTokenCredential(entra, clock);

    @Test
    void reusesATokenPerScopeUntilFiveMinutesBeforeItExpires() {
        entra.lifetime = Duration.ofHours(1);
        AccessToken first = credential.getTokenSync(GRAPH);
        assertThat(credential.getTokenSync(GRAPH)).isSameAs(first);
        AccessToken arm = credential.getTokenSync(ARM);
        assertThat(arm).isNotSameAs(first);

        clock.advance(Duration.ofMinutes(54));
        assertThat(credential.getTokenSync(GRAPH)).isSameAs(first);
        clock.advance(Duration.ofMinutes(2));
        assertThat(credential.getTokenSync(GRAPH)).isNotSameAs(first);
        assertThat(entra.requests).containsExactly("graph", "management", "graph");
    }

    @Test
    void aShortLivedTokenIsRenewedAtHalfItsLifeNotOnEveryCall() {
        entra.lifetime = Duration.ofMinutes(4);
        AccessToken first = credential.getTokenSync(GRAPH);
        clock.advance(Duration.ofSeconds(110));
        assertThat(credential.getTokenSync(GRAPH)).isSameAs(first);
        clock.advance(Duration.ofSeconds(20));
        assertThat(credential.getTokenSync(GRAPH)).isNotSameAs(first);
        assertThat(entra.requests).hasSize(2);
    }

    @Test
    void entrasRefreshInDecidesWhenItIsSent() {
        entra.lifetime = Duration.ofHours(24);
        entra.refreshIn = Duration.ofHours(12);
        AccessToken first = credential.getTokenSync(GRAPH);
        clock.advance(Duration.ofHours(11));
        assertThat(credential.getTokenSync(GRAPH)).isSameAs(first);
        clock.advance(Duration.ofHours(1).plusSeconds(1));
        assertThat(credential.getTokenSync(GRAPH)).isNotSameAs(first);
    }

    @Test
    void aRefreshTimeOutsideTheLifetimeIsIgnored() {
        entra.lifetime = Duration.ofHours(1);
        entra.refreshAt = OffsetDateTime.parse("1970-01-01T00:00:00Z");
        AccessToken first = credential.getTokenSync(GRAPH);
        assertThat(credential.getTokenSync(GRAPH)).isSameAs(first);
    }

    @Test
    void aFailedRenewalKeepsTheValidTokenButNotAnExpiredOne() {
        entra.lifetime = Duration.ofHours(1);
        AccessToken first = credential.getTokenSync(GRAPH);
        entra.failing = true;
        clock.advance(Duration.ofMinutes(58));
        assertThat(credential.getTokenSync(GRAPH)).isSameAs(first);
        clock.advance(Duration.ofMinutes(3));
        assertThatThrownBy(() -> credential.getTokenSync(GRAPH)).hasMessage("AADSTS90033");
        assertThat(entra.requests).hasSize(3);
    }

    @Test
    void aClaimsChallengeAlwaysGetsANewToken() {
        entra.lifetime = Duration.ofHours(1);
        credential.getTokenSync(GRAPH);
        TokenRequestContext challenged = new TokenRequestContext().addScopes("https://graph.microsoft.com/.default")
                .setClaims("{\"access_token\":{\"nbf\":{\"essential\":true}}}");
        credential.getTokenSync(challenged);
        credential.getTokenSync(challenged);
        assertThat(entra.requests).hasSize(3);
    }

    @Test
    void theAsynchronousPathSharesTheCache() {
        entra.lifetime = Duration.ofHours(1);
        AccessToken first = credential.getTokenSync(GRAPH);
        assertThat(credential.getToken(GRAPH).block(Duration.ofSeconds(5))).isSameAs(first);
    }

    private static final class Issuer implements TokenCredential {
        Duration lifetime;
        Duration refreshIn;
        OffsetDateTime refreshAt;
        boolean failing;
        final List<String> requests = new ArrayList<>();

        @Override
        public Mono<AccessToken> getToken(TokenRequestContext request) {
            return Mono.fromSupplier(() -> getTokenSync(request));
        }

        @Override
        public synchronized AccessToken getTokenSync(TokenRequestContext request) {
            requests.add(request.getScopes().get(0).replaceAll("https://(\\w+)\\..*", "$1"));
            if (failing) {
                throw new IllegalStateException("AADSTS90033");
            }
            OffsetDateTime now = OffsetDateTime.now();
            if (refreshAt != null) {
                return new AccessToken("token-" + requests.size(), now.plus(lifetime), refreshAt);
            }
            return refreshIn == null
                    ? new AccessToken("token-" + requests.size(), now.plus(lifetime))
                    : new AccessToken("token-" + requests.size(), now.plus(lifetime), now.plus(refreshIn));
        }
    }
}
