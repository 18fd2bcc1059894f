package io.sentinelpager.responder;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.Javalin;
import io.javalin.http.BadRequestResponse;
import io.javalin.http.Context;
import io.javalin.http.ForbiddenResponse;
import io.javalin.http.HandlerType;
import io.javalin.http.HttpResponseException;
import io.javalin.http.NotFoundResponse;
import io.javalin.http.ServiceUnavailableResponse;
import io.javalin.http.UnauthorizedResponse;
import io.javalin.http.staticfiles.Location;
import io.sentinelpager.platform.config.Secret;
import io.sentinelpager.platform.security.ActionLinks;
import io.sentinelpager.platform.security.SharedSecrets;
import io.sentinelpager.platform.service.Service;
import io.sentinelpager.platform.service.StreamsService;
import io.sentinelpager.responder.auth.Accounts;
import io.sentinelpager.responder.auth.LoginGuard;
import io.sentinelpager.responder.auth.OidcLogin;
import io.sentinelpager.responder.auth.Passwords;
import io.sentinelpager.responder.auth.Sessions;
import io.sentinelpager.schemas.ActionType;
import io.sentinelpager.schemas.AlertAction;
import io.sentinelpager.schemas.AlertLifecycle;
import io.sentinelpager.schemas.LifecycleStatus;
import io.sentinelpager.schemas.RecordLimits;
import io.sentinelpager.schemas.IncidentState;
import io.sentinelpager.schemas.SyncState;
import io.sentinelpager.schemas.UsedLink;
import io.sentinelpager.schemas.UserConfig;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Stream;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The responder app and its API. Reads come from the alert.state view and the config tables; actions go to
 * alert.actions and are accepted (202) once Kafka has them; escalate applies them and the new state reaches open apps
 * as a server-sent event.
 *
 * <p>Every /api call but login and the OpenAPI document needs a person: a session cookie from login (HttpOnly,
 * SameSite=Strict, Secure, with a CSRF token required on every change) or an API token ({@code Authorization: Bearer}).
 * Only members of the alert's team, or admins, see or act on an alert; the actor of an action is always the
 * authenticated person, never a field of the request.
 */
public final class ResponderService implements Service {

