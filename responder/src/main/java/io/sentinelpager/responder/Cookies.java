package io.sentinelpager.responder;

import io.javalin.http.Context;
import io.sentinelpager.responder.auth.OidcLogin;
import java.time.Duration;

/**
 * The responder's two cookies, each always sent with the same attributes, so that setting and clearing one cannot
 * drift apart. Both are HttpOnly (no script reads them), and Secure unless the responder is served over plain HTTP
 * for a local demo.
 */
final class Cookies {

    /** Strict: no other site's page can make the browser send the session. */
    static final Cookie SESSION = new Cookie("pager_session", "/", "Strict");
    /**
     * The OIDC sign-in's state, only for {@code /auth/oidc}. Lax, not Strict: the browser must send it on the identity
     * provider's redirect back, a cross-site navigation.
     */
    static final Cookie OIDC = new Cookie(OidcLogin.COOKIE, "/auth/oidc", "Lax");

    record Cookie(String name, String path, String sameSite) {
    }

    private final boolean secure;

    Cookies(boolean secure) {
        this.secure = secure;
    }

    /** Added, not replacing: a sign-in sets the session and clears the OIDC cookie in one answer. */
    void set(Context ctx, Cookie cookie, String value, Duration maxAge) {
        ctx.res().addHeader("Set-Cookie", header(cookie, value, maxAge));
    }

    void clear(Context ctx, Cookie cookie) {
        set(ctx, cookie, "", Duration.ZERO);
    }

    String header(Cookie cookie, String value, Duration maxAge) {
        return cookie.name() + "=" + value + "; Path=" + cookie.path() + "; Max-Age=" + maxAge.toSeconds()
                + "; HttpOnly; SameSite=" + cookie.sameSite() + (secure ? "; Secure" : "");
    }
}
