package io.sentinelpager.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sentinelpager.platform.local.LocalCluster;
import io.sentinelpager.platform.security.P256;
import io.sentinelpager.testkit.LocalClusterExtension;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.interfaces.ECPublicKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A signed-in person trying to turn the app's push opt-in into a way to make notify call inside the network (server-
 * side request forgery): the responder accepts only endpoints of the allowed push services that resolve to public
 * addresses, and only so many per person. The pipeline's settings allow 127.0.0.1 as a host and exempt one origin on
 * it ({@link Pipeline#PUSH_ORIGIN}) from the address rule, as tests must; every other loopback endpoint stays refused.
 */
@ExtendWith(LocalClusterExtension.class)
class PushSubscriptionAbuseIT {

    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newHttpClient();
    /** An account with no push contact method in the example config, so no page is pushed to these endpoints. */
    static final String USER = "intern";
    static Pipeline pipeline;

    String cookie;
    String csrf;
    final List<String> subscribed = new ArrayList<>();

    @BeforeAll
    static void start(LocalCluster cluster) {
        pipeline = Pipeline.shared(cluster);
        await("responder up").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .until(() -> send(HttpRequest.newBuilder(uri("/api/me"))).statusCode() == 401);
    }

    @BeforeEach
    void login() throws Exception {
        HttpResponse<String> login = send(HttpRequest.newBuilder(uri("/api/login"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(
                        "{\"user\":\"" + USER + "\",\"password\":\"" + pipeline.password + "\"}")));
        assertThat(login.statusCode()).as(login.body()).isEqualTo(200);
        String setCookie = login.headers().firstValue("Set-Cookie").orElseThrow();
        cookie = setCookie.substring(0, setCookie.indexOf(';'));
        csrf = JSON.readTree(login.body()).path("csrf").asText();
    }

    @AfterEach
    void unsubscribeAll() throws Exception {
        for (String endpoint : subscribed) {
            assertThat(send(request("DELETE", "{\"endpoint\":\"" + endpoint + "\"}")).statusCode()).isEqualTo(204);
        }
        if (subscribed.isEmpty()) {
            return;
        }
        await("no subscriptions left").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                .until(() -> count() == 0);
    }

    @Test
    void aSubscriptionToALoopbackAddressIsRefused() throws Exception {
        // 127.0.0.1 is on this pipeline's host list; only the address rule stands between it and notify.
        for (String endpoint : List.of("https://127.0.0.1/push/x", "https://127.0.0.1:443/push/x")) {
            HttpResponse<String> refused = subscribe(endpoint);
            assertThat(refused.statusCode()).as(endpoint + ": " + refused.body()).isEqualTo(400);
            assertThat(error(refused)).as(endpoint).isEqualTo("endpoint refused: push service host '127.0.0.1'"
                    + " resolves to 127.0.0.1, a loopback address");
        }
        // Kafka's port, the health port: a push service is reached on 443 alone.
        HttpResponse<String> otherPort = subscribe("https://127.0.0.1:9092/push/x");
        assertThat(otherPort.statusCode()).as(otherPort.body()).isEqualTo(400);
        assertThat(error(otherPort)).isEqualTo("endpoint refused: push service host '127.0.0.1' must be reached on"
                + " port 443, not 9092");
    }

    @Test
    void aHostNotOnTheListIsRefusedWhateverItResolvesTo() throws Exception {
        for (String endpoint : List.of("https://10.1.2.3/push/x", "https://169.254.169.254/latest/meta-data",
                "https://localhost:9092/push/x", "https://fcm.googleapis.com.internal.contoso.example/push/x")) {
            HttpResponse<String> refused = subscribe(endpoint);
            assertThat(refused.statusCode()).as(endpoint + ": " + refused.body()).isEqualTo(400);
            assertThat(error(refused)).as(endpoint).startsWith("endpoint refused: push service host '"
                    + URI.create(endpoint).getHost() + "' is not one of the allowed push services (push.hosts: ");
        }
    }

    @Test
    void onePersonHasAtMostTenSubscriptions() throws Exception {
        for (int i = 0; i < 10; i++) {
            String endpoint = Pipeline.PUSH_ORIGIN + "/send/" + UUID.randomUUID();
            HttpResponse<String> created = subscribe(endpoint);
            assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
            subscribed.add(endpoint);
        }
        await("the responder's view holds all ten").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                .until(() -> count() == 10);

        HttpResponse<String> eleventh = subscribe(Pipeline.PUSH_ORIGIN + "/send/" + UUID.randomUUID());
        assertThat(eleventh.statusCode()).as(eleventh.body()).isEqualTo(409);
        assertThat(error(eleventh)).isEqualTo(USER + " has 10 push subscriptions, the most push.subscriptions.max"
                + " allows: turn off pages on a phone no longer used first");
        assertThat(subscribe(subscribed.get(0)).statusCode()).as("the same phone again").isEqualTo(201);

        String old = subscribed.remove(0);
        assertThat(send(request("DELETE", "{\"endpoint\":\"" + old + "\"}")).statusCode()).isEqualTo(204);
        await("the view drops the removed one").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                .until(() -> count() == 9);
        String replacement = Pipeline.PUSH_ORIGIN + "/send/" + UUID.randomUUID();
        assertThat(subscribe(replacement).statusCode()).isEqualTo(201);
        subscribed.add(replacement);
    }

    private HttpResponse<String> subscribe(String endpoint) throws Exception {
        String p256dh = P256.base64url(P256.encode((ECPublicKey) P256.generate().getPublic()));
        return send(request("POST", "{\"endpoint\":\"" + endpoint + "\",\"expirationTime\":null,\"keys\":{"
                + "\"p256dh\":\"" + p256dh + "\",\"auth\":\"AAECAwQFBgcICQoLDA0ODw\"}}"));
    }

    private int count() throws Exception {
        HttpResponse<String> r = send(HttpRequest.newBuilder(uri("/api/push/subscriptions")).header("Cookie", cookie));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode body = JSON.readTree(r.body());
        assertThat(body.path("max").asInt()).isEqualTo(10);
        return body.path("count").asInt();
    }

    private HttpRequest.Builder request(String method, String body) {
        return HttpRequest.newBuilder(uri("/api/push/subscriptions")).header("Cookie", cookie)
                .header("X-CSRF-Token", csrf).header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(body));
    }

    private static String error(HttpResponse<String> response) throws Exception {
        return JSON.readTree(response.body()).path("error").asText();
    }

    private static URI uri(String path) {
        return URI.create("http://127.0.0.1:" + pipeline.responderPort() + path);
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
