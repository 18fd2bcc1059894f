package io.sentinelpager.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sentinelpager.platform.local.LocalCluster;
import io.sentinelpager.responder.ResponderService;
import io.sentinelpager.testkit.LocalClusterExtension;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two responder instances behind one load balancer, as a cluster runs them: whichever instance a request reaches
 * knows every alert, and an action taken through one is seen through the other.
 */
@ExtendWith(LocalClusterExtension.class)
class ResponderInstancesIT {

    static final HttpClient HTTP = HttpClient.newHttpClient();
    static final ObjectMapper JSON = new ObjectMapper();
    /** Spread over the alert topics' partitions: a view split by partition would miss some on each instance. */
    static final int ALERTS = 6;

    static Pipeline pipeline;

    @TempDir
    Path stateDir;

    @BeforeAll
    static void start(LocalCluster cluster) {
        pipeline = Pipeline.shared(cluster);
    }

    @Test
    void eachInstanceServesEveryAlertAndAnActionThroughOneIsSeenThroughTheOther() throws Exception {
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < ALERTS; i++) {
            keys.add(pipeline.pagedAlert());
        }
        try (ResponderService second = pipeline.anotherResponder(stateDir, Clock.systemUTC())) {
            int first = pipeline.responderPort();
            int other = second.port();
            await("the second instance lists every alert").atMost(Duration.ofSeconds(90))
                    .pollInterval(Duration.ofMillis(300))
                    .untilAsserted(() -> assertThat(openAlerts(other)).containsAll(keys));
            assertThat(openAlerts(first)).as("the first instance, after the second joined").containsAll(keys);

            for (String key : keys) {
                assertThat(status(other, key)).as("%s through the second instance", key).isEqualTo("triggered");
            }
            HttpResponse<String> ack = send(other, "/api/alerts/" + keys.get(0) + "/ack", true);
            assertThat(ack.statusCode()).as("acknowledged through the second instance: %s", ack.body())
                    .isBetween(200, 299);
            await("the acknowledgement seen through both").atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(300)).untilAsserted(() -> {
                        assertThat(status(first, keys.get(0))).isEqualTo("acknowledged");
                        assertThat(status(other, keys.get(0))).isEqualTo("acknowledged");
                    });
        }
    }

    /** The keys of the open alerts the analyst's teams see through the instance on this port. */
    private static List<String> openAlerts(int port) throws Exception {
        HttpResponse<String> response = send(port, "/api/alerts", false);
        assertThat(response.statusCode()).as("GET /api/alerts: %s", response.body()).isEqualTo(200);
        List<String> keys = new ArrayList<>();
        for (JsonNode alert : JSON.readTree(response.body())) {
            keys.add(alert.path("key").asText());
        }
        return keys;
    }

    private static String status(int port, String key) throws Exception {
        HttpResponse<String> response = send(port, "/api/alerts/" + key, false);
        return response.statusCode() == 200 ? JSON.readTree(response.body()).path("status").asText()
                : "http " + response.statusCode();
    }

    private static HttpResponse<String> send(int port, String path, boolean post) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Authorization", "Bearer " + pipeline.tokens.get("analyst"));
        request = post ? request.POST(HttpRequest.BodyPublishers.noBody()) : request.GET();
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
