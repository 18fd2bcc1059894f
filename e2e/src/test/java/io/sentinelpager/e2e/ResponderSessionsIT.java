package io.sentinelpager.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sentinelpager.app.ApplyCommand;
import io.sentinelpager.platform.local.LocalCluster;
import io.sentinelpager.responder.ResponderService;
import io.sentinelpager.testkit.LocalClusterExtension;
import io.sentinelpager.testkit.MutableClock;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * When a session ends, it ends everywhere: a logout on one responder instance refuses the cookie on every other one and
 * after a restart, closes the person's live stream, and a person deleted from the on-call configuration is out at once.
 */
@ExtendWith(LocalClusterExtension.class)
class ResponderSessionsIT {

    static final HttpClient HTTP = HttpClient.newHttpClient();
    static final Duration SOON = Duration.ofSeconds(15);
    static Pipeline pipeline;

    @BeforeAll
    static void start(LocalCluster cluster) {
        pipeline = Pipeline.shared(cluster);
        await("on-call users loaded").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .until(() -> send(pipeline.responderPort(), "/api/me", null, null).statusCode() == 401
                        && tryLogin(pipeline.responderPort(), "analyst") != null);
    }

    @Test
    void aLoggedOutCookieIsRefusedByAnotherInstanceAndAfterARestart(@TempDir Path otherState) throws Exception {
        Session session = login("analyst");
        int here = pipeline.responderPort();
        try (ResponderService other = pipeline.anotherResponder(otherState, Clock.systemUTC())) {
            await("the other instance serving").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                    .until(() -> send(other.port(), "/api/me", session.cookie(), null).statusCode() == 200);
            CompletableFuture<Void> stream = events(other.port(), session.cookie());

            assertThat(send(here, "/api/logout", session.cookie(), session.csrf()).statusCode()).isEqualTo(204);

            await("the other instance refusing the logged-out cookie").atMost(SOON).pollInterval(Duration.ofMillis(200))
                    .until(() -> send(other.port(), "/api/me", session.cookie(), null).statusCode() == 401);
            await("the live stream on the other instance closed").atMost(SOON).until(stream::isDone);
        }
        try (ResponderService restarted = pipeline.anotherResponder(otherState, Clock.systemUTC())) {
            Session fresh = login("analyst");
            await("the restarted instance serving").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                    .until(() -> send(restarted.port(), "/api/me", fresh.cookie(), null).statusCode() == 200);
            assertThat(send(restarted.port(), "/api/me", session.cookie(), null).statusCode())
                    .as("the logged-out cookie after a restart").isEqualTo(401);
        }
    }

    @Test
    void theLiveStreamEndsAtLogout() throws Exception {
        Session session = login("lead");
        CompletableFuture<Void> stream = events(pipeline.responderPort(), session.cookie());

        assertThat(send(pipeline.responderPort(), "/api/logout", session.cookie(), session.csrf()).statusCode())
                .isEqualTo(204);

        await("the live stream closed").atMost(SOON).until(stream::isDone);
    }

    @Test
    void aLiveStreamEndsWhenItsSessionExpires(@TempDir Path otherState) throws Exception {
        MutableClock clock = new MutableClock(Instant.now());
        try (ResponderService other = pipeline.anotherResponder(otherState, clock)) {
            Session session = login(other.port(), "analyst");
            CompletableFuture<Void> stream = events(other.port(), session.cookie());

            clock.advance(Duration.ofHours(12));

            await("the live stream closed").atMost(SOON).until(stream::isDone);
            assertThat(send(other.port(), "/api/me", session.cookie(), null).statusCode()).isEqualTo(401);
        }
    }

    @Test
    void aPersonDeletedFromTheConfigurationIsRefusedAtOnceAndTheirStreamEnds(@TempDir Path withLeaver)
            throws Exception {
        try (var files = Files.list(pipeline.config)) {
            for (Path file : files.toList()) {
                Files.copy(file, withLeaver.resolve(file.getFileName()));
            }
        }
        Files.writeString(withLeaver.resolve("leaver.yaml"), """
                users:
                  - {id: leaver, name: Lou Leaver, email: leaver@contoso.example}
                """);
        assertThat(ApplyCommand.apply(pipeline.context, withLeaver, false, quiet(), System.err)).isTrue();
        Session session = login(pipeline.responderPort(), "leaver");
        CompletableFuture<Void> stream = events(pipeline.responderPort(), session.cookie());
        await("leaver served").atMost(SOON).pollInterval(Duration.ofMillis(200))
                .until(() -> send(pipeline.responderPort(), "/api/me", session.cookie(), null).statusCode() == 200);

        // pager apply --prune with the configuration as it was: leaver's user gets a tombstone.
        assertThat(ApplyCommand.apply(pipeline.context, pipeline.config, true, quiet(), System.err)).isTrue();

        await("the deleted person's session refused").atMost(SOON).pollInterval(Duration.ofMillis(200))
                .until(() -> send(pipeline.responderPort(), "/api/me", session.cookie(), null).statusCode() == 401);
        await("the deleted person's live stream closed").atMost(SOON).until(stream::isDone);
    }

    record Session(String cookie, String csrf) {
    }

    /** A session of the user on the pipeline's responder. */
    static Session login(String user) {
        return login(pipeline.responderPort(), user);
    }

    /**
     * A session of the user, once the login is taken: a responder that another instance's start or stop makes
     * rebalance answers 503 for a moment, and a person just applied is known moments later.
     */
    static Session login(int port, String user) {
        return await("login of " + user).atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .until(() -> tryLogin(port, user), session -> session != null);
    }

    /** A session of the user, or null if the login is refused. */
    static Session tryLogin(int port, String user) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(uri(port, "/api/login"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"user\":\"" + user + "\",\"password\":\""
                        + pipeline.password + "\"}")).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            return null;
        }
        String setCookie = r.headers().firstValue("Set-Cookie").orElseThrow();
        return new Session(setCookie.substring(0, setCookie.indexOf(';')),
                ResponderApiIT.JSON.readTree(r.body()).path("csrf").asText());
    }

    /** The app's live stream, once it says it is connected: done when the server ends it. */
    static CompletableFuture<Void> events(int port, String cookie) throws Exception {
        HttpResponse<InputStream> r = HTTP.send(HttpRequest.newBuilder(uri(port, "/api/events"))
                .header("Cookie", cookie).header("Accept", "text/event-stream").GET().build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertThat(r.statusCode()).isEqualTo(200);
        InputStream body = r.body();
        byte[] first = new byte[": connected".length()];
        assertThat(body.readNBytes(first, 0, first.length)).isEqualTo(first.length);
        assertThat(new String(first)).isEqualTo(": connected");
        return CompletableFuture.runAsync(() -> {
            try (body) {
                body.transferTo(OutputStream.nullOutputStream());
            } catch (Exception e) {
                // A connection cut is an end as well.
            }
        });
    }

    static HttpResponse<String> send(int port, String path, String cookie, String csrf) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(port, path));
        if (cookie != null) {
            b.header("Cookie", cookie);
        }
        if (csrf != null) {
            b.header("X-CSRF-Token", csrf).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(""));
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static URI uri(int port, String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    static PrintStream quiet() {
        return new PrintStream(OutputStream.nullOutputStream());
    }
}
