package io.sentinelpager.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.sentinelpager.app.DemoConnector;
import io.sentinelpager.platform.local.LocalCluster;
import io.sentinelpager.schemas.RecordLimits;
import io.sentinelpager.testkit.LocalClusterExtension;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.LoggerFactory;

/**
 * The responder against the people who attack a SOC's pager: whoever tries to lock the on-call staff out, to exhaust
 * the server with a body that never ends, to stop paging with huge comments, or to log a victim's browser into an
 * account of theirs.
 *
 * <p>Every client of these tests is on this machine. An attacker is told apart by its address all the same: Linux
 * routes the whole of 127.0.0.0/8 to loopback, so a socket bound to 127.0.0.2 reaches the responder from an address of
 * its own, as a client elsewhere would, without any header the responder would have to trust. 127.0.0.3 stands for
 * the TLS proxy the responder is configured to trust, whose X-Forwarded-For names the client.
 */
@ExtendWith(LocalClusterExtension.class)
class ResponderAbuseIT {

    static final HttpClient HTTP = HttpClient.newHttpClient();
    static final InetAddress ATTACKER = address("127.0.0.2");
    /** The TLS proxy in front of the responder, on the pipeline's responder.trusted.proxies. */
    static final InetAddress PROXY = address("127.0.0.3");
    static Pipeline pipeline;

    @BeforeAll
    static void start(LocalCluster cluster) {
        pipeline = Pipeline.shared(cluster);
        await("responder up").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .until(() -> send(HttpRequest.newBuilder(uri("/api/me")).GET()).statusCode() == 401);
    }

    @Test
    void aLockOutAttemptWhileTheOwnerStillLogsIn() throws Exception {
        Raw last = null;
        for (int i = 0; i < 20; i++) {
            last = Raw.post(ATTACKER, "/api/login", Map.of("Content-Type", "application/json"),
                    "{\"user\":\"analyst\",\"password\":\"guess" + i + "\"}");
            assertThat(last.status()).as("wrong password %d from the attacker's address", i + 1)
                    .isEqualTo(i < 5 ? 401 : 429);
        }
        HttpResponse<String> owner = send(login("analyst", pipeline.password));
        assertThat(owner.statusCode()).as("the owner's right password from another address: %s", owner.body())
                .isEqualTo(200);

        assertThat(last.headers()).as("the backed-off address is told how long to wait").containsKey("retry-after");
        assertThat(Long.parseLong(last.headers().get("retry-after"))).isBetween(1L, 15 * 60L);
        assertThat(Raw.post(ATTACKER, "/api/login", Map.of("Content-Type", "application/json"),
                "{\"user\":\"analyst\",\"password\":\"" + pipeline.password + "\"}").status())
                .as("even the right password is not checked for the backed-off address").isEqualTo(429);
    }

    @Test
    void aForwardedForHeaderDoesNotLetTheAttackerPassAsAnotherAddress() throws Exception {
        for (int i = 0; i < 6; i++) {
            Raw.post(ATTACKER, "/api/login", Map.of("Content-Type", "application/json"),
                    "{\"user\":\"lead\",\"password\":\"guess" + i + "\"}");
        }
        Raw spoofed = Raw.post(ATTACKER, "/api/login", Map.of("Content-Type", "application/json",
                "X-Forwarded-For", "203.0.113.7"), "{\"user\":\"lead\",\"password\":\"guess\"}");
        assertThat(spoofed.status()).as("the attacker's address is no trusted proxy, so the header names no client")
                .isEqualTo(429);
    }