    static final String SESSION_COOKIE = "pager_session";
    static final String CSRF_HEADER = "X-CSRF-Token";
    static final String IDEMPOTENCY_KEY = "Idempotency-Key";
    private static final Logger AUDIT = LoggerFactory.getLogger("io.sentinelpager.responder.audit");
    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true);
    private static final Map<String, ActionType> ACTIONS = Map.of(
            "ack", ActionType.ACKNOWLEDGE, "own", ActionType.TAKE_OWNERSHIP,
            "comment", ActionType.ANNOTATE, "close", ActionType.CLOSE, "reopen", ActionType.REOPEN);
    /** Checked when the account does not exist, so a wrong name costs as long as a wrong password. */
    private static final String NO_SUCH_ACCOUNT = Passwords.hash("no such account".toCharArray());

    private final StreamsService view;
    private final ActionPublisher actions;
    private final LiveUpdates live;
    private final ResponderConfig config;
    private final Accounts accounts;
    private final Sessions sessions;
    private final LoginGuard guard;
    private final Clock clock;
    private final Optional<LinkActions> links;
    private OidcLogin oidcLogin;
    private final PushSubscriptionsApi push;
    private Javalin http;

    /** Who is calling, and how they proved it. */
    record Principal(String user, boolean admin, boolean viaToken) {
    }

    ResponderService(StreamsService view, ActionPublisher actions, LiveUpdates live, ResponderConfig config,
                     Accounts accounts, Sessions sessions, Clock clock, PushSubscriptionsApi push) {
        this.view = view;
        this.actions = actions;
        this.live = live;
        this.config = config;
        this.accounts = accounts;
        this.sessions = sessions;
        this.guard = new LoginGuard(config.maxFailedLogins(), config.failedLoginWindow(), config.lockout(), clock);
        this.clock = clock;
        UsedLinks used = new UsedLinks(nonce -> this.<UsedLink>store(ResponderTopology.USED_LINKS_STORE).get(nonce),
                actions);
        this.links = config.linksKey().map(key -> new LinkActions(new ActionLinks(key, clock), used,
                alertKey -> store().get(alertKey), this::people, actions, clock));
        this.push = push;
        live.readFrom(new LiveUpdates.View() {
            @Override
            public Map<String, Object> summary(AlertLifecycle page) {
                return AlertViews.summary(page, syncStates());
            }

            @Override
            public List<AlertLifecycle> pagesWith(Set<String> alertKeys) {
                return ResponderService.this.pagesWith(alertKeys);
            }
        });
    }

    @Override
    public String name() {
        return ResponderApp.NAME;
    }

    @Override
    public void start() {
        view.start();
        http = Javalin.create(c -> {
                    c.showJavalinBanner = false;
                    c.staticFiles.add(files -> {
                        files.hostedPath = "/";
                        files.directory = "/app";
                        files.location = Location.CLASSPATH;
                    });
                    c.router.apiBuilder(push::routes);
                })
                .before(ResponderService::securityHeaders)
                .before(InputLimits::boundBody)
                .before("/api/*", this::authenticate)
                .get("/api/openapi.json", ctx -> ctx.contentType("application/json")
                        .result(ResponderService.class.getResourceAsStream("/openapi.json")))
                .post("/api/login", this::login)
                .get("/api/login/options", ctx -> ctx.json(Map.of("local", true, "oidc", config.oidc().isPresent())))
                .get("/auth/oidc/login", this::oidcStart)
                .get("/auth/oidc/callback", this::oidcFinish)
                .post("/api/logout", this::logout)
                .get("/api/me", ctx -> ctx.json(me(ctx, principal(ctx))))
                .get("/api/me/shifts", this::myShifts)
                .get("/api/oncall", ctx -> ctx.json(people().onCall(teamsVisibleTo(principal(ctx)), clock.instant())))
                .get("/api/alerts", this::alerts)
                .get("/api/alerts/{key}", ctx -> ctx.json(AlertViews.detail(visible(ctx, alertKey(ctx)), syncStates(),
                        this.<IncidentState>store(ResponderTopology.INCIDENT_STATE_STORE)::get)))
                .post("/api/alerts/{key}/{action}", this::act)
                // The "Open" links in messages: the app shows the alert (after a login, if need be).
                .get("/alerts", ctx -> ctx.redirect("/"))
                .get("/alerts/{key}", ctx -> ctx.redirect("/#/alert/"
                        + java.net.URLEncoder.encode(alertKey(ctx), java.nio.charset.StandardCharsets.UTF_8)))
                // One-click links from messages, and SMS replies: credentials of their own, no session.
                .get(ActionLinks.PATH + "{token}", ctx -> linkActions().confirm(ctx))
                .post(ActionLinks.PATH + "{token}", ctx -> linkActions().act(ctx))
                .post(SmsReplies.PATH, ctx -> smsReplies().receive(ctx))
                .post("/webhooks/twilio/voice", ctx -> linkActions().voice(ctx, twilioAuthToken(), publicUrl()))
                .sse("/api/events", client -> {
                    Principal who = principal(client.ctx());
                    live.add(client, state -> maySee(who, state));
                })
                // Every refusal as {"error": why}, the shape the OpenAPI document gives, whatever the client accepts.
                .exception(HttpResponseException.class, (e, ctx) -> ctx.status(e.getStatus())
                        .json(Map.of("error", e.getMessage())))
                .exception(InvalidStateStoreException.class, (e, ctx) -> ctx.status(503)
                        .json(Map.of("error", "alert state is still loading, retry in a moment")))
                .start(config.host(), config.port());
    }

    private LinkActions linkActions() {
        return links.orElseThrow(() -> new NotFoundResponse("one-click links are not enabled: set "
                + SharedSecrets.LINKS_KEY.name()));
    }

    private Secret twilioAuthToken() {
        return config.twilioAuthToken().orElseThrow(() -> new NotFoundResponse(
                "replies by SMS and phone are not enabled: set " + SharedSecrets.TWILIO_AUTH_TOKEN.name()));
    }

    private SmsReplies smsReplies() {
        return new SmsReplies(twilioAuthToken(), publicUrl(),
                this::openAlerts, () -> List.copyOf(all(this.<UserConfig>store(ResponderTopology.USERS_STORE)).values()),
                this::people, actions, clock);
    }

    private List<AlertLifecycle> openAlerts() {
        List<AlertLifecycle> open = new ArrayList<>();
        try (KeyValueIterator<String, AlertLifecycle> it = store().all()) {
            it.forEachRemaining(kv -> {
                if (kv.value != null && kv.value.getStatus() != LifecycleStatus.CLOSED) {
                    open.add(kv.value);
                }
            });
        }
        return open;
    }

    /** The port the app listens on (useful when configured as 0). */
    public int port() {
        return http.port();
    }

    private static void securityHeaders(Context ctx) {
        ctx.header("Content-Security-Policy", "default-src 'self'; frame-ancestors 'none'; base-uri 'none'");
        ctx.header("X-Content-Type-Options", "nosniff");
        ctx.header("Referrer-Policy", "no-referrer");
        ctx.header("Cache-Control", "no-store");
    }

    private void authenticate(Context ctx) {
        String path = ctx.path();
        if (path.equals("/api/login") || path.equals("/api/login/options") || path.equals("/api/openapi.json")) {
            return;
        }
        String authorization = ctx.header("Authorization");
        if (authorization != null && authorization.startsWith("Bearer ")) {
            Accounts.Token token = accounts.token(authorization.substring(7).trim())
                    .orElseThrow(() -> new UnauthorizedResponse("unknown or revoked API token"));
            ctx.attribute("principal", new Principal(token.user(), accounts.isAdmin(token.user()), true));
            return;
        }
        String session = ctx.cookie(SESSION_COOKIE);
        String user = sessions.user(session)
                .orElseThrow(() -> new UnauthorizedResponse("log in first: POST /api/login, or send an API token"));
        if (ctx.method() != HandlerType.GET && !sessions.csrfMatches(session, ctx.header(CSRF_HEADER))) {
            throw new ForbiddenResponse("missing or wrong " + CSRF_HEADER + " header; the app gets it from /api/me");
        }
        ctx.attribute("principal", new Principal(user, accounts.isAdmin(user), false));
    }

    static Principal principal(Context ctx) {
        return ctx.attribute("principal");
    }

    private void login(Context ctx) {
        LoginRequest body = parse(ctx, LoginRequest.class, "{\"user\":\"analyst\",\"password\":\"…\"}");
        // Before the lock-out and the password check: neither is worth running, nor logging, for such a request.
        InputLimits.requireBytes("field 'user'", body.user(), RecordLimits.ID_BYTES);
        InputLimits.requireBytes("field 'password'", body.password(), InputLimits.PASSWORD_BYTES);
        String user = body.user() == null ? "" : body.user();
        char[] password = body.password() == null ? new char[0] : body.password().toCharArray();
        Optional<Instant> locked = guard.lockedUntil(user);
        if (locked.isPresent()) {
            AUDIT.warn("login refused for {}: locked until {}", user, locked.get());
            ctx.status(429).json(Map.of("error", "too many failed logins; this account is locked until "
                    + locked.get() + " (UTC)"));
            return;
        }
        Optional<Accounts.Account> account = accounts.account(user);
        boolean ok = Passwords.matches(password, account.map(Accounts.Account::password).orElse(NO_SUCH_ACCOUNT))
                && account.isPresent();
        if (!ok) {
            guard.failed(user);
            AUDIT.warn("login failed for {}", user);
            throw new UnauthorizedResponse("wrong user name or password");
        }
        guard.succeeded(user);
        String session = openSession(ctx, user);
        AUDIT.info("login {}", user);
        Map<String, Object> me = me(ctx, new Principal(user, accounts.isAdmin(user), false));
        me.put("csrf", sessions.csrfToken(session));
        ctx.json(me);
    }

    /** Sets the session cookie; Strict, so no other site's page can make the browser send it. */
    private String openSession(Context ctx, String user) {
        String session = sessions.open(user);
        ctx.header("Set-Cookie", SESSION_COOKIE + "=" + session + "; Path=/; Max-Age=" + sessions.ttl().toSeconds()
                + "; HttpOnly; SameSite=Strict" + (config.secureCookies() ? "; Secure" : ""));
        return session;
    }

    private void oidcStart(Context ctx) throws Exception {
        OidcLogin.Start start = oidc().start();
        // Lax, not Strict: the browser must send it on the identity provider's redirect back, a cross-site navigation.
        ctx.header("Set-Cookie", OidcLogin.COOKIE + "=" + start.cookie() + "; Path=/auth/oidc; Max-Age=600; HttpOnly;"
                + " SameSite=Lax" + (config.secureCookies() ? "; Secure" : ""));
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
        String upn;
        try {
            upn = oidc().finish(ctx.queryParam("code"), ctx.queryParam("state"), ctx.cookie(OidcLogin.COOKIE));
        } catch (OidcLogin.SignInException e) {
            AUDIT.warn("sign-in with the identity provider refused: {}", e.getMessage());
            signInRefused(ctx, e.getMessage());
            return;
        }
        Optional<UserConfig> user = all(this.<UserConfig>store(ResponderTopology.USERS_STORE)).values().stream()
                .filter(u -> u.getEmail() != null && u.getEmail().equalsIgnoreCase(upn)).findFirst();
        if (user.isEmpty()) {
            AUDIT.warn("sign-in of {} refused: no on-call user has that e-mail", upn);
            ctx.status(403).html(Pages.page("Not an on-call user", "<p>" + Pages.escape(upn)
                    + " signed in, but no user of the on-call configuration has this e-mail. Ask an admin to add"
                    + " you.</p>"));
            return;
        }
        openSession(ctx, user.get().getId());
        ctx.res().addHeader("Set-Cookie", OidcLogin.COOKIE + "=; Path=/auth/oidc; Max-Age=0; HttpOnly; SameSite=Lax"
                + (config.secureCookies() ? "; Secure" : ""));
        AUDIT.info("login {} via identity provider as {}", user.get().getId(), upn);
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
                        publicUrl() + "/auth/oidc/callback", settings.trustedCertificates(), sessions.key(), clock);
            }
            return oidcLogin;
        }
    }

    private String publicUrl() {
        return config.publicUrl().orElse("http://" + config.host() + ":" + port());
    }

    private void logout(Context ctx) {
        sessions.revoke(ctx.cookie(SESSION_COOKIE));
        ctx.header("Set-Cookie", SESSION_COOKIE + "=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict"
                + (config.secureCookies() ? "; Secure" : ""));
        AUDIT.info("logout {}", principal(ctx).user());
        ctx.status(204);
    }

    private Map<String, Object> me(Context ctx, Principal who) {
        Map<String, Object> out = new LinkedHashMap<>();
        People people = people();
        out.put("user", who.user());
        out.put("name", people.name(who.user()).orElse(who.user()));
        out.put("admin", who.admin());
        out.put("teams", people.teamsOf(who.user()));
        String session = ctx.cookie(SESSION_COOKIE);
        if (!who.viaToken() && session != null) {
            out.put("csrf", sessions.csrfToken(session));
        }
        return out;
    }

    private void myShifts(Context ctx) {
        int days = ctx.queryParamAsClass("days", Integer.class).check(d -> d >= 1 && d <= 31, "days is 1 to 31")
                .getOrDefault(7);
        Instant now = clock.instant();
        ctx.json(people().shifts(principal(ctx).user(), now, now.plus(Duration.ofDays(days))));
    }

    private void alerts(Context ctx) {
        Principal who = principal(ctx);
        String scope = Optional.ofNullable(ctx.queryParam("scope")).orElse("team");
        if (!scope.equals("team") && !scope.equals("mine")) {
            throw new BadRequestResponse("scope is 'team' (alerts of my teams) or 'mine' (paged to, owned or"
                    + " acknowledged by me)");
        }
        People people = people();
        List<AlertLifecycle> open = new ArrayList<>(openAlerts().stream()
                .filter(state -> maySee(who, state, people) && (scope.equals("team") || involves(who.user(), state)))
                .toList());
        // Most severe first, then oldest first: what a responder should look at next.
        open.sort(Comparator.<AlertLifecycle>comparingInt(a -> -a.getAlert().getEnriched().getAlert().getSeverity().ordinal())
                .thenComparing(AlertLifecycle::getCreatedAt));
        Function<String, SyncState> syncStates = syncStates();
        ctx.json(open.stream().map(state -> AlertViews.summary(state, syncStates)).toList());
    }

    private static boolean involves(String user, AlertLifecycle state) {
        return user.equals(state.getOwner()) || state.getStepRecipients().contains(user)
                || state.getAcknowledgedBy().contains(user);
    }

    private void act(Context ctx) throws Exception {
        ActionType type = ACTIONS.get(ctx.pathParam("action"));
        if (type == null) {
            throw new NotFoundResponse("unknown action '" + ctx.pathParam("action") + "'; use one of " + ACTIONS.keySet());
        }
        Principal who = principal(ctx);
        AlertLifecycle state = visible(ctx, alertKey(ctx));
        ActionRequest body = ctx.body().isBlank() ? new ActionRequest(null, null)
                : parse(ctx, ActionRequest.class, "{\"comment\":\"…\",\"classification\":\"truePositive\"}");
        body.check(type);
        // A client retrying the same request sends the same Idempotency-Key, so escalate applies it once.
        String actionId = ctx.header(IDEMPOTENCY_KEY) != null ? checkedIdempotencyKey(ctx.header(IDEMPOTENCY_KEY))
                : UUID.randomUUID().toString();
        String channel = who.viaToken() ? "api" : "app";
        actions.publish(AlertAction.newBuilder()
                .setActionId(actionId)
                .setAlertKey(state.getAlertKey())
                .setType(type)
                .setActor(who.user())
                .setChannel(channel)
                .setComment(body.comment())
                .setClassification(body.classification())
                .setOccurredAt(clock.instant())
                .build());
        AUDIT.info("{} {} alert {} via {}", who.user(), ctx.pathParam("action"), state.getAlertKey(), channel);
        ctx.status(202).json(Map.of("actionId", actionId, "alert", state.getAlertKey(), "action", ctx.pathParam("action")));
    }

    /** Body of a login. */
    record LoginRequest(String user, String password) {
        @Override
        public String toString() {
            return "LoginRequest[user=" + user + "]"; // never the password
        }
    }

    /** Body of an action; the actor is the authenticated person, so there is no field for it. */
    record ActionRequest(String comment, String classification) {

        /**
         * Graph's words for a verdict, which syncback writes to Graph as they are and maps for Sentinel. Graph
         * ignores any other word, so a close with one would lose its verdict without anyone noticing.
         */
        static final List<String> CLASSIFICATIONS = List.of("truePositive", "falsePositive",
                "informationalExpectedActivity", "unknown");

        /**
         * Refuses (400) what escalate would dead-letter or not apply: a missing or oversized comment, a
         * classification that is not one of {@link #CLASSIFICATIONS}.
         */
        void check(ActionType type) {
            if (type == ActionType.ANNOTATE && (comment == null || comment.isBlank())) {
                throw new BadRequestResponse("field 'comment' is required for a comment");
            }
            InputLimits.requireBytes("field 'comment'", comment, RecordLimits.COMMENT_BYTES);
            if (classification != null && !CLASSIFICATIONS.contains(classification)) {
                // The value is echoed only when short: the refusal of a huge one must not be huge.
                throw new BadRequestResponse(RecordLimits.over("field 'classification'", classification,
                        RecordLimits.CLASSIFICATION_BYTES).orElse("field 'classification' is '" + classification
                        + "'") + "; use one of " + CLASSIFICATIONS);
            }
        }
    }

    /** The Idempotency-Key header, if it is 1 to 128 printable ASCII characters (no spaces); otherwise a 400. */
    static String checkedIdempotencyKey(String key) {
        boolean printable = key.chars().allMatch(c -> c >= '!' && c <= '~');
        if (!printable || key.isEmpty() || key.length() > RecordLimits.IDEMPOTENCY_KEY_CHARS) {
            throw new BadRequestResponse("header '" + IDEMPOTENCY_KEY + "' is " + key.length() + " characters"
                    + (printable ? "" : ", not all of them printable ASCII") + "; it must be 1 to "
                    + RecordLimits.IDEMPOTENCY_KEY_CHARS + " printable ASCII characters without spaces, such as a UUID");
        }
        return key;
    }

    /** The alert key of the path, if it is no longer than an alert key can be; otherwise a 400. */
    private static String alertKey(Context ctx) {
        return InputLimits.requireBytes("path parameter 'key'", ctx.pathParam("key"), RecordLimits.ALERT_KEY_BYTES);
    }

    private static <T> T parse(Context ctx, Class<T> type, String example) {
        try {
            return JSON.readValue(ctx.body().isBlank() ? "{}" : ctx.body(), type);
        } catch (JsonProcessingException e) {
            throw new BadRequestResponse("the body must be JSON such as " + example + ": " + e.getOriginalMessage());
        }
    }

    /** The alert, if it exists and the caller may see it; 404 otherwise, so alert keys of other teams don't leak. */
    private AlertLifecycle visible(Context ctx, String key) {
        AlertLifecycle state = store().get(key);
        if (state == null) {
            throw new NotFoundResponse("no alert " + key);
        }
        Principal who = principal(ctx);
        if (!maySee(who, state)) {
            AUDIT.warn("{} refused alert {} of team {}", who.user(), key, state.getAlert().getTeamId());
            throw new ForbiddenResponse("only members of team " + state.getAlert().getTeamId()
                    + " (or admins) may see and act on this alert");
        }
        return state;
    }

    private boolean maySee(Principal who, AlertLifecycle state) {
        return maySee(who, state, people());
    }

    private static boolean maySee(Principal who, AlertLifecycle state, People people) {
        return who.admin() || people.isMember(who.user(), state.getAlert().getTeamId());
    }

    private List<String> teamsVisibleTo(Principal who) {
        People people = people();
        return who.admin() ? people.allTeams() : people.teamsOf(who.user());
    }

    private People people() {
        ReadOnlyKeyValueStore<String, UserConfig> users = store(ResponderTopology.USERS_STORE);
        return new People(all(store(ResponderTopology.TEAMS_STORE)), users::get,
                all(store(ResponderTopology.SCHEDULES_STORE)));
    }

    private static <V> Map<String, V> all(ReadOnlyKeyValueStore<String, V> store) {
        Map<String, V> out = new HashMap<>();
        try (KeyValueIterator<String, V> it = store.all()) {
            it.forEachRemaining(kv -> {
                if (kv.value != null) {
                    out.put(kv.key, kv.value);
                }
            });
        }
        return out;
    }

    /**
     * The pages that have any of these alerts: an alert's own page has its key, an incident's page lists it among its
     * members, so only alerts without a page of their own are looked for among all pages.
     */
    private List<AlertLifecycle> pagesWith(Set<String> alertKeys) {
        ReadOnlyKeyValueStore<String, AlertLifecycle> pages = store();
        List<AlertLifecycle> out = new ArrayList<>();
        Set<String> grouped = new HashSet<>();
        for (String key : alertKeys) {
            AlertLifecycle own = pages.get(key);
            if (own != null) {
                out.add(own);
            } else {
                grouped.add(key);
            }
        }
        if (!grouped.isEmpty()) {
            try (KeyValueIterator<String, AlertLifecycle> it = pages.all()) {
                it.forEachRemaining(kv -> {
                    if (kv.value != null && kv.value.getMembers().keySet().stream().anyMatch(grouped::contains)) {
                        out.add(kv.value);
                    }
                });
            }
        }
        return out;
    }

    /**
     * What Azure has from us, by alert key. Its store is global, so it is whole also while Streams rebalances, when
     * live updates still go out; hence no {@link StreamsService#queryable()} check.
     */
    private Function<String, SyncState> syncStates() {
        return view.streams().store(StoreQueryParameters.fromNameAndType(ResponderTopology.SYNC_STATE_STORE,
                QueryableStoreTypes.<String, SyncState>keyValueStore()))::get;
    }

    private ReadOnlyKeyValueStore<String, AlertLifecycle> store() {
        return store(ResponderTopology.STATE_STORE);
    }

    private <V> ReadOnlyKeyValueStore<String, V> store(String name) {
        if (!view.queryable()) {
            throw new ServiceUnavailableResponse("alert state is still loading, retry in a moment");
        }
        return view.streams().store(StoreQueryParameters.fromNameAndType(name, QueryableStoreTypes.<String, V>keyValueStore()));
    }

    @Override
    public boolean ready() {
        return http != null && view.ready();
    }

    @Override
    public void close() {
        if (http != null) {
            http.stop();
        }
        live.close();
        actions.close();
        push.close();
        view.close();
    }
}
