package io.sentinelpager.responder;

import io.javalin.apibuilder.ApiBuilder;
import io.javalin.http.BadRequestResponse;
import io.javalin.http.Context;
import io.javalin.http.NotFoundResponse;
import io.sentinelpager.schemas.ActionType;
import io.sentinelpager.schemas.AlertAction;
import io.sentinelpager.schemas.AlertLifecycle;
import io.sentinelpager.schemas.RecordLimits;
import io.sentinelpager.schemas.SyncState;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The alerts as a responder sees them and acts on them: the list and detail of pages, the live stream of their
 * changes, who is on call, and the actions, which go to alert.actions and are accepted (202) once Kafka has them.
 * Only members of the alert's team, or admins, see or act on an alert; the actor of an action is always the
 * {@link Principal}, never a field of the request.
 */
final class AlertsApi {

    static final String IDEMPOTENCY_KEY = "Idempotency-Key";
    private static final Logger AUDIT = LoggerFactory.getLogger("io.sentinelpager.responder.audit");
    private static final Map<String, ActionType> ACTIONS = Map.of(
            "ack", ActionType.ACKNOWLEDGE, "own", ActionType.TAKE_OWNERSHIP,
            "comment", ActionType.ANNOTATE, "close", ActionType.CLOSE, "reopen", ActionType.REOPEN);

    private final StateView state;
    private final ActionPublisher actions;
    private final LiveUpdates live;
    private final Clock clock;

    AlertsApi(StateView state, ActionPublisher actions, LiveUpdates live, Clock clock) {
        this.state = state;
        this.actions = actions;
        this.live = live;
        this.clock = clock;
    }

    /** The routes, for Javalin's {@code router.apiBuilder}. */
    void routes() {
        ApiBuilder.get("/api/me/shifts", this::myShifts);
        ApiBuilder.get("/api/oncall", ctx -> ctx.json(state.people().onCall(teamsVisibleTo(Principal.of(ctx)),
                clock.instant())));
        ApiBuilder.get("/api/alerts", this::alerts);
        ApiBuilder.get("/api/alerts/{key}", ctx -> ctx.json(AlertViews.detail(visible(ctx, alertKey(ctx)),
                state.syncStates(), state.incidents())));
        ApiBuilder.post("/api/alerts/{key}/{action}", this::act);
        // The "Open" links in messages: the app shows the alert (after a login, if need be).
        ApiBuilder.get("/alerts", ctx -> ctx.redirect("/"));
        ApiBuilder.get("/alerts/{key}", ctx -> ctx.redirect("/#/alert/"
                + URLEncoder.encode(alertKey(ctx), StandardCharsets.UTF_8)));
        ApiBuilder.sse("/api/events", client -> {
            Principal who = Principal.of(client.ctx());
            live.add(client, who, page -> maySee(who, page, state.people()));
        });
    }

    private void myShifts(Context ctx) {
        int days = shiftDays(ctx.queryParam("days"));
        Instant now = clock.instant();
        ctx.json(state.people().shifts(Principal.of(ctx).user(), now, now.plus(Duration.ofDays(days))));
    }

    /**
     * The days parameter of /api/me/shifts, 7 when not given. Checked here rather than by Javalin's validator, whose
     * refusal is a map of its own instead of the {"error": why} that the OpenAPI document gives for every refusal.
     */
    private static int shiftDays(String days) {
        if (days == null) {
            return 7;
        }
        int parsed = days.matches("[0-9]{1,2}") ? Integer.parseInt(days) : 0;
        if (parsed < 1 || parsed > 31) {
            throw new BadRequestResponse("query parameter 'days' must be a whole number from 1 to 31");
        }
        return parsed;
    }

    private void alerts(Context ctx) {
        Principal who = Principal.of(ctx);
        String scope = Optional.ofNullable(ctx.queryParam("scope")).orElse("team");
        if (!scope.equals("team") && !scope.equals("mine")) {
            throw new BadRequestResponse("scope is 'team' (alerts of my teams) or 'mine' (paged to, owned or"
                    + " acknowledged by me)");
        }
        People people = state.people();
        List<AlertLifecycle> open = new ArrayList<>(state.openPages().stream()
                .filter(page -> maySee(who, page, people) && (scope.equals("team") || involves(who.user(), page)))
                .toList());
        // Most severe first, then oldest first: what a responder should look at next.
        open.sort(Comparator.<AlertLifecycle>comparingInt(a -> -a.getAlert().getEnriched().getAlert().getSeverity().ordinal())
                .thenComparing(AlertLifecycle::getCreatedAt));
        Function<String, SyncState> syncStates = state.syncStates();
        ctx.json(open.stream().map(page -> AlertViews.summary(page, syncStates)).toList());
    }

