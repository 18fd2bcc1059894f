package io.sentinelpager.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * Microsoft Graph v1.0 {@code /security/alerts_v2}: list with $filter, $orderby, $top, $skip, $count and
 * {@code @odata.nextLink} paging; get; PATCH; POST comments. Every route needs a bearer token the
 * emulated Entra ID issued for Graph. Errors use Graph's shape
 * {@code {"error":{"code","message","innerError":{"date","request-id","client-request-id"}}}}.
 *
 * <p>{@code $top} defaults to 100 and may be at most 1000 (the legacy alerts API's documented
 * maximum; the alerts_v2 maximum is not published), larger values get a 400 rather than a silent
 * cap so a client learns the limit. The order and the paging are the {@link AlertListing} the
 * emulator was started with; the only {@code $orderby} accepted is the default listing's order
 * (lastUpdateDateTime ascending, then id), and only with that listing. {@code $count=true} adds
 * {@code @odata.count}, the number of alerts the filter matches at that moment, to every page.
 */
final class GraphApi implements Api {

    static final String CONTENT_TYPE =
            "application/json; odata.metadata=minimal; odata.streaming=true; IEEE754Compatible=false; charset=utf-8";
    static final int DEFAULT_TOP = 100;
    static final int MAX_TOP = 1000;
    /** Name of the emulator's one app registration, shown as the author of the comments it posts. */
    static final String APP_DISPLAY_NAME = "Sentinel Pager";

    private static final String ALERTS = "/v1.0/security/alerts_v2";
    private static final String COMMENT_ODATA_TYPE = "#microsoft.graph.security.alertComment";
    private static final Set<String> QUERY_OPTIONS = Set.of("$filter", "$orderby", "$top", "$skip", "$skiptoken",
            "$count");
    private static final Set<String> ORDER_BY = Set.of("lastUpdateDateTime", "lastUpdateDateTime asc");
    private static final String REQUEST_ID = "graph.request-id";
    private static final DateTimeFormatter ERROR_DATE =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss").withZone(ZoneOffset.UTC);

    static final String READ = "SecurityAlert.Read.All";
    static final String WRITE = "SecurityAlert.ReadWrite.All";

    private final GraphAlertStore store;
    private final AccessTokens tokens;
    private final Clock clock;
    private final AlertListing listing;
    /** A change to make before the next page after a first one is made; see {@link AzureEmulator#beforeNextAlertPage}. */
    private final AtomicReference<Runnable> beforeNextPage = new AtomicReference<>();

    GraphApi(GraphAlertStore store, AccessTokens tokens, Clock clock, AlertListing listing) {
        this.store = store;
        this.tokens = tokens;
        this.clock = clock;
        this.listing = listing;
    }

    void beforeNextPage(Runnable change) {
        beforeNextPage.set(change);
    }

    void register(Javalin app, Routes routes) {
        routes.add(app, HandlerType.GET, ALERTS, new Route("graph.alerts.list", this, READ), this::list);
        routes.add(app, HandlerType.GET, ALERTS + "/{id}", new Route("graph.alerts.get", this, READ), this::get);
        routes.add(app, HandlerType.PATCH, ALERTS + "/{id}", new Route("graph.alerts.patch", this, WRITE), this::update);
        routes.add(app, HandlerType.POST, ALERTS + "/{id}/comments", new Route("graph.alerts.comment", this, WRITE),
                this::comment);
    }

    @Override
    public void render(Context ctx, ApiError error) {
        error.retryAfter.ifPresent(after -> ctx.header("Retry-After", Long.toString(after.toSeconds())));
        renderError(ctx, error.status, error.code, error.getMessage());
    }

    /** Graph's answer when the app registration lacks the application permission (the "role" in its token). */
    @Override
    public ApiError forbidden(Route route) {
        return new ApiError(403, "Forbidden", "Missing application roles. API required roles: " + route.permission()
                + ". Application roles: none.");
    }

    void renderError(Context ctx, int status, String code, String message) {
        ObjectNode innerError = JsonNodeFactory.instance.objectNode()
                .put("date", ERROR_DATE.format(clock.instant()))
                .put("request-id", requestId(ctx));
        String clientRequestId = ctx.header("client-request-id");
        if (clientRequestId != null) {
            innerError.put("client-request-id", clientRequestId);
        }
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.putObject("error").put("code", code).put("message", message).set("innerError", innerError);
        ctx.status(status).contentType(CONTENT_TYPE).result(Json.write(body));
    }

