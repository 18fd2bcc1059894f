package io.sentinelpager.testkit.providers;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A real HTTP server on a free loopback port for the channels' ITs: each test gives it the protocol's handler (what
 * the provider checks and answers) and may queue faults that are answered before the handler runs, the way the
 * Azure emulator injects them.
 */
public final class RecordingHttpServer implements AutoCloseable {

    public record Request(String method, String path, Map<String, List<String>> headers, String body) {
        public String header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                    .map(e -> e.getValue().get(0)).findFirst().orElse(null);
        }
    }

    public record Response(int status, String contentType, String body, Map<String, String> headers) {
        public static Response json(int status, String body) {
            return new Response(status, "application/json", body, Map.of());
        }
    }

    @FunctionalInterface
    public interface Handler {
        Response handle(Request request) throws Exception;
    }

    private final HttpServer server;
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final Deque<Response> faults = new ArrayDeque<>();

    public RecordingHttpServer(Handler handler) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> serve(exchange, handler));
        server.start();
    }

    public URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/");
    }

    public List<Request> requests() {
        return requests;
    }

    public synchronized void failNext(Response... responses) {
        faults.addAll(List.of(responses));
    }

    private synchronized Response nextFault() {
        return faults.poll();
    }

    private void serve(HttpExchange exchange, Handler handler) throws IOException {
        try (exchange) {
            Request request = new Request(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
                    Map.copyOf(exchange.getRequestHeaders()),
                    new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            requests.add(request);
            Response response = nextFault();
            if (response == null) {
                try {
                    response = handler.handle(request);
                } catch (Exception e) {
                    response = Response.json(500, "{\"error\":\"" + e.getClass().getSimpleName() + "\"}");
                }
            }
            byte[] body = response.body().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", response.contentType());
            response.headers().forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
            exchange.sendResponseHeaders(response.status(), body.length == 0 ? -1 : body.length);
            if (body.length > 0) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
