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
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Microsoft Sentinel incidents REST API on Azure Resource Manager, at the stable api-versions
 * 2025-09-01 and 2025-12-01: list ($filter, $orderby, $top, nextLink), get, PUT with etag, the
 * incident's alerts (a POST), and comments. Errors use ARM's shape {@code {"error":{"code","message"}}};
 * a missing role answers ARM's 403 AuthorizationFailed naming the action, as ARM does (it never
 * names the role; the client has to).
 *
 * <p>$filter understands clauses joined by {@code and}: {@code properties/lastModifiedTimeUtc} or
 * {@code properties/createdTimeUtc} with ge, gt, le, lt and a date-time, and {@code properties/status}
 * or {@code properties/severity} with eq and a quoted value. $orderby takes either time, asc or desc
 * (default {@code properties/createdTimeUtc asc}). The $skipToken of the nextLink holds the last incident's position
 * or an offset, as {@link EmulatorOptions#incidentPaging()} says: ARM does not document which.
 */
final class SentinelApi implements Api {

    /**
     * The audiences ARM takes, in the order its refusal names them (users' reports of the 401, e.g.
     * JetBrains/azure-tools-for-intellij#16, hashicorp/go-azure-helpers#51).
     */
    static final List<String> AUDIENCES = List.of("https://management.core.windows.net/",
            "https://management.core.windows.net", "https://management.azure.com/", "https://management.azure.com");
    static final Set<String> API_VERSIONS = Set.of("2025-09-01", "2025-12-01");
    static final int DEFAULT_TOP = 50;
    static final int MAX_TOP = 1000;

    private static final String WORKSPACE = "/subscriptions/{sub}/resourceGroups/{rg}/providers/"
            + "Microsoft.OperationalInsights/workspaces/{ws}/providers/Microsoft.SecurityInsights";
    private static final String INCIDENTS = WORKSPACE + "/incidents";
    private static final String READ = "Microsoft.SecurityInsights/incidents/read";
    private static final String WRITE = "Microsoft.SecurityInsights/incidents/write";
    private static final Pattern TIME_CLAUSE =
            Pattern.compile("properties/(lastModifiedTimeUtc|createdTimeUtc) (ge|gt|le|lt) '?([^' ]+)'?");
    private static final Pattern ENUM_CLAUSE = Pattern.compile("properties/(status|severity) eq '([^']*)'");
    private static final Pattern ORDER_BY = Pattern.compile("properties/(createdTimeUtc|lastModifiedTimeUtc)(?: (asc|desc))?");

    private final SentinelIncidentStore store;
    private final AccessTokens tokens;
    private final EmulatorOptions options;
    /**
     * A change to make before the next page after a first one is made; see
     * {@link AzureEmulator#beforeNextIncidentPage}.
     */
    private final AtomicReference<Runnable> beforeNextPage = new AtomicReference<>();

    SentinelApi(SentinelIncidentStore store, AccessTokens tokens, EmulatorOptions options) {
        this.store = store;
        this.tokens = tokens;
        this.options = options;
    }

    void beforeNextPage(Runnable change) {
        beforeNextPage.set(change);
    }

    void register(Javalin app, Routes routes) {
        routes.add(app, HandlerType.GET, INCIDENTS, route("sentinel.incidents.list", READ), this::list);
        routes.add(app, HandlerType.GET, INCIDENTS + "/{id}", route("sentinel.incidents.get", READ), this::get);
        routes.add(app, HandlerType.PUT, INCIDENTS + "/{id}", route("sentinel.incidents.put", WRITE), this::put);
        routes.add(app, HandlerType.POST, INCIDENTS + "/{id}/alerts", route("sentinel.incidents.alerts", READ),
                this::alerts);
        routes.add(app, HandlerType.GET, INCIDENTS + "/{id}/comments", route("sentinel.comments.list",
                "Microsoft.SecurityInsights/incidents/comments/read"), this::comments);
        routes.add(app, HandlerType.PUT, INCIDENTS + "/{id}/comments/{commentId}", route("sentinel.comments.put",
                "Microsoft.SecurityInsights/incidents/comments/write"), this::putComment);
    }

    /** ARM checks the token first, then the api-version, before the resource provider sees the call. */
    @Override
    public void authorize(Context ctx) {
        String authorization = ctx.header("Authorization");
        ApiError refusal = switch (tokens.check(authorization, AUDIENCES)) {
            case VALID -> null;
            case MISSING -> new ApiError(401, "AuthenticationFailed",
                    "Authentication failed. The 'Authorization' header is missing.");
            case UNKNOWN -> new ApiError(401, "InvalidAuthenticationToken", "The access token is invalid.");
            case EXPIRED -> new ApiError(401, "ExpiredAuthenticationToken",
                    "The access token expiry UTC time is earlier than current UTC time.");
            case WRONG_AUDIENCE -> new ApiError(401, "InvalidAuthenticationTokenAudience",
                    "The access token has been obtained for wrong audience or resource '"
                            + tokens.issued(authorization).orElseThrow().audience() + "'. It should exactly match with"
                            + " one of the allowed audiences '" + String.join("','", AUDIENCES) + "'.");
        };
        if (refusal != null) {
            ctx.header("WWW-Authenticate", "Bearer authorization_uri=\"https://login.windows.net/\", error=\"invalid_token\"");
            throw refusal;
        }
        String version = ctx.queryParam("api-version");
        if (version == null) {
            throw new ApiError(400, "MissingApiVersionParameter",
                    "The api-version query parameter (?api-version=) is required for all requests.");
        }
        if (!API_VERSIONS.contains(version)) {
            throw new ApiError(400, "InvalidApiVersionParameter", "The api-version '" + version
                    + "' is invalid. The supported versions are '" + String.join(",", API_VERSIONS.stream().sorted().toList())
                    + "'.");
        }
    }

    @Override
    public void render(Context ctx, ApiError error) {
        error.retryAfter.ifPresent(after -> ctx.header("Retry-After", Long.toString(after.toSeconds())));
        ctx.header("x-ms-request-id", UUID.randomUUID().toString());
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.putObject("error").put("code", error.code).put("message", error.getMessage());
        ctx.status(error.status).contentType("application/json; charset=utf-8").result(Json.write(body));
    }

    @Override
    public ApiError forbidden(Route route) {
        return new ApiError(403, "AuthorizationFailed", "The client '" + options.clientId() + "' with object id '"
                + options.clientId() + "' does not have authorization to perform action '" + route.permission()
                + "' over scope of this workspace or the scope is invalid. If access was recently granted, please"
                + " refresh your credentials.");
    }

    private Route route(String name, String action) {
        return new Route(name, this, action);
    }

    private void list(Context ctx) {
        SentinelWorkspace workspace = workspace(ctx);
        Predicate<ObjectNode> filter = filter(ctx.queryParam("$filter"));
        Matcher order = ORDER_BY.matcher(ctx.queryParamAsClass("$orderby", String.class)
                .getOrDefault("properties/createdTimeUtc asc").trim());
        if (!order.matches()) {
            throw new ApiError(400, "BadRequest", "The $orderby '" + ctx.queryParam("$orderby") + "' is not supported;"
                    + " use properties/createdTimeUtc or properties/lastModifiedTimeUtc, asc or desc");
        }
        String field = order.group(1);
        Comparator<Position> comparator = Comparator.comparing(Position::time).thenComparing(Position::name);
        if ("desc".equals(order.group(2))) {
            comparator = comparator.reversed();
        }
        int top = top(ctx.queryParam("$top"));
        String skipToken = ctx.queryParam("$skipToken");
        boolean byOffset = options.incidentPaging() == IncidentPaging.BY_OFFSET;
        Position after = skipToken == null || byOffset ? null : Position.decode(skipToken);
        long offset = skipToken == null || !byOffset ? 0 : offset(skipToken);
        if (skipToken != null) {
            Runnable change = beforeNextPage.getAndSet(null);
            if (change != null) {
                change.run();
            }
        }

        List<ObjectNode> matching = new ArrayList<>();
        for (ObjectNode incident : store.all(workspace)) {
            if (filter.test(incident)) {
                matching.add(incident);
            }
        }
        Comparator<Position> byOrder = comparator;
        List<ObjectNode> page = matching.stream()
                .filter(incident -> after == null || byOrder.compare(Position.of(incident, field), after) > 0)
                .sorted(Comparator.comparing(incident -> Position.of(incident, field), byOrder))
                .skip(offset)
                .limit(top + 1L)
                .toList();
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        ArrayNode value = body.putArray("value");
        page.stream().limit(top).forEach(value::add);
        if (page.size() > top) {
            body.put("nextLink", nextLink(ctx, byOffset ? encodeOffset(offset + top)
                    : Position.of(page.get(top - 1), field).encode()));
        }
        ok(ctx, 200, body);
    }

    private void get(Context ctx) {
        String id = ctx.pathParam("id");
        ok(ctx, 200, store.get(workspace(ctx), id).orElseThrow(() -> notFound(id)));
    }

    private void put(Context ctx) {
        SentinelIncidentStore.Written written = store.put(workspace(ctx), ctx.pathParam("id"), body(ctx));
        ok(ctx, written.created() ? 201 : 200, written.resource());
    }

    private void alerts(Context ctx) {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.putArray("value").addAll(store.alerts(workspace(ctx), ctx.pathParam("id")));
        ok(ctx, 200, body);
    }

    private void comments(Context ctx) {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.putArray("value").addAll(store.comments(workspace(ctx), ctx.pathParam("id")));
        ok(ctx, 200, body);
    }

    private void putComment(Context ctx) {
        ObjectNode author = JsonNodeFactory.instance.objectNode()
                .put("objectId", options.clientId())
                .put("name", GraphApi.APP_DISPLAY_NAME);
        SentinelIncidentStore.Written written = store.putComment(workspace(ctx), ctx.pathParam("id"),
                ctx.pathParam("commentId"), body(ctx), author);
        ok(ctx, written.created() ? 201 : 200, written.resource());
    }

    private static SentinelWorkspace workspace(Context ctx) {
        return new SentinelWorkspace(ctx.pathParam("sub"), ctx.pathParam("rg"), ctx.pathParam("ws"));
    }

    private static ObjectNode body(Context ctx) {
        try {
            return Json.readObject(ctx.body());
        } catch (IllegalArgumentException e) {
            throw new ApiError(400, "BadRequest", e.getMessage());
        }
    }

    private static Predicate<ObjectNode> filter(String text) {
        Predicate<ObjectNode> all = incident -> true;
        if (text == null || text.isBlank()) {
            return all;
        }
        for (String clause : text.trim().split("\\s+and\\s+")) {
            all = all.and(clause(clause.trim(), text));
        }
        return all;
    }

    private static Predicate<ObjectNode> clause(String clause, String filter) {
        Matcher time = TIME_CLAUSE.matcher(clause);
        if (time.matches()) {
            String field = time.group(1);
            Instant bound = parseTime(time.group(3), filter);
            return switch (time.group(2)) {
                case "ge" -> incident -> !timeOf(incident, field).isBefore(bound);
                case "gt" -> incident -> timeOf(incident, field).isAfter(bound);
                case "le" -> incident -> !timeOf(incident, field).isAfter(bound);
                default -> incident -> timeOf(incident, field).isBefore(bound);
            };
        }
        Matcher member = ENUM_CLAUSE.matcher(clause);
        if (member.matches()) {
            return incident -> member.group(2).equals(incident.path("properties").path(member.group(1)).asText());
        }
        throw new ApiError(400, "BadRequest", "Invalid $filter '" + filter + "': the emulator understands"
                + " properties/lastModifiedTimeUtc or properties/createdTimeUtc with ge, gt, le, lt, and"
                + " properties/status or properties/severity with eq, joined by 'and'");
    }

    private static Instant parseTime(String text, String filter) {
        try {
            return GraphTime.parse(text);
        } catch (IllegalArgumentException e) {
            throw new ApiError(400, "BadRequest", "Invalid date-time '" + text + "' in $filter '" + filter + "'");
        }
    }

    private static Instant timeOf(ObjectNode incident, String field) {
        return GraphTime.parse(incident.path("properties").path(field).asText());
    }

    private static int top(String text) {
        return Api.top(text, DEFAULT_TOP, MAX_TOP);
    }

    /** @param skipToken where the next page starts: a {@link Position} or an offset, encoded */
    private static String nextLink(Context ctx, String skipToken) {
        StringBuilder link = new StringBuilder(ctx.scheme()).append("://").append(ctx.host()).append(ctx.path())
                .append('?');
        ctx.queryParamMap().forEach((name, values) -> {
            if (!name.equals("$skipToken")) {
                values.forEach(value -> link.append(encode(name)).append('=').append(encode(value)).append('&'));
            }
        });
        return link.append("$skipToken=").append(skipToken).toString();
    }

    /** An offset as opaque to the client as a position: ARM's tokens are not meant to be read. */
    private static String encodeOffset(long offset) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(
                ("offset " + offset).getBytes(StandardCharsets.UTF_8));
    }

    private static long offset(String token) {
        try {
            String raw = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
            if (raw.startsWith("offset ")) {
                long offset = Long.parseLong(raw.substring("offset ".length()));
                if (offset >= 0) {
                    return offset;
                }
            }
        } catch (IllegalArgumentException e) {
            // falls through to the 400 below (NumberFormatException is one)
        }
        throw new ApiError(400, "BadRequest", "The $skipToken '" + token + "' is not valid");
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20").replace("%24", "$");
    }

    private static ApiError notFound(String id) {
        return new ApiError(404, "NotFound", "The incident '" + id + "' was not found.");
    }

    private static void ok(Context ctx, int status, ObjectNode body) {
        ctx.header("x-ms-request-id", UUID.randomUUID().toString());
        ctx.status(status).contentType("application/json; charset=utf-8").result(Json.write(body));
    }

    /** Where a listing stopped: the sort time and name of the last incident returned. */
    private record Position(Instant time, String name) {

        static Position of(ObjectNode incident, String field) {
            return new Position(timeOf(incident, field), incident.get("name").asText());
        }

        String encode() {
            return Base64.getUrlEncoder().withoutPadding().encodeToString(
                    (GraphTime.format(time) + " " + name).getBytes(StandardCharsets.UTF_8));
        }

        static Position decode(String token) {
            try {
                String raw = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
                int space = raw.indexOf(' ');
                return new Position(GraphTime.parse(raw.substring(0, space)), raw.substring(space + 1));
            } catch (IllegalArgumentException | StringIndexOutOfBoundsException e) {
                throw new ApiError(400, "BadRequest", "The $skipToken '" + token + "' is not valid");
            }
        }
    }
}
