package io.sentinelpager.emulator;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.Javalin;
import io.javalin.http.Context;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * Plain-JSON, unauthenticated control of the emulated tenant, for tests and the demo: "an alert
 * fires in Defender" and "an analyst resolves it" are POSTs here; {@link #ROUTES} lists them all. Stored alerts come back exactly as stored, without Graph's
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
    static final String GRAPH_INCIDENTS = "/admin/graph/incidents";

    /** Every admin route with what it does, for {@code pager emulator} and the README to print. */
    static final List<String> ROUTES = List.of(
            route("POST", ALERTS, "add an alert (partial Graph alert JSON; Defender fills in the rest)"),
            route("GET", ALERTS + "[/{id}]", "alerts as stored"),
            route("POST", ALERTS + "/{id}/analyst", "change it as an analyst in Defender would: {\"analyst\", and any of"
                    + " \"status\", \"assignedTo\", \"classification\", \"determination\", \"comment\"}"),
            route("GET", ALERTS + "/{id}/history", "who changed the alert, what and when"),
            route("POST", GRAPH_INCIDENTS, "add a Defender incident, its alerts in \"alerts\": [...]"),
            route("GET", GRAPH_INCIDENTS + "[/{id}]", "Defender incidents as stored"),
            route("POST", INCIDENTS, "add a Sentinel incident (ARM envelope or {\"properties\"})"),
            route("GET", INCIDENTS, "a workspace's Sentinel incidents"),
            route("POST", INCIDENTS + "/{id}/alerts", "attach a SecurityAlert entity to an incident"),
            route("POST", INCIDENTS + "/{id}/comments", "comment as an analyst in the portal would: {\"message\","
                    + " \"author\": {\"name\", \"userPrincipalName\", \"email\"}} (one of them at least)"),
            route("POST", ANSWERS, "what a query returns: {\"query\" or \"pattern\", \"response\": {\"tables\"}}"),
            route("GET", "/admin/faults", "route names and their faults"),
            route("POST", "/admin/faults/{route}", "inject a fault ({route} * for all): {\"kind\": throttle, server_error,"
                    + " unavailable, latency or reset, \"delayMillis\", and \"times\", \"percent\" or \"duringMillis\"}"),
            route("DELETE", "/admin/faults", "clear every fault"),
            route("PUT", "/admin/permissions/{route}", "grant or revoke a route's permission (403 when revoked)"),
            route("GET", "/admin/requests", "the request log (no headers; no bodies of the token endpoint)"),
            route("DELETE", "/admin/requests", "clear the request log"),
            route("POST", OidcApi.FLAW_ROUTE, "issue the next ID token with a flaw: {\"flaw\": signature, issuer,"
                    + " audience, expired or nonce}"));

    private final GraphAlertStore store;
    private final GraphIncidentStore graphIncidents;
    private final SentinelIncidentStore incidents;
    private final LogAnalyticsTables logAnalytics;

    AdminApi(GraphAlertStore store, GraphIncidentStore graphIncidents, SentinelIncidentStore incidents,
             LogAnalyticsTables logAnalytics) {
        this.store = store;
        this.graphIncidents = graphIncidents;
        this.incidents = incidents;
        this.logAnalytics = logAnalytics;
    }

    void register(Javalin app) {
        app.post(ALERTS, this::add);
        app.get(ALERTS, this::all);
        app.get(ALERTS + "/{id}", this::get);
        app.post(ALERTS + "/{id}/analyst", this::changeAsAnalyst);
        app.get(ALERTS + "/{id}/history", ctx -> {
            String id = ctx.pathParam("id");
            store.history(id).ifPresentOrElse(entries -> {
                ArrayNode all = JsonNodeFactory.instance.arrayNode();
                entries.forEach(all::add);
                ctx.contentType("application/json").result(Json.write(all));
            }, () -> renderError(ctx, 404, "no alert with id '" + id + "'"));
        });
        app.post(GRAPH_INCIDENTS, this::addGraphIncident);
        app.get(GRAPH_INCIDENTS, ctx -> {
            ArrayNode all = JsonNodeFactory.instance.arrayNode();
            graphIncidents.page(null, null, Integer.MAX_VALUE).forEach(all::add);
            ctx.contentType("application/json").result(Json.write(all));
        });
        app.get(GRAPH_INCIDENTS + "/{id}", ctx -> {
            String id = ctx.pathParam("id");
            graphIncidents.get(id).ifPresentOrElse(
                    incident -> ctx.contentType("application/json").result(Json.write(incident)),
                    () -> renderError(ctx, 404, "no incident with id '" + id + "'"));
        });
        app.post(INCIDENTS, this::addIncident);
        app.get(INCIDENTS, ctx -> {
            ArrayNode all = JsonNodeFactory.instance.arrayNode();
            incidents.all(workspace(ctx)).forEach(all::add);
            ctx.contentType("application/json").result(Json.write(all));
        });
        app.post(INCIDENTS + "/{id}/alerts", this::addIncidentAlert);
        app.post(INCIDENTS + "/{id}/comments", this::addIncidentComment);
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

    private static String route(String method, String path, String does) {
        return String.format("%-6s %-55s %s", method, path, does);
    }

    /** The body is the PATCH fields plus {@code analyst} (required) and {@code comment} (optional). */
    private void changeAsAnalyst(Context ctx) {
        String id = ctx.pathParam("id");
        Optional<ObjectNode> changed;
        try {
            ObjectNode body = Json.readObject(ctx.body());
            String analyst = body.path("analyst").asText(null);
            String comment = body.hasNonNull("comment") ? body.get("comment").asText() : null;
            ObjectNode changes = body.deepCopy();
            changes.remove(List.of("analyst", "comment"));
            changed = store.changeAsAnalyst(id, analyst, changes, comment);
        } catch (IllegalArgumentException e) {
            renderError(ctx, 400, e.getMessage());
            return;
        }
        changed.ifPresentOrElse(alert -> ctx.contentType("application/json").result(Json.write(alert)),
                () -> renderError(ctx, 404, "no alert with id '" + id + "'"));
    }

    /**
     * A Defender incident and its alerts in one call: each object in {@code alerts} is stored as an
     * alert naming the incident (Graph serves an incident's alerts as the alerts whose incidentId it is).
     * Answers the incident with the stored alerts in {@code alerts}.
     */
    private void addGraphIncident(Context ctx) {
        created(ctx, () -> {
            ObjectNode body = Json.readObject(ctx.body());
            JsonNode alerts = body.remove("alerts");
            if (alerts != null && !alerts.isArray()) {
                throw new IllegalArgumentException("alerts must be an array of alert objects");
            }
            List<ObjectNode> given = new ArrayList<>();
            if (alerts != null) {
                for (JsonNode alert : alerts) {
                    if (!(alert instanceof ObjectNode object)) {
                        throw new IllegalArgumentException("alerts must be an array of alert objects");
                    }
                    // Checked before anything is stored, so a bad alert leaves no half-seeded incident.
                    GraphAlertStore.validate(object);
                    given.add(object);
                }
            }
            ObjectNode incident = graphIncidents.add(body);
            String incidentId = incident.get("id").asText();
            ArrayNode stored = incident.putArray("alerts");
            for (ObjectNode alert : given) {
                stored.add(store.add(alert.deepCopy().put("incidentId", incidentId)));
            }
            return incident;
        });
    }

    private void addIncident(Context ctx) {
        created(ctx, () -> incidents.add(workspace(ctx), Json.readObject(ctx.body())));
    }

    private void addIncidentAlert(Context ctx) {
        created(ctx, () -> incidents.addAlert(workspace(ctx), ctx.pathParam("id"), Json.readObject(ctx.body())));
    }

    /**
     * An analyst's comment on a Sentinel incident: it shows in ARM's comments list with that author, and the
     * incident is modified, as in Sentinel.
     */
    private void addIncidentComment(Context ctx) {
        String id = ctx.pathParam("id");
        try {
            created(ctx, () -> {
                ObjectNode body = Json.readObject(ctx.body());
                if (body.has("author") && !(body.get("author") instanceof ObjectNode)) {
                    throw new IllegalArgumentException("'author' must be an object like Sentinel's:"
                            + " {\"name\", \"userPrincipalName\", \"email\", \"objectId\"}");
                }
                return incidents.addComment(workspace(ctx), id, body.path("message").asText(null),
                        (ObjectNode) body.get("author"));
            });
        } catch (NoSuchElementException e) {
            renderError(ctx, 404, e.getMessage());
        }
    }

    private static void created(Context ctx, Supplier<ObjectNode> action) {
        try {
            ctx.status(201).contentType("application/json").result(Json.write(action.get()));
        } catch (IllegalArgumentException e) {
            renderError(ctx, 400, e.getMessage());
        } catch (IllegalStateException e) {
            renderError(ctx, 409, e.getMessage());
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
