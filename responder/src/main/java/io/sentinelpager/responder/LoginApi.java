package io.sentinelpager.responder;

import io.javalin.apibuilder.ApiBuilder;
import io.javalin.http.Context;
import io.javalin.http.ForbiddenResponse;
import io.javalin.http.HandlerType;
import io.javalin.http.HttpResponseException;
import io.javalin.http.HttpStatus;
import io.javalin.http.NotFoundResponse;
import io.javalin.http.UnauthorizedResponse;
import io.sentinelpager.responder.auth.Accounts;
import io.sentinelpager.responder.auth.LoginGuard;
import io.sentinelpager.responder.auth.OidcLogin;
import io.sentinelpager.responder.auth.PasswordChecks;
import io.sentinelpager.responder.auth.Passwords;
import io.sentinelpager.responder.auth.Sessions;
import io.sentinelpager.schemas.RecordLimits;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who may call /api, and how they come to: local accounts (password, with an address backed off after repeated failures
 * on an account, {@link LoginGuard}), sign-in
 * with Entra ID, or an API token. A login opens a session cookie ({@link Cookies#SESSION}) whose changes need the
 * session's CSRF token; logout revokes it on every instance ({@link RevokedSessions}). Only users of the on-call
 * configuration have sessions: one deleted from it is refused from its next request. Every /api route but login and
 * the OpenAPI document goes through {@link #authenticate}, which names the {@link Principal}.
 */
final class LoginApi {

    static final String CSRF_HEADER = "X-CSRF-Token";
    private static final Logger AUDIT = LoggerFactory.getLogger("io.sentinelpager.responder.audit");
    /** Checked when the account does not exist, so a wrong name costs as long as a wrong password. */
    private static final String NO_SUCH_ACCOUNT = Passwords.hash("no such account".toCharArray());
    /** How long a browser has to come back from the identity provider. */
    private static final Duration OIDC_COOKIE_AGE = Duration.ofMinutes(10);

    private final ResponderConfig config;
    private final Accounts accounts;
    private final Sessions sessions;
    private final RevokedSessions revoked;
    private final LoginGuard guard;
    /** One check per core at most: logins may slow each other down, never the alerts. */
    private final PasswordChecks checks = new PasswordChecks(Runtime.getRuntime().availableProcessors());
    private final Cookies cookies;
    private final StateView state;
    private final Supplier<String> publicUrl;
    private final Clock clock;
    private OidcLogin oidcLogin;

    LoginApi(ResponderConfig config, Accounts accounts, Sessions sessions, RevokedSessions revoked, StateView state,
             Supplier<String> publicUrl, Clock clock) {
        this.config = config;
        this.accounts = accounts;
        this.sessions = sessions;
        this.revoked = revoked;
        this.guard = new LoginGuard(config.maxFailedLogins(), config.failedLoginWindow(), config.lockout(), clock);
        this.cookies = new Cookies(config.secureCookies());
        this.state = state;
        this.publicUrl = publicUrl;
        this.clock = clock;
    }

    /** The routes, for Javalin's {@code router.apiBuilder}. */
    void routes() {
        ApiBuilder.post("/api/login", this::login);
        ApiBuilder.get("/api/login/options", ctx -> ctx.json(Map.of("local", true, "oidc", config.oidc().isPresent())));
        ApiBuilder.get("/auth/oidc/login", this::oidcStart);
        ApiBuilder.get("/auth/oidc/callback", this::oidcFinish);
        ApiBuilder.post("/api/logout", this::logout);
        ApiBuilder.get("/api/me", ctx -> ctx.json(me(ctx, Principal.of(ctx))));
    }

    /** A before-handler for /api/*: names the caller, or refuses with 401 (no credentials) or 403 (no CSRF token). */
    void authenticate(Context ctx) {
        String path = ctx.path();
        if (path.equals("/api/login") || path.equals("/api/login/options") || path.equals("/api/openapi.json")) {
            return;
        }
        String authorization = ctx.header("Authorization");
        if (authorization != null && authorization.startsWith("Bearer ")) {
            Accounts.Token token = accounts.token(authorization.substring(7).trim())
                    .orElseThrow(() -> new UnauthorizedResponse("unknown or revoked API token"));
            new Principal(token.user(), accounts.isAdmin(token.user()), null).attachTo(ctx);
            return;
        }
        String token = ctx.cookie(Cookies.SESSION.name());
        Sessions.Session session = sessions.session(token).filter(this::live)
                .orElseThrow(() -> new UnauthorizedResponse("log in first: POST /api/login, or send an API token"));
        if (ctx.method() != HandlerType.GET && !sessions.csrfMatches(token, ctx.header(CSRF_HEADER))) {
            throw new ForbiddenResponse("missing or wrong " + CSRF_HEADER + " header; the app gets it from /api/me");
        }
        new Principal(session.user(), accounts.isAdmin(session.user()), session).attachTo(ctx);
    }

    /**
     * Whether the caller would still be let in: a live stream asks this while it stays open, so that a session ended
     * since it was opened (expired, logged out on any instance, its person deleted) ends the stream too.
     */
    boolean stillAllowed(Principal who) {
        return who.viaToken() || live(who.session());
    }

    private boolean live(Sessions.Session session) {
        return sessions.unexpired(session) && !revoked.revoked(session) && state.isOnCallUser(session.user());
    }

    private void login(Context ctx) {
        requireJsonFromOwnOrigin(ctx);
        LoginRequest body = JsonBodies.parse(ctx, LoginRequest.class, "{\"user\":\"analyst\",\"password\":\"…\"}");
        // Before the lock-out and the password check: neither is worth running, nor logging, for such a request.
        InputLimits.requireBytes("field 'user'", body.user(), RecordLimits.ID_BYTES);
        InputLimits.requireBytes("field 'password'", body.password(), InputLimits.PASSWORD_BYTES);
        String user = body.user() == null ? "" : body.user();
        char[] password = body.password() == null ? new char[0] : body.password().toCharArray();
        String address = config.trustedProxies().clientAddress(ctx.ip(),
                Collections.list(ctx.req().getHeaders("X-Forwarded-For")));
        Optional<Instant> locked = guard.lockedUntil(address, user);
        if (locked.isPresent()) {
            AUDIT.warn("login refused for {} from {}: locked until {}", LogText.escape(user), address, locked.get());
            retryAfter(ctx, Duration.between(clock.instant(), locked.get()));
            ctx.status(429).json(Map.of("error", "too many failed logins for this account from your address;"
                    + " it is locked until " + locked.get() + " (UTC)"));
            return;
        }
        Optional<Accounts.Account> account = accounts.account(user);
        Optional<Boolean> matches = checks.matches(password,
                account.map(Accounts.Account::password).orElse(NO_SUCH_ACCOUNT));
        if (matches.isEmpty()) {
            retryAfter(ctx, Duration.ofSeconds(1));
            ctx.status(503).json(Map.of("error", "too many logins at once; retry in a moment"));
            return;
        }
        if (!matches.get() || account.isEmpty()) {
            guard.failed(address, user);
            AUDIT.warn("login failed for {} from {}", LogText.escape(user), address);
            throw new UnauthorizedResponse("wrong user name or password");
        }
        guard.succeeded(address, user);
        if (!state.isOnCallUser(user)) {
            AUDIT.warn("login of {} from {} refused: not a user of the on-call configuration", user, address);
            throw new ForbiddenResponse("the account " + user + " is not a user of the on-call configuration (any"
                    + " more); ask an admin to add it with pager apply");
        }
        String token = openSession(ctx, user);
        AUDIT.info("login {} from {}", user, address);
        Map<String, Object> me = me(ctx, new Principal(user, accounts.isAdmin(user),
                sessions.session(token).orElseThrow()));
        me.put("csrf", sessions.csrfToken(token));
        ctx.json(me);
    }

    /**
     * Refuses a login that a page of another site could make a browser send (login CSRF, which would sign the victim
     * into an account of the attacker's). A cross-site form can send text/plain or a form encoding without asking;
     * JSON from another origin needs the server's consent, which it never gives, and a browser names the page's
     * origin in {@code Origin}, which must then be the app's own.
     */
    private void requireJsonFromOwnOrigin(Context ctx) {
        String type = ctx.contentType() == null ? "" : ctx.contentType().split(";", 2)[0].trim();
        if (!type.equalsIgnoreCase("application/json")) {
            throw new HttpResponseException(HttpStatus.UNSUPPORTED_MEDIA_TYPE.getCode(),
                    "send the login as Content-Type: application/json");
        }
        String origin = ctx.header("Origin");
        String own = ownOrigin(ctx);
        if (origin != null && !origin.equalsIgnoreCase(own)) {
            throw new ForbiddenResponse("a login must come from the app's own origin, " + own);
        }
    }

    /**
     * The origin of {@link ResponderConfig#PUBLIC_URL} when set; otherwise the one the request was addressed to, so
     * that the app works at any name of this host (localhost, 127.0.0.1) while a page of another site still fails.
     */
    private String ownOrigin(Context ctx) {
        return config.publicUrl().map(LoginApi::originOf).orElse("http://" + ctx.host());
    }

    static String originOf(String url) {
        URI uri = URI.create(url);
        String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
        int port = uri.getPort();
        boolean defaultPort = port == -1 || (scheme.equals("https") && port == 443)
                || (scheme.equals("http") && port == 80);
        return scheme + "://" + uri.getHost().toLowerCase(Locale.ROOT) + (defaultPort ? "" : ":" + port);
    }

    private static void retryAfter(Context ctx, Duration wait) {
        ctx.header("Retry-After", String.valueOf(Math.max(1, (wait.toMillis() + 999) / 1000)));
    }

    private String openSession(Context ctx, String user) {
        String session = sessions.open(user);
        cookies.set(ctx, Cookies.SESSION, session, sessions.ttl());
        return session;
    }

    private void oidcStart(Context ctx) throws Exception {
        OidcLogin.Start start = oidc().start();
        cookies.set(ctx, Cookies.OIDC, start.cookie(), OIDC_COOKIE_AGE);
        ctx.redirect(start.authorizeUrl());
    }

    private void oidcFinish(Context ctx) throws Exception {
        Optional<String> tooLarge = Stream.of("code", "state", "error", "error_description")
                .flatMap(name -> RecordLimits.over("query parameter '" + name + "'", ctx.queryParam(name),
                        InputLimits.OIDC_PARAM_BYTES).stream()).findFirst();
        if (tooLarge.isPresent()) {
            signInRefused(ctx, tooLarge.get());
            return;
        }
        if (ctx.queryParam("error") != null) {
            ctx.status(401).html(Pages.page("Sign-in failed", "<p>" + Pages.escape(ctx.queryParam("error") + ": "
                    + ctx.queryParamAsClass("error_description", String.class).getOrDefault("")) + "</p>"
                    + "<p><a href=\"/\">Back to the app</a></p>"));
            return;
        }
        OidcLogin.Identity who;
        try {
            who = oidc().finish(ctx.queryParam("code"), ctx.queryParam("state"), ctx.cookie(OidcLogin.COOKIE));
        } catch (OidcLogin.SignInException e) {
            AUDIT.warn("sign-in with the identity provider refused: {}", LogText.escape(e.getMessage()));
            signInRefused(ctx, e.getMessage());
            return;
        }
        boolean allowGuests = config.oidc().map(ResponderConfig.Oidc::allowGuests).orElse(false);
        EntraUsers.Decision decision = EntraUsers.decide(who, state.users(), allowGuests);
        if (decision instanceof EntraUsers.Refused refused) {
            AUDIT.warn("{}", refused.audit());
            ctx.status(403).html(Pages.page(refused.title(), "<p>" + Pages.escape(refused.shown()) + "</p>"));
            return;
        }
        String user = ((EntraUsers.SignIn) decision).user();
        openSession(ctx, user);
        cookies.clear(ctx, Cookies.OIDC);
        AUDIT.info("login {} via identity provider as {} (object {})", user, LogText.escape(who.email()), who.object());
        ctx.redirect("/");
    }

    private static void signInRefused(Context ctx, String why) {
        ctx.status(400).html(Pages.page("Sign-in failed", "<p>" + Pages.escape(why)
                + "</p><p><a href=\"/auth/oidc/login\">Try again</a></p>"));
    }

    private OidcLogin oidc() {
        ResponderConfig.Oidc settings = config.oidc().orElseThrow(() -> new NotFoundResponse(
                "sign-in with an identity provider is not enabled: set " + ResponderConfig.OIDC_ISSUER.name()));
        synchronized (this) {
            if (oidcLogin == null) {
                oidcLogin = new OidcLogin(settings.issuer(), settings.clientId(), settings.clientSecret(),
                        publicUrl.get() + "/auth/oidc/callback", settings.trustedCertificates(), sessions.key(), clock);
            }
            return oidcLogin;
        }
    }

    private void logout(Context ctx) {
        // The cookie's session, if the caller came with one: authenticate let it in, so it is live.
        sessions.session(ctx.cookie(Cookies.SESSION.name())).ifPresent(s -> revoked.revoke(s, clock.instant()));
        cookies.clear(ctx, Cookies.SESSION);
        AUDIT.info("logout {}", Principal.of(ctx).user());
        ctx.status(204);
    }

    private Map<String, Object> me(Context ctx, Principal who) {
        Map<String, Object> out = new LinkedHashMap<>();
        People people = state.people();
        out.put("user", who.user());
        out.put("name", people.name(who.user()).orElse(who.user()));
        out.put("admin", who.admin());
        out.put("teams", people.teamsOf(who.user()));
        String session = ctx.cookie(Cookies.SESSION.name());
        if (!who.viaToken() && session != null) {
            out.put("csrf", sessions.csrfToken(session));
        }
        return out;
    }

    /** Body of a login. */
    record LoginRequest(String user, String password) {
        @Override
        public String toString() {
            return "LoginRequest[user=" + user + "]"; // never the password
        }
    }
}
