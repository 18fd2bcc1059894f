package io.sentinelpager.emulator;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Microsoft Graph v1.0 {@code /security/incidents}: list (with {@code $filter=lastUpdateDateTime ge …},
 * $top and nextLink), get, PATCH, each with {@code $expand=alerts}, which inlines the alerts whose
 * incidentId is the incident's. Tokens, errors and enum gating are {@link GraphApi}'s.
 */
final class GraphIncidentsApi {

    private static final String INCIDENTS = "/v1.0/security/incidents";
    private static final String READ = "SecurityIncident.Read.All";
    private static final String WRITE = "SecurityIncident.ReadWrite.All";
    private static final Pattern SINCE = Pattern.compile("lastUpdateDateTime ge (\\S+)");

    private final GraphIncidentStore incidents;
    private final GraphAlertStore alerts;
    private final GraphApi graph;

    GraphIncidentsApi(GraphIncidentStore incidents, GraphAlertStore alerts, GraphApi graph) {
        this.incidents = incidents;
        this.alerts = alerts;
        this.graph = graph;
    }

    void register(Javalin app, Routes routes) {
        routes.add(app, HandlerType.GET, INCIDENTS, new Route("graph.incidents.list", graph, READ), this::list);
        routes.add(app, HandlerType.GET, INCIDENTS + "/{id}", new Route("graph.incidents.get", graph, READ), this::get);
        routes.add(app, HandlerType.PATCH, INCIDENTS + "/{id}", new Route("graph.incidents.patch", graph, WRITE),
                this::update);
        routes.add(app, HandlerType.POST, INCIDENTS + "/{id}/comments",
                new Route("graph.incidents.comment", graph, WRITE), this::comment);
    }

    private void list(Context ctx) {
        String filter = ctx.queryParam("$filter");
        Instant since = null;
        if (filter != null) {
            Matcher matcher = SINCE.matcher(filter.trim());
            if (!matcher.matches()) {
                throw new ApiError(400, "BadRequest", "Invalid filter clause: the emulator filters incidents only"
                        + " by 'lastUpdateDateTime ge <date-time>'");
            }
            since = badRequestIfInvalid(matcher.group(1));
        }
        int top = GraphApi.top(ctx.queryParam("$top"));
        String skipToken = ctx.queryParam("$skiptoken");
        AlertCursor after;
        try {
            after = skipToken == null ? null : AlertCursor.decode(skipToken);
        } catch (IllegalArgumentException e) {
            throw new ApiError(400, "BadRequest", e.getMessage());
        }
        List<ObjectNode> page = incidents.page(since, after, top + 1);
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.put("@odata.context", base(ctx) + "/$metadata#security/incidents");
        if (page.size() > top) {
            body.put("@odata.nextLink", nextLink(ctx, GraphIncidentStore.cursorOf(page.get(top - 1))));
        }
        ArrayNode value = body.putArray("value");
        page.stream().limit(top).forEach(incident -> value.add(expand(ctx, incident)));
        ok(ctx, body);
    }

    private void get(Context ctx) {
        String id = ctx.pathParam("id");
        ok(ctx, entity(ctx, incidents.get(id).orElseThrow(() -> notFound(id))));
    }

    private void update(Context ctx) {
        String id = ctx.pathParam("id");
        ObjectNode changes;
        try {
            changes = Json.readObject(ctx.body());
            ok(ctx, entity(ctx, incidents.update(id, changes).orElseThrow(() -> notFound(id))));
        } catch (IllegalArgumentException e) {
            throw new ApiError(400, "BadRequest", e.getMessage());
        }
    }

    /** One alertComment object, as for an alert (see GraphApi#commentText); Graph answers the incident's comments. */
    private void comment(Context ctx) {
        String id = ctx.pathParam("id");
        String text = GraphApi.commentText(ctx);
        List<ObjectNode> comments = GraphApi.badRequestIfInvalid(
                () -> incidents.addComment(id, text, GraphApi.APP_DISPLAY_NAME)).orElseThrow(() -> notFound(id));
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.put("@odata.context", base(ctx) + "/$metadata#security/incidents('" + id + "')/comments");
        body.putArray("value").addAll(comments);
        ok(ctx, body);
    }

    private ObjectNode entity(Context ctx, ObjectNode incident) {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.put("@odata.context", base(ctx) + "/$metadata#security/incidents/$entity");
        body.setAll(expand(ctx, incident));
        return body;
    }

    private ObjectNode expand(Context ctx, ObjectNode incident) {
        String expand = ctx.queryParam("$expand");
        if (expand == null) {
            return incident;
        }
        if (!expand.trim().equals("alerts")) {
            throw new ApiError(400, "BadRequest", "Only $expand=alerts is supported, not '" + expand + "'");
        }
        boolean unknownMembers = graph.prefersUnknownMembers(ctx);
        ArrayNode inlined = incident.putArray("alerts");
        String id = incident.get("id").asText();
        alerts.all().stream()
                .filter(alert -> id.equals(alert.path("incidentId").asText()))
                .forEach(alert -> inlined.add(unknownMembers ? alert : GraphEnums.hideUnknownMembers(alert)));
        return incident;
    }

    private static Instant badRequestIfInvalid(String literal) {
        try {
            return GraphTime.parse(literal);
        } catch (IllegalArgumentException e) {
            throw new ApiError(400, "BadRequest", e.getMessage());
        }
    }

    private static String nextLink(Context ctx, AlertCursor last) {
        StringBuilder link = new StringBuilder(base(ctx)).append("/security/incidents?");
        for (String option : List.of("$filter", "$top", "$expand")) {
            String value = ctx.queryParam(option);
            if (value != null) {
                link.append(option).append('=')
                        .append(URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20")).append('&');
            }
        }
        return link.append("$skiptoken=").append(last.encode()).toString();
    }

    private static String base(Context ctx) {
        return ctx.scheme() + "://" + ctx.host() + "/v1.0";
    }

    private static void ok(Context ctx, ObjectNode body) {
        ctx.status(200).contentType(GraphApi.CONTENT_TYPE).result(Json.write(body));
    }

    private static ApiError notFound(String id) {
        return new ApiError(404, "NotFound", "The incident '" + id + "' was not found.");
    }
}