    @Override
    public void authorize(Context ctx) {
        ctx.header("request-id", requestId(ctx));
        String clientRequestId = ctx.header("client-request-id");
        if (clientRequestId != null) {
            ctx.header("client-request-id", clientRequestId);
        }
        String message = switch (tokens.check(ctx.header("Authorization"), Set.of(EntraIdApi.GRAPH_RESOURCE))) {
            case VALID -> null;
            case MISSING -> "Access token is empty.";
            case UNKNOWN -> "Access token validation failure.";
            case EXPIRED -> "Lifetime validation failed, the token is expired.";
            case WRONG_AUDIENCE -> "Access token validation failure. Invalid audience.";
        };
        if (message != null) {
            ctx.header("WWW-Authenticate", "Bearer realm=\"\", authorization_uri=\"https://login.microsoftonline.com/"
                    + "common/oauth2/authorize\", client_id=\"00000003-0000-0000-c000-000000000000\"");
            throw new ApiError(401, "InvalidAuthenticationToken", message);
        }
    }

    private void list(Context ctx) {
        for (String option : ctx.queryParamMap().keySet()) {
            if (option.startsWith("$") && !QUERY_OPTIONS.contains(option)) {
                throw new ApiError(400, "BadRequest", "The query option '" + option
                        + "' is not supported by the emulator; supported: " + QUERY_OPTIONS);
            }
        }
        String filterText = ctx.queryParam("$filter");
        String orderBy = ctx.queryParam("$orderby");
        String topText = ctx.queryParam("$top");
        String skipText = ctx.queryParam("$skip");
        String skipToken = ctx.queryParam("$skiptoken");
        String countText = ctx.queryParam("$count");
        AlertFilter filter = badRequestIfInvalid(() -> AlertFilter.parse(filterText));
        if (orderBy != null && !(listing == AlertListing.OLDEST_UPDATE_FIRST
                && ORDER_BY.contains(orderBy.trim().replaceAll("\\s+", " ")))) {
            throw new ApiError(400, "BadRequest", "The $orderby '" + orderBy
                    + "' is not supported; alerts are listed " + listing);
        }
        if (countText != null && !countText.equals("true") && !countText.equals("false")) {
            throw new ApiError(400, "BadRequest", "Invalid $count '" + countText + "': it must be true or false");
        }
        int top = top(topText);
        long skip = skip(skipText);
        AlertCursor after = skipToken == null ? null : badRequestIfInvalid(() -> AlertCursor.decode(skipToken));
        if (after != null || skip > 0) {
            Runnable change = beforeNextPage.getAndSet(null);
            if (change != null) {
                change.run();
            }
        }

        // A $skip given by the client pages by offset in any listing.
        boolean byPosition = after != null || listing.byPosition() && skip == 0;
        List<ObjectNode> alerts;
        long count;
        synchronized (store) { // the page and its count as of one moment
            alerts = byPosition
                    ? store.page(filter, after, top + 1)
                    : store.page(filter, listing.order(), skip, top + 1);
            count = store.count(filter);
        }
        boolean more = alerts.size() > top;
        List<ObjectNode> page = more ? alerts.subList(0, top) : alerts;
        boolean unknownMembers = prefersUnknownMembers(ctx);

        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.put("@odata.context", graphBase(ctx) + "/$metadata#security/alerts_v2");
        if ("true".equals(countText)) {
            body.put("@odata.count", count);
        }
        if (more) {
            String position = byPosition
                    ? "$skiptoken=" + GraphAlertStore.cursorOf(page.get(page.size() - 1)).encode()
                    : "$skip=" + (skip + top);
            body.put("@odata.nextLink", nextLink(ctx, filterText, orderBy, topText, countText, position));
        }
        ArrayNode value = body.putArray("value");
        page.forEach(alert -> value.add(unknownMembers ? alert : GraphEnums.hideUnknownMembers(alert)));
        ok(ctx, body);
    }

    private void get(Context ctx) {
        String id = ctx.pathParam("id");
        ObjectNode alert = store.get(id).orElseThrow(() -> notFound(id));
        ok(ctx, entity(ctx, alert));
    }

    private void update(Context ctx) {
        String id = ctx.pathParam("id");
        ObjectNode changes = badRequestIfInvalid(() -> Json.readObject(ctx.body()));
        ObjectNode alert = badRequestIfInvalid(() -> store.update(id, changes, APP_DISPLAY_NAME)).orElseThrow(() -> notFound(id));
        ok(ctx, entity(ctx, alert));
    }