    @Test
    void behindTheTrustedProxyEachForwardedClientIsBackedOffOnItsOwn() throws Exception {
        String attacker = "203.0.113.66";
        String owner = "198.51.100.7";
        for (int i = 0; i < 6; i++) {
            Raw wrong = Raw.post(PROXY, "/api/login", Map.of("Content-Type", "application/json",
                    "X-Forwarded-For", attacker), "{\"user\":\"intern\",\"password\":\"guess" + i + "\"}");
            assertThat(wrong.status()).as("wrong password %d from the attacker, through the proxy", i + 1)
                    .isEqualTo(i < 5 ? 401 : 429);
        }
        Raw ownerLogin = Raw.post(PROXY, "/api/login", Map.of("Content-Type", "application/json",
                "X-Forwarded-For", owner), "{\"user\":\"intern\",\"password\":\"" + pipeline.password + "\"}");
        assertThat(ownerLogin.status()).as("the owner through the same proxy: %s", ownerLogin.body()).isEqualTo(200);

        // The attacker writes the owner's address itself; the proxy appends the attacker's, and that one counts.
        Raw spoofed = Raw.post(PROXY, "/api/login", Map.of("Content-Type", "application/json",
                "X-Forwarded-For", owner + ", " + attacker), "{\"user\":\"intern\",\"password\":\""
                + pipeline.password + "\"}");
        assertThat(spoofed.status()).as("the attacker naming the owner's address left of its own").isEqualTo(429);
    }

