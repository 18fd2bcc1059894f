package io.sentinelpager.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The demo's analyst at work, through the responder API with the demo's token, as a script of the SOC would: each
 * turn closes one alert it acknowledged on an earlier turn and acknowledges the most pressing one nobody has. So the
 * demo always has pages in every state, and Graph's copies {@code inProgress} and {@code resolved} with a verdict, by
 * the same path as a person's clicks; with fewer turns than new alerts, most pages still escalate; and an alert a
 * person acknowledged in the app is theirs to close.
 */
final class DemoAnalyst implements Runnable {

    /** The verdicts a close gives, in turn, so that a report has more than one kind. */
    private static final List<String> VERDICTS = List.of("truePositive", "falsePositive",
            "informationalExpectedActivity");
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final Logger log = LoggerFactory.getLogger(DemoAnalyst.class);

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
    private final ObjectMapper json = new ObjectMapper();
    private final String responderUrl;
    private final String token;
    /** What this analyst acknowledged and has not closed yet; only what is still open stays, so it stays small. */
    private final Set<String> acknowledged = new HashSet<>();
    private int closed;

    DemoAnalyst(String responderUrl, String token) {
        this.responderUrl = responderUrl;
        this.token = token;
    }

    /** One turn; a failure is logged and the next turn tries again, as the scheduler would stop at an exception. */
    @Override
    public void run() {
        try {
            List<JsonNode> open = StreamSupport.stream(json.readTree(call("GET", "/api/alerts", null)).spliterator(),
                    false).toList();
            // The API lists the most severe first, then the oldest: what an analyst picks from.
            acknowledged.retainAll(open.stream().map(a -> a.path("key").asText()).toList());
            Optional<String> mine = keys(open, "acknowledged").filter(acknowledged::contains).findFirst();
            if (mine.isPresent()) {
                String verdict = VERDICTS.get(closed++ % VERDICTS.size());
                call("POST", action(mine.get(), "close"), "{\"classification\":\"" + verdict + "\"}");
                acknowledged.remove(mine.get());
            }
            Optional<String> triggered = keys(open, "triggered").findFirst();
            if (triggered.isPresent()) {
                call("POST", action(triggered.get(), "ack"), null);
                acknowledged.add(triggered.get());
            }
        } catch (IOException | RuntimeException e) {
            log.warn("the demo's analyst could not act this turn: {}", e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Stream<String> keys(List<JsonNode> alerts, String status) {
        return alerts.stream().filter(a -> status.equals(a.path("status").asText())).map(a -> a.path("key").asText());
    }

    private static String action(String key, String action) {
        return "/api/alerts/" + URLEncoder.encode(key, StandardCharsets.UTF_8) + "/" + action;
    }

    private String call(String method, String path, String body) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(responderUrl + path)).timeout(TIMEOUT)
                .header("Authorization", "Bearer " + token)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() / 100 != 2) {
            // The API's refusals say what was wrong and never echo the token.
            throw new IOException(method + " " + path + " answered " + response.statusCode() + ": " + response.body());
        }
        return response.body();
    }
}
