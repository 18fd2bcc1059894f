package io.sentinelpager.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sentinelpager.platform.local.LocalCluster;
import io.sentinelpager.testkit.LocalClusterExtension;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A person's calendar feed over HTTP, as a calendar app fetches it (no cookie, no token: the URL is the credential):
 * it serves the person's shifts until a new feed replaces it or the person revokes it, and then answers 404.
 */
@ExtendWith(LocalClusterExtension.class)
class CalendarFeedIT {

    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newHttpClient();
    static Pipeline pipeline;

    @BeforeAll
    static void start(LocalCluster cluster) {
        pipeline = Pipeline.shared(cluster);
    }

    @Test
    void aFeedUrlServesMyShiftsUntilReplacedOrRevoked() throws Exception {
        JsonNode first = JSON.readTree(api("POST").body());
        String url = first.path("url").asText();
        assertThat(first.path("webcal").asText()).startsWith("webcal://").endsWith(".ics");
        assertThat(url).endsWith(first.path("webcal").asText().substring("webcal".length()));

        HttpResponse<String> feed = fetch(url);
        assertThat(feed.statusCode()).isEqualTo(200);
        assertThat(feed.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t)
                .startsWith("text/calendar"));
        // The analyst has every other week of the example rotation, so a quarter ahead holds shifts of theirs.
        assertThat(feed.body()).startsWith("BEGIN:VCALENDAR\r\n").contains("SUMMARY:On call: SOC primary");
        assertThat(JSON.readTree(api("GET").body()).path("url").asText()).isEqualTo(url);

        String second = JSON.readTree(api("POST").body()).path("url").asText();
        assertThat(fetch(url).statusCode()).as("replaced by a new feed").isEqualTo(404);
        assertThat(fetch(second).statusCode()).isEqualTo(200);

        assertThat(api("DELETE").statusCode()).isEqualTo(204);
        HttpResponse<String> revoked = fetch(second);
        assertThat(revoked.statusCode()).as("revoked").isEqualTo(404);
        assertThat(revoked.body()).doesNotContain("BEGIN:VCALENDAR");
        assertThat(api("GET").statusCode()).isEqualTo(404);
    }

    private static HttpResponse<String> api(String method) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + pipeline.responderPort()
                        + "/api/me/calendar")).header("Authorization", "Bearer " + pipeline.tokens.get("analyst"))
                .method(method, HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> fetch(String url) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }
}