    /**
     * Takes the one alertComment object Microsoft documents. The array that the generated Graph SDKs send
     * ({@code comments().post(List)}) gets the answer their users report from Graph (microsoftgraph/msgraph-sdk-java#2131,
     * msgraph-sdk-dotnet#2514, msgraph-sdk-python#1168): 400 BadRequest "Empty Payload. JSON content expected.".
     */
    private void comment(Context ctx) {
        String id = ctx.pathParam("id");
        String text = commentText(ctx);
        List<ObjectNode> comments = badRequestIfInvalid(() -> store.addComment(id, text, APP_DISPLAY_NAME))
                .orElseThrow(() -> notFound(id));
        ObjectNode response = JsonNodeFactory.instance.objectNode();
        response.put("@odata.context", graphBase(ctx) + "/$metadata#security/alerts_v2('" + id + "')/comments");
        response.putArray("value").addAll(comments);
        ok(ctx, response);
    }

    /** The text of the one alertComment object a comment POST (of an alert or an incident) must carry. */
    static String commentText(Context ctx) {
        JsonNode body = badRequestIfInvalid(() -> Json.readTree(ctx.body()));
        if (!body.isObject()) {
            throw new ApiError(400, "BadRequest", "Empty Payload. JSON content expected.");
        }
        String text = badRequestIfInvalid(() -> ODataType.require(body, COMMENT_ODATA_TYPE)).path("comment").asText(null);
        if (text == null) {
            throw new ApiError(400, "BadRequest", "The alertComment needs a 'comment' string");
        }
        return text;
    }

    private ObjectNode entity(Context ctx, ObjectNode alert) {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.put("@odata.context", graphBase(ctx) + "/$metadata#security/alerts_v2/$entity");
        body.setAll(prefersUnknownMembers(ctx) ? alert : GraphEnums.hideUnknownMembers(alert));
        return body;
    }

    private static void ok(Context ctx, ObjectNode body) {
        ctx.status(200).contentType(CONTENT_TYPE).result(Json.write(body));
    }

    boolean prefersUnknownMembers(Context ctx) {
        for (String header : Collections.list(ctx.req().getHeaders("Prefer"))) {
            for (String preference : header.split(",")) {
                if (preference.trim().equalsIgnoreCase(GraphEnums.PREFER_UNKNOWN_MEMBERS)) {
                    ctx.header("Preference-Applied", GraphEnums.PREFER_UNKNOWN_MEMBERS);
                    return true;
                }
            }
        }
        return false;
    }

    static int top(String text) {
        return Api.top(text, DEFAULT_TOP, MAX_TOP);
    }

    private static long skip(String text) {
        if (text == null) {
            return 0;
        }
        try {
            long skip = Long.parseLong(text.trim());
            if (skip >= 0) {
                return skip;
            }
        } catch (NumberFormatException e) {
            // falls through to the 400 below
        }
        throw new ApiError(400, "BadRequest", "Invalid $skip '" + text + "': it must be 0 or more");
    }

    /** The request's own options and where the next page starts ({@code $skiptoken=…} or {@code $skip=…}). */
    private static String nextLink(Context ctx, String filter, String orderBy, String top, String count,
                                   String position) {
        StringBuilder link = new StringBuilder(graphBase(ctx)).append("/security/alerts_v2?");
        if (filter != null) {
            link.append("$filter=").append(encode(filter)).append('&');
        }
        if (orderBy != null) {
            link.append("$orderby=").append(encode(orderBy)).append('&');
        }
        if (top != null) {
            link.append("$top=").append(encode(top)).append('&');
        }
        if (count != null) {
            link.append("$count=").append(encode(count)).append('&');
        }
        return link.append(position).toString();
    }

    /** Percent-encodes a query value; spaces as %20, because clients build a URI from the link as is. */
    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static String graphBase(Context ctx) {
        return ctx.scheme() + "://" + ctx.host() + "/v1.0";
    }

    private static String requestId(Context ctx) {
        String id = ctx.attribute(REQUEST_ID);
        if (id == null) {
            id = UUID.randomUUID().toString();
            ctx.attribute(REQUEST_ID, id);
        }
        return id;
    }

    private static ApiError notFound(String id) {
        return new ApiError(404, "NotFound", "The alert '" + id + "' was not found.");
    }

    static <T> T badRequestIfInvalid(Supplier<T> action) {
        try {
            return action.get();
        } catch (IllegalArgumentException e) {
            throw new ApiError(400, "BadRequest", e.getMessage());
        }
    }
}
