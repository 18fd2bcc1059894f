package io.sentinelpager.emulator;

import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.HandlerType;
import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import org.eclipse.jetty.server.Request;

/**
 * Registers the emulated API routes so that every call goes through the same gate, in the order
 * Azure applies it: token check, permission (403 if revoked), injected fault, any race a test set
 * up, then the operation;
 * and so that every call lands in the {@link RequestLog}.
 */
final class Routes {

    private static final String ROUTE = "emulator.route";
    private static final String ARRIVED = "emulator.arrived";
    private static final String DROPPED = "emulator.dropped";
    private static final String BODY = "emulator.body";
    private static final String ADMIN_PREFIX = "/admin/";

    private final Faults faults;
    private final RequestLog log;

    Routes(Faults faults, RequestLog log) {
        this.faults = faults;
        this.log = log;
    }

    /** Stamps arrival and logs every answered request; call once, before registering routes. */
    void install(Javalin app, Api fallbackApi) {
        app.before(ctx -> ctx.attribute(ARRIVED, log.sinceStart()));
        app.exception(ApiError.class, (e, ctx) -> api(ctx).orElse(fallbackApi).render(ctx, e));
    }

    /** The request logger for Javalin's config: one entry per request, after its answer is known. */
    void logRequest(Context ctx, Float executionMillis) {
        if (ctx.path().startsWith(ADMIN_PREFIX)) {
            return;
        }
        Route route = ctx.attribute(ROUTE);
        Duration arrived = ctx.attribute(ARRIVED);
        int status = Boolean.TRUE.equals(ctx.attribute(DROPPED)) ? 0 : ctx.statusCode();
        String body = ctx.attribute(BODY);
        log.add(route == null ? "unmatched" : route.name(), ctx.method().name(), ctx.path(), ctx.queryString(),
                status, arrived == null ? log.sinceStart() : arrived, Duration.ofNanos((long) (executionMillis * 1e6)),
                body == null ? "" : body);
    }

    void add(Javalin app, HandlerType method, String path, Route route, Handler operation) {
        faults.register(route.name());
        app.addHttpHandler(method, path, ctx -> {
            ctx.attribute(ROUTE, route);
            // Read before anything can refuse the request, so that the log has the body of every answer.
            ctx.attribute(BODY, route.api().bodiesCarryCredentials() ? "" : ctx.body());
            route.api().authorize(ctx);
            if (faults.isRevoked(route.name())) {
                throw route.api().forbidden(route);
            }
            Optional<Fault> fault = faults.next(route.name());
            if (fault.isPresent() && !apply(ctx, route, fault.get())) {
                return;
            }
            faults.takeRaces(route.name()).forEach(Runnable::run);
            operation.handle(ctx);
        });
    }

    static Optional<Api> api(Context ctx) {
        Route route = ctx.attribute(ROUTE);
        return Optional.ofNullable(route).map(Route::api);
    }

    /** @return whether the operation still runs after the fault (only added latency lets it) */
    private static boolean apply(Context ctx, Route route, Fault fault) throws InterruptedException {
        return switch (fault.kind()) {
            case THROTTLE -> throw new ApiError(429, "TooManyRequests", "Too many requests on " + route.name()
                    + ". Retry after " + fault.delay().toSeconds() + " seconds.", Optional.of(fault.delay()));
            case SERVER_ERROR -> throw new ApiError(500, "InternalServerError",
                    "An internal server error occurred on " + route.name() + ".");
            case UNAVAILABLE -> throw new ApiError(503, "ServiceUnavailable", "The service is temporarily"
                    + " unavailable on " + route.name() + ". Retry after " + fault.delay().toSeconds() + " seconds.",
                    Optional.of(fault.delay()));
            case LATENCY -> {
                Thread.sleep(fault.delay().toMillis());
                yield true;
            }
            case RESET -> {
                ctx.attribute(DROPPED, true);
                Request.getBaseRequest(ctx.req()).getHttpChannel().abort(new IOException("injected connection reset"));
                yield false;
            }
        };
    }
}
