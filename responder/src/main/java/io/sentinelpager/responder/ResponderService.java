package io.sentinelpager.responder;

import io.javalin.Javalin;
import io.javalin.http.BadRequestResponse;
import io.javalin.http.Context;
import io.javalin.http.NotFoundResponse;
import io.javalin.http.ServiceUnavailableResponse;
import io.sentinelpager.platform.service.Service;
import io.sentinelpager.platform.service.StreamsService;
import io.sentinelpager.schemas.ActionType;
import io.sentinelpager.schemas.AlertAction;
import io.sentinelpager.schemas.AlertLifecycle;
import io.sentinelpager.schemas.LifecycleStatus;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * The responder API: open alerts and their detail from the state view, and actions that go to alert.actions.
 * An action is accepted (202) once Kafka has it; escalate applies it and the new state shows up in the view.
 *
 * <p>This first version has no login: it listens on loopback by default and takes the actor from the request.
 */
public final class ResponderService implements Service {

    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper()
            .configure(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true);
    private static final Pattern ACTOR = Pattern.compile("[\\w.@+-]{1,128}");
    private static final Map<String, ActionType> ACTIONS = Map.of(
            "ack", ActionType.ACKNOWLEDGE, "own", ActionType.TAKE_OWNERSHIP,
            "comment", ActionType.ANNOTATE, "close", ActionType.CLOSE, "reopen", ActionType.REOPEN);

    private final StreamsService view;
    private final ActionPublisher actions;
    private final ResponderConfig config;
    private final Clock clock;
    private Javalin http;

    ResponderService(StreamsService view, ActionPublisher actions, ResponderConfig config, Clock clock) {
        this.view = view;
        this.actions = actions;
        this.config = config;
        this.clock = clock;
    }

    @Override
    public String name() {
        return ResponderApp.NAME;
    }

    @Override
    public void start() {
        view.start();
        http = Javalin.create(c -> c.showJavalinBanner = false)
                .get("/api/alerts", this::openAlerts)
                .get("/api/alerts/{key}", ctx -> ctx.json(AlertViews.detail(find(ctx.pathParam("key")))))
                .post("/api/alerts/{key}/{action}", this::act)
                .exception(InvalidStateStoreException.class, (e, ctx) -> ctx.status(503)
                        .json(Map.of("error", "alert state is still loading, retry in a moment")))
                .start(config.host(), config.port());
    }

    /** The port the API listens on (useful when configured as 0). */
    public int port() {
        return http.port();
    }

    private void openAlerts(Context ctx) {
        List<AlertLifecycle> open = new ArrayList<>();
        try (KeyValueIterator<String, AlertLifecycle> it = store().all()) {
            while (it.hasNext()) {
                KeyValue<String, AlertLifecycle> kv = it.next();
                if (kv.value != null && kv.value.getStatus() != LifecycleStatus.CLOSED) {
                    open.add(kv.value);
                }
            }
        }
        // Most severe first, then oldest first: what a responder should look at next.
        open.sort(Comparator.<AlertLifecycle>comparingInt(a -> -a.getAlert().getEnriched().getAlert().getSeverity().ordinal())
                .thenComparing(AlertLifecycle::getCreatedAt));
        ctx.json(open.stream().map(AlertViews::summary).toList());
    }

    private void act(Context ctx) throws Exception {
        ActionType type = ACTIONS.get(ctx.pathParam("action"));
        if (type == null) {
            throw new NotFoundResponse("unknown action '" + ctx.pathParam("action") + "'; use one of " + ACTIONS.keySet());
        }
        AlertLifecycle state = find(ctx.pathParam("key"));
        ActionRequest body = parse(ctx);
        if (body.actor() == null || !ACTOR.matcher(body.actor()).matches()) {
            throw new BadRequestResponse("field 'actor' is required: the user id or e-mail of the person acting"
                    + " (letters, digits and . @ + - _, at most 128)");
        }
        if (type == ActionType.ANNOTATE && (body.comment() == null || body.comment().isBlank())) {
            throw new BadRequestResponse("field 'comment' is required for a comment");
        }
        // A client retrying the same request sends the same Idempotency-Key, so escalate applies it once.
        String actionId = ctx.header("Idempotency-Key") != null ? ctx.header("Idempotency-Key")
                : UUID.randomUUID().toString();
        AlertAction action = AlertAction.newBuilder()
                .setActionId(actionId)
                .setAlertKey(state.getAlertKey())
                .setType(type)
                .setActor(body.actor())
                .setChannel("api")
                .setComment(body.comment())
                .setClassification(body.classification())
                .setOccurredAt(clock.instant())
                .build();
        actions.publish(action);
        ctx.status(202).json(Map.of("actionId", actionId, "alert", state.getAlertKey(), "action", ctx.pathParam("action")));
    }

    private static ActionRequest parse(Context ctx) {
        if (ctx.body().isBlank()) {
            return new ActionRequest(null, null, null);
        }
        try {
            return JSON.readValue(ctx.body(), ActionRequest.class);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new BadRequestResponse("the body must be JSON such as {\"actor\":\"analyst\",\"comment\":\"…\"}: "
                    + e.getOriginalMessage());
        }
    }

    /** Body of an action request. */
    public record ActionRequest(String actor, String comment, String classification) {
    }

    private AlertLifecycle find(String key) {
        AlertLifecycle state = store().get(key);
        if (state == null) {
            throw new NotFoundResponse("no alert " + key);
        }
        return state;
    }

    private ReadOnlyKeyValueStore<String, AlertLifecycle> store() {
        if (!view.ready()) {
            throw new ServiceUnavailableResponse("alert state is still loading, retry in a moment");
        }
        return view.streams().store(StoreQueryParameters.fromNameAndType(ResponderTopology.STATE_STORE,
                QueryableStoreTypes.keyValueStore()));
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
        actions.close();
        view.close();
    }
}
