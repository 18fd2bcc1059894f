package io.sentinelpager.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.time.Duration;
import java.util.Locale;

/**
 * Fault injection, permissions and the request log over plain JSON, for a demo or a test in another
 * process; the same as {@link Faults} and {@link RequestLog} in Java.
 *
 * <pre>
 *   POST   /admin/faults/graph.alerts.list  {"kind":"throttle","delayMillis":1000,"times":3}
 *   POST   /admin/faults/token              {"kind":"reset","percent":20}
 *   POST   /admin/faults/*                  {"kind":"throttle","delayMillis":8000,"duringMillis":30000}  every route
 *   DELETE /admin/faults                    clears every fault and revoked permission
 *   GET    /admin/faults                    {"routes":[…],"revoked":[…]}
 *   PUT    /admin/permissions/graph.alerts.patch  {"granted":false}
 *   GET    /admin/requests                  the request log; DELETE clears it
 * </pre>
 */
final class FaultAdminApi {

    private final Faults faults;
    private final RequestLog log;

    FaultAdminApi(Faults faults, RequestLog log) {
        this.faults = faults;
        this.log = log;
    }

    void register(Javalin app) {
        app.get("/admin/faults", this::describe);
        app.post("/admin/faults/{route}", this::inject);
        app.delete("/admin/faults", ctx -> {
            faults.clear();
            ctx.status(204);
        });
        app.put("/admin/permissions/{route}", this::permission);
        app.get("/admin/requests", this::requests);
        app.delete("/admin/requests", ctx -> {
            log.clear();
            ctx.status(204);
        });
    }

    private void describe(Context ctx) {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        ArrayNode routes = body.putArray("routes");
        ArrayNode revoked = body.putArray("revoked");
        faults.routes().stream().sorted().forEach(route -> {
            routes.add(route);
            if (faults.isRevoked(route)) {
                revoked.add(route);
            }
        });
        ctx.contentType("application/json").result(Json.write(body));
    }

    private void inject(Context ctx) {
        try {
            Fault fault = fault(Json.readObject(ctx.body()));
            if (ctx.pathParam("route").equals("*")) {
                faults.injectEverywhere(fault);
            } else {
                faults.inject(ctx.pathParam("route"), fault);
            }
        } catch (IllegalArgumentException e) {
            AdminApi.renderError(ctx, 400, e.getMessage());
            return;
        }
        ctx.status(204);
    }

    private void permission(Context ctx) {
        try {
            JsonNode granted = Json.readObject(ctx.body()).get("granted");
            if (granted == null || !granted.isBoolean()) {
                throw new IllegalArgumentException("the body must be {\"granted\": true|false}");
            }
            if (granted.asBoolean()) {
                faults.grant(ctx.pathParam("route"));
            } else {
                faults.revoke(ctx.pathParam("route"));
            }
        } catch (IllegalArgumentException e) {
            AdminApi.renderError(ctx, 400, e.getMessage());
            return;
        }
        ctx.status(204);
    }

    private void requests(Context ctx) {
        ArrayNode body = JsonNodeFactory.instance.arrayNode();
        for (LoggedRequest request : log.all()) {
            body.addObject()
                    .put("route", request.route())
                    .put("method", request.method())
                    .put("path", request.path())
                    .put("query", request.query())
                    .put("status", request.status())
                    .put("time", GraphTime.format(request.time()))
                    .put("sinceStartMillis", request.sinceStart().toMillis())
                    .put("tookMillis", request.took().toMillis())
                    .put("body", request.body());
        }
        ctx.contentType("application/json").result(Json.write(body));
    }

    private static Fault fault(ObjectNode spec) {
        String kind = spec.path("kind").asText("");
        Duration delay = Duration.ofMillis(spec.path("delayMillis").asLong(0));
        Fault fault = switch (kind.toLowerCase(Locale.ROOT)) {
            case "throttle" -> Fault.throttle(delay);
            case "server_error", "servererror" -> Fault.serverError();
            case "unavailable" -> Fault.unavailable(delay);
            case "latency" -> Fault.latency(delay);
            case "reset" -> Fault.reset();
            default -> throw new IllegalArgumentException("kind must be throttle, server_error, unavailable, latency"
                    + " or reset; got '" + kind + "'");
        };
        if (spec.has("percent")) {
            return fault.percent(spec.get("percent").asInt());
        }
        if (spec.has("duringMillis")) {
            return fault.during(Duration.ofMillis(spec.get("duringMillis").asLong()));
        }
        return fault.times(spec.path("times").asInt(1));
    }
}