    @Test
    void aChunked50MegabyteLoginBodyIsCutOffAndTheServerStillAnswers() throws Exception {
        long total = 50L * 1024 * 1024;
        AtomicLong sent = new AtomicLong();
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", pipeline.responderPort()), 5_000);
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST /api/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                    + "Transfer-Encoding: chunked\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            CompletableFuture<Boolean> upload = CompletableFuture.supplyAsync(() -> {
                byte[] chunk = ("10000\r\n" + "a".repeat(65_536) + "\r\n").getBytes(StandardCharsets.US_ASCII);
                try {
                    while (sent.get() < total) {
                        out.write(chunk);
                        sent.addAndGet(65_536);
                    }
                    out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                    return true;
                } catch (IOException cutOff) {
                    return false;
                }
            });
            InputStream in = socket.getInputStream();
            String statusLine = readLine(in);
            assertThat(statusLine).as("the answer to a chunked login body").matches("HTTP/1.1 41[13] .*");
            // The client keeps uploading and only listens: the server, not the client, has to end the exchange.
            try {
                while (in.read() >= 0) {
                    // the rest of the refusal, up to the server's close; a server still reading the body would leave
                    // this read waiting until the socket's 30 s timeout
                }
            } catch (SocketException reset) {
                // closed with the upload unread in its buffer: the server's end comes as a reset
            }
            assertThat(upload.get(60, TimeUnit.SECONDS)).as("the upload ran to its end: %d bytes sent", sent.get())
                    .isFalse();
        }
        assertThat(sent.get()).as("bytes the client got to send before the server cut it off").isLessThan(total);
        assertThat(send(HttpRequest.newBuilder(uri("/api/login/options")).GET()).statusCode())
                .as("the server still answers").isEqualTo(200);
    }

    /**
     * A client that sends a body somewhat over the limit, as browsers, scripts and Java's own client do (all of it,
     * then read the answer), is told why it was refused each time. Cutting the connection off at once, as for a body
     * that never ends, resets it with the body unread and the client loses the answer already sent:
     * "header parser received no bytes".
     */
    @Test
    void aBodyOfAFewHundredKilobytesIsAnsweredWithWhyEveryTime() throws Exception {
        String key = pipeline.pagedAlert();
        String comment = new ObjectMapper().writeValueAsString(Map.of("comment", "A".repeat(600_000)));
        for (int i = 0; i < 30; i++) {
            HttpResponse<String> refused = send(HttpRequest.newBuilder(uri("/api/alerts/" + key + "/comment"))
                    .header("Authorization", "Bearer " + pipeline.tokens.get("analyst"))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(comment)));
            assertThat(refused.statusCode()).as("try %d: %s", i, refused.body()).isEqualTo(413);
            assertThat(refused.body()).contains("the request body is 600014 bytes; the limit is 65536 bytes");
        }
    }

    /**
     * "Two oversized comments from one user stop all paging" was a bug: a page keeps its comments, and two long ones
     * made its record too large for its topic, which stopped escalate. A megabyte through the API is refused at the
     * door; the same from Azure, where nothing can refuse it, comes in cut to a comment's bound, and pages go on. A
     * pipeline that a comment stopped (ingest failing to write the action, escalate the page) would leave the later
     * alert unpaged, and this test waiting for it in vain: without ingest's cut, ingest retries the too-large action
     * forever and reads no further alert.
     */
    @Test
    void aMegabyteCommentTwiceWhileAnAlertPagesDoesNotStopPaging() throws Exception {
        String key = pipeline.pagedAlert();

        // {"comment":"xxx…"} with a megabyte of x: the responder refuses it by its length, before reading it.
        Raw refused = Raw.announce("/api/alerts/" + key + "/comment", Map.of("Content-Type", "application/json",
                "Authorization", "Bearer " + pipeline.tokens.get("analyst")), 1024 * 1024 + 14);
        assertThat(refused.status()).as("a megabyte comment through the API: %s", refused.body()).isEqualTo(413);
        assertThat(refused.body()).contains("the request body is 1048590 bytes; the limit is 65536 bytes");

        // In Defender, through the emulator's store as its admin API does (whose own body limit is a megabyte).
        String alertId = key.substring(DemoConnector.ID.length() + 1);
        for (String letter : new String[] {"a", "b"}) {
            assertThat(pipeline.azure.alerts().changeAsAnalyst(alertId, "Mallory Insider",
                    JsonNodeFactory.instance.objectNode(), letter.repeat(1024 * 1024))).isPresent();
        }
        // Ingest reads the comments at its next poll, before or with the next alert: were it stuck on them, as it was
        // when it tried to write a megabyte to alert.actions, the next alert would never page.
        String next = pipeline.pagedAlert();
        await("the next alert's page in the inbox").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
                .until(() -> pipeline.inboxText().contains(next));
        await("both comments on the page, each cut").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
                .until(() -> comments(key).size() == 2);
        assertThat(comments(key)).allSatisfy(comment -> assertThat(comment)
                .as("a comment as the page keeps it").endsWith("… [cut: 1048576 bytes in all]")
                .satisfies(c -> assertThat(c.getBytes(StandardCharsets.UTF_8).length)
                        .isLessThanOrEqualTo(RecordLimits.COMMENT_BYTES)));
        assertThat(pipeline.status(key)).as("the commented page").isEqualTo("triggered");
    }

    @Test
    void aLoginMustBeJsonFromTheAppsOwnOrigin() throws Exception {
        String body = "{\"user\":\"manager\",\"password\":\"" + pipeline.password + "\"}";
        // What a form on another site can send without asking: text/plain carries a JSON-looking body.
        HttpResponse<String> form = send(login("manager", pipeline.password).setHeader("Content-Type", "text/plain"));
        assertThat(form.statusCode()).as("a text/plain login: %s", form.body()).isEqualTo(415);
        HttpResponse<String> urlEncoded = send(HttpRequest.newBuilder(uri("/api/login"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("user=manager&password=" + pipeline.password)));
        assertThat(urlEncoded.statusCode()).isEqualTo(415);

        HttpResponse<String> foreign = send(login("manager", pipeline.password)
                .header("Origin", "https://attacker.example"));
        assertThat(foreign.statusCode()).as("a login from another origin: %s", foreign.body()).isEqualTo(403);
        HttpResponse<String> own = send(HttpRequest.newBuilder(uri("/api/login"))
                .header("Content-Type", "application/json; charset=utf-8")
                .header("Origin", "http://127.0.0.1:" + pipeline.responderPort())
                .POST(HttpRequest.BodyPublishers.ofString(body)));
        assertThat(own.statusCode()).as("a login from the app's own origin: %s", own.body()).isEqualTo(200);
    }

    @Test
    void aLoginNameIsLoggedOnOneLine() throws Exception {
        Logger audit = (Logger) LoggerFactory.getLogger("io.sentinelpager.responder.audit");
        ListAppender<ILoggingEvent> logged = new ListAppender<>();
        logged.start();
        audit.addAppender(logged);
        try {
            String forged = "nobody\r\n12:00:00.000 INFO  audit - login manager\u001b[2J";
            HttpResponse<String> wrong = send(login(forged, "wrong"));
            assertThat(wrong.statusCode()).isEqualTo(401);
        } finally {
            audit.detachAppender(logged);
        }
        assertThat(logged.list).extracting(ILoggingEvent::getFormattedMessage)
                .anySatisfy(line -> assertThat(line).startsWith("login failed for nobody"))
                .allSatisfy(line -> assertThat(line).as("one line, no control characters")
                        .doesNotContain("\r", "\n", "\u001b"));
    }

    /** The page's comments from Azure as the analyst's API token reads them. */
    private static List<String> comments(String key) throws Exception {
        HttpResponse<String> page = send(HttpRequest.newBuilder(uri("/api/alerts/" + key))
                .header("Authorization", "Bearer " + pipeline.tokens.get("analyst")));
        List<String> out = new ArrayList<>();
        for (JsonNode comment : new ObjectMapper().readTree(page.body()).path("comments")) {
            if (comment.path("channel").asText().equals("azure")) {
                out.add(comment.path("detail").asText());
            }
        }
        return out;
    }

    private static HttpRequest.Builder login(String user, String password) {
        return HttpRequest.newBuilder(uri("/api/login")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"user\":\"" + user.replace("\r", "\\r")
                        .replace("\n", "\\n").replace("\u001b", "\\u001b") + "\",\"password\":\"" + password + "\"}"));
    }

    private static URI uri(String path) {
        return URI.create("http://127.0.0.1:" + pipeline.responderPort() + path);
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static InetAddress address(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b = in.read(); b >= 0 && b != '\n'; b = in.read()) {
            if (b != '\r') {
                line.write(b);
            }
        }
        return line.toString(StandardCharsets.ISO_8859_1);
    }

    /**
     * One HTTP/1.1 exchange over a socket bound to a local address of the test's choosing, which the JDK's HTTP client
     * cannot do before Java 19.
     */
    record Raw(int status, Map<String, String> headers, String body) {

        static Raw post(InetAddress from, String path, Map<String, String> headers, String body) throws IOException {
            byte[] content = body.getBytes(StandardCharsets.UTF_8);
            return exchange(from, path, headers, content.length, content);
        }

        /**
         * Announces a body of this length with {@code Expect: 100-continue}, as curl does for a large one, and reads
         * the answer without sending the body: a server that refuses it answers at once, one that wants it says 100.
         */
        static Raw announce(String path, Map<String, String> headers, long length) throws IOException {
            Map<String, String> expecting = new LinkedHashMap<>(headers);
            expecting.put("Expect", "100-continue");
            return exchange(InetAddress.getByName("127.0.0.1"), path, expecting, length, null);
        }

        private static Raw exchange(InetAddress from, String path, Map<String, String> headers, long length,
                                    byte[] content) throws IOException {
            try (Socket socket = new Socket()) {
                socket.bind(new InetSocketAddress(from, 0));
                socket.connect(new InetSocketAddress("127.0.0.1", pipeline.responderPort()), 5_000);
                socket.setSoTimeout(30_000);
                StringBuilder request = new StringBuilder("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1:"
                        + pipeline.responderPort() + "\r\nConnection: close\r\nContent-Length: " + length + "\r\n");
                headers.forEach((name, value) -> request.append(name).append(": ").append(value).append("\r\n"));
                OutputStream out = socket.getOutputStream();
                out.write(request.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII));
                if (content != null) {
                    out.write(content);
                }
                out.flush();
                InputStream in = socket.getInputStream();
                int status = Integer.parseInt(readLine(in).split(" ")[1]);
                Map<String, String> answer = new LinkedHashMap<>();
                for (String line = readLine(in); !line.isEmpty(); line = readLine(in)) {
                    int colon = line.indexOf(':');
                    answer.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT),
                            line.substring(colon + 1).trim());
                }
                return new Raw(status, answer, status == 100 ? "" : new String(in.readAllBytes(),
                        StandardCharsets.UTF_8));
            }
        }
    }
}
