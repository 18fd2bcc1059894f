package io.sentinelpager.emulator;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.Javalin;
import io.javalin.http.Context;

/**
 * Plain-JSON, unauthenticated control of the emulated tenant, for tests and the demo: "an alert
 * fires in Defender" is a POST here. Stored alerts come back exactly as stored, without Graph's
 * enum gating, so a test can see what the Graph API is hiding.
 */
final class AdminApi {

    static final String ALERTS = "/admin/graph/alerts";

    private final GraphAlertStore store;

    AdminApi(GraphAlertStore store) {
        this.store = store;
    }

    void register(Javalin app) {
        app.post(ALERTS, this::add);
        app.get(ALERTS, this::all);
        app.get(ALERTS + "/{id}", this::get);
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