    private static boolean involves(String user, AlertLifecycle page) {
        return user.equals(page.getOwner()) || page.getStepRecipients().contains(user)
                || page.getAcknowledgedBy().contains(user);
    }

    private void act(Context ctx) throws Exception {
        ActionType type = ACTIONS.get(ctx.pathParam("action"));
        if (type == null) {
            throw new NotFoundResponse("unknown action '" + ctx.pathParam("action") + "'; use one of " + ACTIONS.keySet());
        }
        Principal who = Principal.of(ctx);
        AlertLifecycle page = visible(ctx, alertKey(ctx));
        ActionRequest body = ctx.body().isBlank() ? new ActionRequest(null, null)
                : JsonBodies.parse(ctx, ActionRequest.class, "{\"comment\":\"…\",\"classification\":\"truePositive\"}");
        body.check(type);
        // A client retrying the same request sends the same Idempotency-Key, so it is applied once.
        String actionId = ctx.header(IDEMPOTENCY_KEY) != null
                ? actionId(who.user(), page.getAlertKey(), checkedIdempotencyKey(ctx.header(IDEMPOTENCY_KEY)))
                : UUID.randomUUID().toString();
        String channel = who.viaToken() ? "api" : "app";
        actions.publish(AlertAction.newBuilder()
                .setActionId(actionId)
                .setAlertKey(page.getAlertKey())
                .setType(type)
                .setActor(who.user())
                .setChannel(channel)
                .setComment(body.comment())
                .setClassification(body.classification())
                .setOccurredAt(clock.instant())
                .build());
        AUDIT.info("{} {} alert {} via {}", who.user(), ctx.pathParam("action"), page.getAlertKey(), channel);
        ctx.status(202).json(Map.of("actionId", actionId, "alert", page.getAlertKey(), "action", ctx.pathParam("action")));
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

    /**
     * The action's id for a client's Idempotency-Key: the id of the sync commands downstream too, which are applied
     * once across all users and alerts, so it is scoped to the user and the alert. Otherwise one user's key would
     * drop another user's action, or the same user's action on another alert, as a repeat.
     */
    static String actionId(String user, String alertKey, String idempotencyKey) {
        try {
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            // Lengths first, so that no split of the same characters between user and alert gives the same id.
            sha256.update((user.length() + ":" + user + alertKey.length() + ":" + alertKey + idempotencyKey)
                    .getBytes(StandardCharsets.UTF_8));
            return "api:" + HexFormat.of().formatHex(sha256.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    /** The alert key of the path, if it is no longer than an alert key can be; otherwise a 400. */
    private static String alertKey(Context ctx) {
        return InputLimits.requireBytes("path parameter 'key'", ctx.pathParam("key"), RecordLimits.ALERT_KEY_BYTES);
    }

    /** The alert, if it exists and the caller may see it; 404 otherwise, so alert keys of other teams don't leak. */
    private AlertLifecycle visible(Context ctx, String key) {
        AlertLifecycle page = state.page(key);
        if (page == null) {
            throw new NotFoundResponse("no alert " + key);
        }
        Principal who = Principal.of(ctx);
        if (!maySee(who, page, state.people())) {
            AUDIT.warn("{} refused alert {} of team {}", who.user(), key, page.getAlert().getTeamId());
            // The very answer for an unknown key: neither that the alert exists nor its team is told.
            throw new NotFoundResponse("no alert " + key);
        }
        return page;
    }

    private static boolean maySee(Principal who, AlertLifecycle page, People people) {
        return who.admin() || people.isMember(who.user(), page.getAlert().getTeamId());
    }

    private List<String> teamsVisibleTo(Principal who) {
        People people = state.people();
        return who.admin() ? people.allTeams() : people.teamsOf(who.user());
    }
}
