package io.sentinelpager.emulator;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * Plain-JSON, unauthenticated control of the emulated tenant, for tests and the demo: "an alert
 * fires in Defender" is a POST here. Stored alerts come back exactly as stored, without Graph's
 * enum gating, so a test can see what the Graph API is hiding.
 */
final class AdminApi {

    static final String ALERTS = "/admin/graph/alerts";
    /** Sentinel incidents of one workspace: {@code /admin/sentinel/{subscription}/{resourceGroup}/{workspace}/incidents}. */
    static final String INCIDENTS = "/admin/sentinel/{sub}/{rg}/{ws}/incidents";

    /**
     * What a Log Analytics workspace answers: {@code {"query": text}} or {@code {"pattern": regex}},
     * with {@code "response": {"tables": […]}}.
     */
    static final String ANSWERS = "/admin/loganalytics/{workspaceId}/answers";

    private final GraphAlertStore store;
    private final SentinelIncidentStore incidents;
    private final LogAnalyticsTables logAnalytics;

    AdminApi(GraphAlertStore store, SentinelIncidentStore incidents, LogAnalyticsTables logAnalytics) {
        this.store = store;
        this.incidents = incidents;
        this.logAnalytics = logAnalytics;
    }

    void register(Javalin app) {
        app.post(ALERTS, this::add);
        app.get(ALERTS, this::all);
        app.get(ALERTS + "/{id}", this::get);
        app.post(INCIDENTS, this::addIncident);
        app.get(INCIDENTS, ctx -> {
            ArrayNode all = JsonNodeFactory.instance.arrayNode();
            incidents.all(workspace(ctx)).forEach(all::add);
            ctx.contentType("application/json").result(Json.write(all));
        });
        app.post(INCIDENTS + "/{id}/alerts", this::addIncidentAlert);
        app.post(ANSWERS, this::addAnswer);
    }

    private void addAnswer(Context ctx) {
        try {
            ObjectNode spec = Json.readObject(ctx.body());
            if (!(spec.get("response") instanceof ObjectNode response)) {
                throw new IllegalArgumentException("the body needs a 'response' object");
            }
            String workspaceId = ctx.pathParam("workspaceId");
            if (spec.hasNonNull("query")) {
                logAnalytics.answer(workspaceId, spec.get("query").asText(), response);
            } else if (spec.hasNonNull("pattern")) {
                logAnalytics.answerMatching(workspaceId, Pattern.compile(spec.get("pattern").asText()), response);
            } else {
                throw new IllegalArgumentException("the body needs a 'query' or a 'pattern'");
            }
        } catch (IllegalArgumentException e) {
            renderError(ctx, 400, e.getMessage());
            return;
        }
        ctx.status(204);
    }

    private void addIncident(Context ctx) {
        created(ctx, () -> incidents.add(workspace(ctx), Json.readObject(ctx.body())));
    }

    private void addIncidentAlert(Context ctx) {
        created(ctx, () -> incidents.addAlert(workspace(ctx), ctx.pathParam("id"), Json.readObject(ctx.body())));
    }

    private static void created(Context ctx, Supplier<ObjectNode> action) {
        try {
            ctx.status(201).contentType("application/json").result(Json.write(action.get()));
        } catch (IllegalArgumentException e) {
            renderError(ctx, 400, e.getMessage());
        }
    }

    private static SentinelWorkspace workspace(Context ctx) {
        return new SentinelWorkspace(ctx.pathParam("sub"), ctx.pathParam("rg"), ctx.pathParam("ws"));
    }

    /** Failures of admin calls: {@code {"error": message}}. */
    static void renderError(Context ctx, int status, String message) {
        ctx.status(status).contentType("application/json")
                .result(Json.write(JsonNodeFactory.instance.objectNode().put("error", message)));
    }

    private void add(Context ctx) {
        ObjectNode stored;
        try {
            stored = store.add(Json.readObject(ctx.body()));
        } catch (IllegalArgumentException e) {
            renderError(ctx, 400, e.getMessage());
            return;
        } catch (IllegalStateException e) {
            renderError(ctx, 409, e.getMessage());
            return;
        }
        ctx.status(201).contentType("application/json").result(Json.write(stored));
    }

    private void all(Context ctx) {
        ArrayNode alerts = JsonNodeFactory.instance.arrayNode();
        store.all().forEach(alerts::add);
        ctx.contentType("application/json").result(Json.write(alerts));
    }

    private void get(Context ctx) {
        String id = ctx.pathParam("id");
        store.get(id).ifPresentOrElse(
                alert -> ctx.contentType("application/json").result(Json.write(alert)),
                () -> renderError(ctx, 404, "no alert with id '" + id + "'"));
    }
}
