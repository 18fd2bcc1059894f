package io.sentinelpager.emulator;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The Log Analytics query API: {@code POST /v1/workspaces/{workspaceId}/query} with
 * {@code {"query","timespan"}}, answered from {@link LogAnalyticsTables}. Like the service it allows
 * at most {@value #MAX_CONCURRENT} queries at once per caller (user or app) and answers a sixth with 429, and at
 * most {@value #MAX_PER_WINDOW} requests per {@link #WINDOW} (on the emulator's clock, so a test moves past the
 * window instead of waiting it out), answering the next with 429 and the seconds until one leaves the window in
 * {@code Retry-After}. Errors use its shape {@code {"error":{"message","code","innererror"?}}}.
 */
final class LogAnalyticsApi implements Api {

    static final String RESOURCE = "https://api.loganalytics.io";
    static final int MAX_CONCURRENT = 5;
    /** Azure Monitor's documented query API limit: 200 requests per 30 seconds per user or client. */
    static final int MAX_PER_WINDOW = 200;
    static final Duration WINDOW = Duration.ofSeconds(30);

    private final LogAnalyticsTables tables;
    private final AccessTokens tokens;
    /** Queries running now; the emulator has one app registration, so one caller. */
    private final AtomicInteger inFlight = new AtomicInteger();
    private final Clock clock;
    /** Arrival times of the requests in the current window, oldest first; one caller, as above. */
    private final Deque<Instant> recent = new ArrayDeque<>();

    LogAnalyticsApi(LogAnalyticsTables tables, AccessTokens tokens, Clock clock) {
        this.tables = tables;
        this.tokens = tokens;
        this.clock = clock;
    }

    void register(Javalin app, Routes routes) {
        routes.add(app, HandlerType.POST, "/v1/workspaces/{workspaceId}/query",
                new Route("loganalytics.query", this, "Microsoft.OperationalInsights/workspaces/query/read"),
                this::query);
    }

    /**
     * Counts the request against the rate window, or refuses it. A refused request does not count,
     * so a client that waits out Retry-After gets in. The code and message of the service's answer
     * are not published; these follow its other 429.
     */
    private synchronized void admitToWindow() {
        Instant now = clock.instant();
        Instant windowStart = now.minus(WINDOW);
        while (!recent.isEmpty() && !recent.peekFirst().isAfter(windowStart)) {
            recent.removeFirst();
        }
        if (recent.size() >= MAX_PER_WINDOW) {
            Duration wait = Duration.between(windowStart, recent.peekFirst());
            long seconds = Math.max(1, (wait.toMillis() + 999) / 1000);
            throw new ApiError(429, "TooManyRequests", "Too many requests: at most " + MAX_PER_WINDOW
                    + " queries may be sent in " + WINDOW.toSeconds() + " seconds by a user",
                    Optional.of(Duration.ofSeconds(seconds)));
        }
        recent.addLast(now);
    }

    /**
     * Takes a token for the Log Analytics resource only, on each of the service's hosts. The service's own words
     * for each failure come from Azure Monitor's "Log Analytics API errors" page, but for a token of another
     * audience: its InvalidAuthenticationTokenAudience sample there is what Resource Manager answers a Log
     * Analytics token (see SentinelApi). The direct API answers 403 InvalidTokenError "The provided
     * authentication is not valid for this resource" (reported by SDK users: Azure/azure-sdk-for-js#15399,
     * microsoft/onefuzz#3287).
     */
    @Override
    public void authorize(Context ctx) {
        switch (tokens.check(ctx.header("Authorization"), Set.of(RESOURCE))) {
            case VALID -> {
            }
            case MISSING -> throw new ApiError(401, "AuthenticationFailed",
                    "Authentication failed. The 'Authorization' header is missing.");
            case WRONG_AUDIENCE -> throw new ApiError(403, "InvalidTokenError",
                    "The provided authentication is not valid for this resource");
            default -> throw new ApiError(403, "InvalidAuthenticationToken", "The access token is invalid.");
        }
    }

    @Override
    public void render(Context ctx, ApiError error) {
        error.retryAfter.ifPresent(after -> ctx.header("Retry-After", Long.toString(after.toSeconds())));
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.putObject("error").put("message", error.getMessage()).put("code", error.code);
        ctx.status(error.status).contentType("application/json; charset=utf-8").result(Json.write(body));
    }

    @Override
    public ApiError forbidden(Route route) {
        return new ApiError(403, "InsufficientAccessError",
                "The provided credentials have insufficient access to perform the requested operation");
    }

    private void query(Context ctx) throws InterruptedException {
        admitToWindow();
        if (inFlight.incrementAndGet() > MAX_CONCURRENT) {
            inFlight.decrementAndGet();
            throw new ApiError(429, "TooManyRequests", "Too many concurrent queries: at most " + MAX_CONCURRENT
                    + " may run at once for a user");
        }
        try {
            ObjectNode request;
            try {
                request = Json.readObject(ctx.body());
            } catch (IllegalArgumentException e) {
                throw new ApiError(400, "BadArgumentError", e.getMessage());
            }
            String query = request.path("query").asText("");
            if (query.isBlank()) {
                throw new ApiError(400, "BadArgumentError", "The request had some invalid properties: 'query' is required");
            }
            tables.awaitRelease();
            LogAnalyticsTables.Answer answer = tables.find(ctx.pathParam("workspaceId"), query).orElseThrow(() ->
                    new ApiError(400, "BadArgumentError", "The emulator has no answer registered for this query in"
                            + " workspace " + ctx.pathParam("workspaceId") + ": " + query));
            ctx.status(answer.status()).contentType("application/json; charset=utf-8").result(Json.write(answer.body()));
        } finally {
            inFlight.decrementAndGet();
        }
    }
}
