package io.sentinelpager.platform.service;

import io.javalin.Javalin;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code /health/live} (the process answers), {@code /health/ready} (every service is processing; 503 with the
 * ones that are not) and {@code /metrics} (Prometheus text format) for one process.
 */
public final class HealthServer implements AutoCloseable {

    private final Javalin app;

    public HealthServer(String host, int port, List<? extends Service> services, PrometheusMeterRegistry registry) {
        app = Javalin.create(config -> config.showJavalinBanner = false)
                .get("/health/live", ctx -> ctx.json(Map.of("status", "UP")))
                .get("/health/ready", ctx -> {
                    Map<String, String> each = new LinkedHashMap<>();
                    boolean all = true;
                    for (Service s : services) {
                        boolean ready = s.ready();
                        all &= ready;
                        each.put(s.name(), ready ? "UP" : "DOWN");
                    }
                    ctx.status(all ? 200 : 503).json(Map.of("status", all ? "UP" : "DOWN", "services", each));
                })
                .get("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8")
                        .result(registry.scrape()))
                .start(host, port);
    }

    public int port() {
        return app.port();
    }

    @Override
    public void close() {
        app.stop();
    }
}
