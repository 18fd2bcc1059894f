package io.sentinelpager.responder;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The Set-Cookie headers, byte for byte as the responder sent them before they had one helper. */
class CookiesTest {

    @Test
    void theSessionCookieIsHttpOnlyStrictOnEveryPathAndSecureUnlessServedOverPlainHttp() {
        assertThat(new Cookies(true).header(Cookies.SESSION, "s.sig", Duration.ofHours(12)))
                .isEqualTo("pager_session=s.sig; Path=/; Max-Age=43200; HttpOnly; SameSite=Strict; Secure");
        assertThat(new Cookies(false).header(Cookies.SESSION, "s.sig", Duration.ofHours(12)))
                .isEqualTo("pager_session=s.sig; Path=/; Max-Age=43200; HttpOnly; SameSite=Strict");
        assertThat(new Cookies(true).header(Cookies.SESSION, "", Duration.ZERO))
                .as("logout").isEqualTo("pager_session=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict; Secure");
    }

    @Test
    void theOidcCookieIsHttpOnlyLaxAndOnlyForTheSignInPaths() {
        assertThat(new Cookies(true).header(Cookies.OIDC, "p.mac", Duration.ofMinutes(10)))
                .isEqualTo("pager_oidc=p.mac; Path=/auth/oidc; Max-Age=600; HttpOnly; SameSite=Lax; Secure");
        assertThat(new Cookies(false).header(Cookies.OIDC, "", Duration.ZERO))
                .as("cleared after the sign-in").isEqualTo("pager_oidc=; Path=/auth/oidc; Max-Age=0; HttpOnly; SameSite=Lax");
    }
}
