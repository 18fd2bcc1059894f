package io.sentinelpager.responder;

import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.http.NotFoundResponse;
import io.javalin.http.staticfiles.Location;
import io.sentinelpager.platform.config.Secret;
import io.sentinelpager.platform.security.ActionLinks;
import io.sentinelpager.platform.security.ReplyCodes;
import io.sentinelpager.platform.security.SharedSecrets;
import io.sentinelpager.platform.service.Service;
import io.sentinelpager.platform.service.StreamsService;
import io.sentinelpager.responder.auth.Accounts;
import io.sentinelpager.responder.auth.Sessions;
import io.sentinelpager.schemas.AlertLifecycle;
import io.sentinelpager.schemas.UsedLink;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.streams.errors.InvalidStateStoreException;

/**
 * The responder app and its API. Reads come from the alert.state view and the config tables ({@link StateView});
 * actions go to alert.actions and are accepted (202) once Kafka has them; escalate applies them and the new state
 * reaches open apps as a server-sent event.
 *
 * <p>Every /api call but login and the OpenAPI document needs a person: a session cookie from login (HttpOnly,
 * SameSite=Strict, Secure, with a CSRF token required on every change) or an API token ({@code Authorization: Bearer}).
 * The routes are in groups: {@link LoginApi} (login and sessions), {@link AlertsApi} (the alerts),
 * {@link PushSubscriptionsApi}, {@link ReportsApi}, {@link SchedulesApi}, {@link OverridesApi} and
 * {@link CalendarFeedApi}; links, SMS and voice replies from messages, and calendar feeds, carry credentials of
 * their own.
 */
public final class ResponderService implements Service {

    private final StreamsService view;
    private final ActionPublisher actions;
    private final LiveUpdates live;
    private final ResponderConfig config;
    private final Clock clock;
    private final StateView state;
    private final LoginApi login;
    private final AlertsApi alerts;
    private final Optional<LinkActions> links;
    private final PushSubscriptionsApi push;
    private final ReportsApi reports;
    private final RecordPublisher records;
    private final OverridesApi overrides;
    private final CalendarFeedApi calendar;
    private final SchedulesApi schedules;
    private final WrongReplyCodes wrongSmsCodes;
    private final List<String> routes = Collections.synchronizedList(new ArrayList<>());
    private Javalin http;

    ResponderService(StreamsService view, ActionPublisher actions, LiveUpdates live, ResponderConfig config,
                     Accounts accounts, Sessions sessions, Clock clock, PushSubscriptionsApi push,
                     RecordPublisher records) {
        this.view = view;
        this.actions = actions;
        this.live = live;
        this.config = config;
        this.clock = clock;
        this.state = new StateView(view);
        RevokedSessions revoked = new RevokedSessions(state::revokedSession, actions);
        this.login = new LoginApi(config, accounts, sessions, revoked, state, this::publicUrl, clock);
        this.alerts = new AlertsApi(state, actions, live, clock);
        this.reports = new ReportsApi(state, clock);
        UsedLinks used = new UsedLinks(nonce -> state.<UsedLink>store(ResponderTopology.USED_LINKS_STORE).get(nonce),
                actions);
        this.links = config.linksKey().map(key -> new LinkActions(new ActionLinks(key, clock), used,
                state::page, state::people, actions, clock));
        this.push = push;
        this.records = records;
        this.overrides = new OverridesApi(state, records, clock);
        this.schedules = new SchedulesApi(state, clock);
        this.calendar = new CalendarFeedApi(sessions.key(), state, state::calendarFeed, records, this::publicUrl, clock);
        this.wrongSmsCodes = new WrongReplyCodes(clock);
        live.readFrom(new LiveUpdates.View() {
            @Override
            public Map<String, Object> summary(AlertLifecycle page) {
                return AlertViews.summary(page, state.syncStates());
            }

            @Override
            public List<AlertLifecycle> pagesWith(Set<String> alertKeys) {
                return state.pagesWith(alertKeys);
            }

            @Override
            public boolean stillAllowed(Principal who) {
                return login.stillAllowed(who);
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
                    c.jetty.modifyServer(InputLimits::cutOffRefusedBodies);
                    c.staticFiles.add(files -> {
                        files.hostedPath = "/";
                        files.directory = "/app";
                        files.location = Location.CLASSPATH;
                    });
                    c.events(events -> events.handlerAdded(route -> routes.add(route.getHttpMethod() + " "
                            + route.getPath())));
                    c.router.apiBuilder(() -> {
                        login.routes();
                        alerts.routes();
                        push.routes();
                        reports.routes();
                        overrides.routes();
                        calendar.routes();
                        schedules.routes();
                    });
                })
                .before(ResponderService::securityHeaders)
                .before(InputLimits::boundBody)
                .before("/api/*", login::authenticate)
                .get("/api/openapi.json", ctx -> ctx.contentType("application/json")
                        .result(ResponderService.class.getResourceAsStream("/openapi.json")))
                // One-click links from messages, and SMS replies: credentials of their own, no session.
                .get(ActionLinks.PATH + "{token}", ctx -> linkActions().confirm(ctx))
                .post(ActionLinks.PATH + "{token}", ctx -> linkActions().act(ctx))
                .post(SmsReplies.PATH, ctx -> smsReplies().receive(ctx))
                // Calendar feeds: the URL's signed token is the credential, as calendar apps send no cookie.
                .get(CalendarFeedApi.PATH + "{file}", ctx -> calendar.serve(ctx))
                .post("/webhooks/twilio/voice", ctx -> linkActions().voice(ctx, twilioAuthToken(), publicUrl()))
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
        return new SmsReplies(twilioAuthToken(), publicUrl(), config.linksKey().map(ReplyCodes::new), wrongSmsCodes,
                state::openPages, state::users, state::people, actions, clock);
    }

    /** The port the app listens on (useful when configured as 0). */
    public int port() {
        return http.port();
    }

    /**
     * Every route the server has, as {@code "GET /api/alerts/{key}"}, before-handlers included: recorded by Javalin as
     * each is added, so a check of the OpenAPI document against it reads the server itself.
     */
    public List<String> routes() {
        return List.copyOf(routes);
    }

    private String publicUrl() {
        return config.publicUrl().orElse("http://" + config.host() + ":" + port());
    }

    private static void securityHeaders(Context ctx) {
        ctx.header("Content-Security-Policy", "default-src 'self'; frame-ancestors 'none'; base-uri 'none'");
        ctx.header("X-Content-Type-Options", "nosniff");
        ctx.header("Referrer-Policy", "no-referrer");
        ctx.header("Cache-Control", "no-store");
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
        records.close();
        view.close();
    }
}
