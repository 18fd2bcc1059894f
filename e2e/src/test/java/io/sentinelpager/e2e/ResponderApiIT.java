package io.sentinelpager.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sentinelpager.app.PagerCommand;
import io.sentinelpager.platform.config.Secret;
import io.sentinelpager.platform.local.LocalCluster;
import io.sentinelpager.platform.security.P256;
import io.sentinelpager.platform.security.PushSubscriptionSeal;
import io.sentinelpager.platform.security.Tls;
import io.sentinelpager.responder.ResponderService;
import io.sentinelpager.schemas.PushSubscription;
import io.sentinelpager.schemas.Topics;
import io.sentinelpager.testkit.LocalClusterExtension;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.interfaces.ECPublicKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

/**
 * The responder's login and session rules over HTTP, as a browser or a script meets them: cookie flags, CSRF on every
 * change, lock-out after repeated failures, sign-in with Entra ID and each check of its ID token, and an OpenAPI
 * document that describes every route there is.
 */
@ExtendWith(LocalClusterExtension.class)
class ResponderApiIT {

    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newHttpClient();
    static final Set<String> HTTP_METHODS = Set.of("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "TRACE");
    static Pipeline pipeline;

    @BeforeAll
    static void start(LocalCluster cluster) {
        pipeline = Pipeline.shared(cluster);
        await("responder up").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .until(() -> send(get("/api/me", null)).statusCode() == 401);
        // The example config reaches the responder's tables moments after the pipeline starts.
        await("on-call users loaded").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .until(() -> send(get("/api/me", null).header("Authorization", "Bearer " + pipeline.tokens.get("analyst")))
                        .body().contains("Alex Analyst"));
    }

    @Test
    void aLoginSetsAHardenedSessionCookieAndChangesNeedItsCsrfToken() throws Exception {
        HttpResponse<String> login = send(post("/api/login", null, null,
                "{\"user\":\"analyst\",\"password\":\"" + pipeline.password + "\"}"));
        assertThat(login.statusCode()).isEqualTo(200);
        String setCookie = login.headers().firstValue("Set-Cookie").orElseThrow();
        assertThat(setCookie).startsWith("pager_session=").contains("HttpOnly", "SameSite=Strict", "Secure", "Path=/");
        assertThat(login.body()).doesNotContain(pipeline.password);
        String cookie = setCookie.substring(0, setCookie.indexOf(';'));
        JsonNode me = JSON.readTree(login.body());
        assertThat(me.path("user").asText()).isEqualTo("analyst");
        assertThat(me.path("name").asText()).isEqualTo("Alex Analyst");
        assertThat(me.path("teams").toString()).contains("soc");
        String csrf = me.path("csrf").asText();

        assertThat(send(get("/api/alerts", cookie)).statusCode()).isEqualTo(200);
        HttpResponse<String> noCsrf = send(post("/api/alerts/demo:x/ack", cookie, null, ""));
        assertThat(noCsrf.statusCode()).isEqualTo(403);
        assertThat(noCsrf.body()).contains("X-CSRF-Token");
        assertThat(send(post("/api/alerts/demo:x/ack", cookie, "forged", "")).statusCode()).isEqualTo(403);
        // With the token the request gets past the session checks: the alert does not exist.
        assertThat(send(post("/api/alerts/demo:x/ack", cookie, csrf, "")).statusCode()).isEqualTo(404);
        assertThat(JSON.readTree(send(get("/api/me", cookie)).body()).path("csrf").asText()).isEqualTo(csrf);

        // Checked while the session is live, so only the changed signature can be why it is refused.
        int signature = cookie.indexOf('.') + 1;
        String tampered = cookie.substring(0, signature) + (cookie.charAt(signature) == 'A' ? 'Q' : 'A')
                + cookie.substring(signature + 1);
        assertThat(send(get("/api/me", tampered)).statusCode()).as("a changed signature").isEqualTo(401);

        assertThat(send(post("/api/logout", cookie, csrf, "")).statusCode()).isEqualTo(204);
        assertThat(send(get("/api/me", cookie)).statusCode()).as("the session ends at logout").isEqualTo(401);
    }

    @Test
    void fiveWrongPasswordsFromOneAddressLockItOutOfTheAccountEvenForTheRightOne() throws Exception {
        for (int i = 0; i < 5; i++) {
            HttpResponse<String> wrong = send(post("/api/login", null, null, "{\"user\":\"intern\",\"password\":\"guess" + i + "\"}"));
            assertThat(wrong.statusCode()).isEqualTo(401);
            assertThat(wrong.body()).contains("wrong user name or password").doesNotContain("guess");
        }
        HttpResponse<String> locked = send(post("/api/login", null, null,
                "{\"user\":\"intern\",\"password\":\"" + pipeline.password + "\"}"));
        assertThat(locked.statusCode()).isEqualTo(429);
        assertThat(locked.body()).contains("locked until");
        // Other accounts are not affected (and other addresses are not: ResponderAbuseIT).
        assertThat(send(post("/api/login", null, null, "{\"user\":\"lead\",\"password\":\"" + pipeline.password + "\"}"))
                .statusCode()).isEqualTo(200);
    }

    @Test
    void aHugeCommentIsRefusedWith413AndOnlyACommentWithinTheLimitReachesAlertActions() throws Exception {
        String key = pipeline.pagedAlert();
        HttpResponse<String> huge = send(act(key, "comment", "{\"comment\":\"" + "x".repeat(600_000) + "\"}"));
        assertThat(huge.statusCode()).isEqualTo(413);
        assertThat(error(huge)).isEqualTo("the request body is 600014 bytes; the limit is 65536 bytes");
        HttpResponse<String> chunked = send(act(key, "comment", "").POST(HttpRequest.BodyPublishers.ofInputStream(
                () -> new ByteArrayInputStream("{\"comment\":\"chunked\"}".getBytes(StandardCharsets.UTF_8)))));
        assertThat(chunked.statusCode()).as("a body without a length").isEqualTo(411);
        assertThat(error(chunked)).contains("Content-Length", "the limit is 65536 bytes");

        String atLimit = "€".repeat(1_333) + "a"; // "€" is 3 bytes in UTF-8: 4,000 bytes in 1,334 characters
        HttpResponse<String> over = send(act(key, "comment", "{\"comment\":\"" + atLimit + "b\"}"));
        assertThat(over.statusCode()).isEqualTo(400);
        assertThat(error(over)).isEqualTo("field 'comment' is 4001 bytes in UTF-8; the limit is 4000 bytes");
        assertThat(send(act(key, "comment", "{\"comment\":\"" + atLimit + "\"}")).statusCode()).isEqualTo(202);

        assertThat(pipeline.actions(key, "api")).as("the API's actions on alert.actions")
                .extracting(a -> a.getComment()).containsExactly(atLimit);
    }

    @Test
    void aBadIdempotencyKeyOrAnUnknownClassificationIsRefusedSayingWhatIsValid() throws Exception {
        String key = pipeline.pagedAlert();
        HttpResponse<String> longKey = send(act(key, "ack", "").header("Idempotency-Key", "k".repeat(129)));
        assertThat(longKey.statusCode()).isEqualTo(400);
        assertThat(error(longKey)).isEqualTo("header 'Idempotency-Key' is 129 characters; it must be 1 to 128"
                + " printable ASCII characters without spaces, such as a UUID");
        HttpResponse<String> unknown = send(act(key, "close", "{\"classification\":\"benign\"}"));
        assertThat(unknown.statusCode()).isEqualTo(400);
        assertThat(error(unknown)).isEqualTo("field 'classification' is 'benign'; use one of [truePositive,"
                + " falsePositive, informationalExpectedActivity, unknown]");

        String idempotencyKey = UUID.randomUUID().toString();
        HttpResponse<String> closed = send(act(key, "close", "{\"classification\":\"falsePositive\"}")
                .header("Idempotency-Key", idempotencyKey));
        assertThat(closed.statusCode()).isEqualTo(202);
        assertThat(pipeline.actions(key, "api")).as("the API's actions on alert.actions")
                .extracting(a -> a.getActionId(), a -> a.getClassification())
                .containsExactly(tuple(JSON.readTree(closed.body()).path("actionId").asText(), "falsePositive"));
    }

    /** Every refusal is {"error": why}, the Error schema of the OpenAPI document, also for a bad query parameter. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
            "/api/me/shifts?days=0   | query parameter 'days' must be a whole number from 1 to 31",
            "/api/me/shifts?days=two | query parameter 'days' must be a whole number from 1 to 31",
            "/api/alerts?scope=all   | scope is 'team' (alerts of my teams) or 'mine'"})
    void aBadQueryParameterIsRefusedSayingWhy(String path, String why) throws Exception {
        HttpResponse<String> refused = send(as("analyst", path, false));
        assertThat(refused.statusCode()).as(path).isEqualTo(400);
        assertThat(error(refused)).as(path).startsWith(why);
    }

    @Test
    void anotherTeamsAlertIsAnsweredExactlyAsOneThatDoesNotExist() throws Exception {
        String key = pipeline.pagedAlert();
        String missing = "demo:no-such-alert-" + UUID.randomUUID();
        for (String path : List.of("/api/alerts/%s", "/api/alerts/%s/ack")) {
            HttpResponse<String> theirs = send(as("auditor", path.formatted(key), path.endsWith("ack")));
            HttpResponse<String> none = send(as("auditor", path.formatted(missing), path.endsWith("ack")));
            String what = (path.endsWith("ack") ? "POST " : "GET ") + path.formatted(key) + ", for someone in no team";
            assertThat(theirs.statusCode()).as(what).isEqualTo(404);
            assertThat(theirs.body()).as(what)
                    .isEqualTo(none.body().replace(missing, key)).doesNotContain("soc");
        }
        assertThat(pipeline.actions(key, "api")).as("the refused ack on alert.actions").isEmpty();
    }

    /**
     * An Idempotency-Key makes a retry of one user's action on one alert apply once, and nothing more: the same key
     * from another user, or on another alert, is an action of its own, which reaches Azure too.
     */
    @Test
    void oneIdempotencyKeyDedupesOnlyTheSameUsersActionOnTheSameAlert() throws Exception {
        String first = pipeline.pagedAlert();
        String second = pipeline.pagedAlert();
        String idempotencyKey = "note-" + UUID.randomUUID();
        List<HttpResponse<String>> sent = List.of(
                send(comment("analyst", first, "first note", idempotencyKey)),
                send(comment("analyst", first, "first note", idempotencyKey)),
                send(comment("manager", first, "manager's note", idempotencyKey)),
                send(comment("analyst", second, "second note", idempotencyKey)));
        assertThat(sent).extracting(HttpResponse::statusCode).containsOnly(202);

        await("the comments in Azure").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .untilAsserted(() -> {
                    assertThat(azureComments(first)).as("the retry once, the other user's note with the same key too")
                            .containsExactlyInAnyOrder("analyst (Sentinel Pager): first note",
                                    "manager (Sentinel Pager): manager's note");
                    assertThat(azureComments(second)).as("the same key on another alert")
                            .containsExactly("analyst (Sentinel Pager): second note");
                });
    }

    private static HttpRequest.Builder comment(String user, String key, String text, String idempotencyKey) {
        return post("/api/alerts/" + key + "/comment", null, null, "{\"comment\":\"" + text + "\"}")
                .header("Authorization", "Bearer " + pipeline.tokens.get(user))
                .header("Idempotency-Key", idempotencyKey);
    }

    private static HttpRequest.Builder as(String user, String path, boolean post) {
        HttpRequest.Builder b = post ? post(path, null, null, "") : get(path, null);
        return b.header("Authorization", "Bearer " + pipeline.tokens.get(user));
    }

    /** The comments of the alert in the emulated Graph, as Defender shows them. */
    private static List<String> azureComments(String key) {
        List<String> out = new ArrayList<>();
        pipeline.azure.alerts().get(key.substring(key.indexOf(':') + 1)).orElseThrow().path("comments")
                .forEach(c -> out.add(c.path("comment").asText()));
        return out;
    }

    @Test
    void aPasswordOverTheLimitIsRefusedBeforeItIsCheckedOrCounted() throws Exception {
        String password = "p".repeat(1_025);
        for (int i = 0; i < 6; i++) {
            HttpResponse<String> refused = send(post("/api/login", null, null,
                    "{\"user\":\"manager\",\"password\":\"" + password + "\"}"));
            assertThat(refused.statusCode()).isEqualTo(400);
            assertThat(error(refused)).isEqualTo("field 'password' is 1025 bytes in UTF-8; the limit is 1024 bytes");
        }
        assertThat(send(post("/api/login", null, null, "{\"user\":\"manager\",\"password\":\"" + pipeline.password
                + "\"}")).statusCode()).as("refusals are not failed logins: no lock-out").isEqualTo(200);
    }

    /** An action on the alert with the analyst's API token. */
    private static HttpRequest.Builder act(String key, String action, String body) {
        return post("/api/alerts/" + key + "/" + action, null, null, body)
                .header("Authorization", "Bearer " + pipeline.tokens.get("analyst"));
    }

    private static String error(HttpResponse<String> response) throws Exception {
        return JSON.readTree(response.body()).path("error").asText();
    }

    @Test
    void theOpenApiDocumentDescribesEveryRouteAndEachAnswers() throws Exception {
        HttpResponse<String> doc = send(get("/api/openapi.json", null));
        assertThat(doc.statusCode()).isEqualTo(200);
        JsonNode paths = JSON.readTree(doc.body()).path("paths");
        assertThat(paths.size()).isGreaterThanOrEqualTo(10);
        Set<String> documented = new TreeSet<>();
        Map<String, String> operationIds = new TreeMap<>();
        paths.fields().forEachRemaining(path -> path.getValue().fields().forEachRemaining(operation -> {
            String method = operation.getKey().toUpperCase(Locale.ROOT);
            if (HTTP_METHODS.contains(method)) {
                documented.add(method + " " + path.getKey());
                operationIds.put(method + " " + path.getKey(), operation.getValue().path("operationId").asText());
            }
        }));
        // Generated clients name their methods after these: each operation needs one, and one of its own.
        assertThat(operationIds).as("operationId of each operation").allSatisfy((operation, id) ->
                assertThat(id).as(operation).matches("[a-z][a-zA-Z0-9]*"));
        assertThat(new TreeSet<>(operationIds.values())).as("distinct operationIds")
                .hasSameSizeAs(operationIds.values());
        // What the running server has, as Javalin recorded each route it added: filters such as the /api/* login
        // check are not routes, and the app's pages, links and webhooks are outside the API; the calendar feed,
        // fetched by calendar apps, is in it.
        Set<String> served = new TreeSet<>(responder().routes().stream()
                .filter(route -> HTTP_METHODS.contains(route.substring(0, route.indexOf(' ')))
                        && (route.substring(route.indexOf(' ') + 1).startsWith("/api/")
                        || route.substring(route.indexOf(' ') + 1).startsWith("/cal/")))
                .toList());
        assertThat(served).as("the routes the responder serves under /api (actual) and those the OpenAPI document"
                + " describes (expected)").containsExactlyInAnyOrderElementsOf(documented);

        String token = pipeline.tokens.get("analyst");
        for (Iterator<Map.Entry<String, JsonNode>> it = paths.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> path = it.next();
            String concrete = path.getKey().replace("{key}", "demo:none").replace("{action}", "ack");
            // The events stream never ends; the calendar feed has no token to fetch it with here (CalendarFeedIT).
            if (path.getValue().has("get") && !concrete.equals("/api/events") && !concrete.startsWith("/cal/")) {
                HttpResponse<String> r = send(get(concrete, null).header("Authorization", "Bearer " + token));
                assertThat(r.statusCode()).as("GET %s", concrete).isIn(200, 404);
                if (r.statusCode() == 404) {
                    assertThat(r.body()).as("GET %s is a route", concrete).containsAnyOf("no alert demo:none",
                            "you have no calendar feed");
                }
            }
        }
    }

    private static ResponderService responder() {
        return pipeline.runner.services().stream().filter(s -> s instanceof ResponderService)
                .map(ResponderService.class::cast).findFirst().orElseThrow();
    }

    @Test
    void signingInWithEntraIdOpensASessionForTheOnCallUserLinkedToThatPerson() throws Exception {
        pipeline.azure.addPerson("lead@contoso.example", "Lee Lead");
        pipeline.azure.addPerson("stranger@fabrikam.example", "Sam Stranger");
        HttpClient browser = entraBrowser();

        Map<String, String> lead = signIn(browser, "lead@contoso.example");
        HttpResponse<String> done = browser.send(HttpRequest.newBuilder(URI.create(lead.get("callback")))
                .header("Cookie", lead.get("oidcCookie")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(done.statusCode()).as(done.body()).isEqualTo(302);
        assertThat(done.headers().firstValue("Location")).contains("/");
        String session = done.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith("pager_session="))
                .findFirst().orElseThrow();
        assertThat(session).contains("HttpOnly", "SameSite=Strict");
        JsonNode me = JSON.readTree(send(get("/api/me", session.substring(0, session.indexOf(';')))).body());
        assertThat(me.path("user").asText()).isEqualTo("lead");
        assertThat(me.path("teams").toString()).contains("soc");

        HttpResponse<String> replayed = browser.send(HttpRequest.newBuilder(URI.create(lead.get("callback")))
                .header("Cookie", lead.get("oidcCookie")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(replayed.statusCode()).isEqualTo(400);
        assertThat(replayed.body()).contains("already redeemed");

        Map<String, String> again = signIn(browser, "lead@contoso.example");
        HttpResponse<String> otherState = browser.send(HttpRequest.newBuilder(URI.create(
                again.get("callback").replaceAll("state=[^&]*", "state=forged"))).header("Cookie", again.get("oidcCookie"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(otherState.statusCode()).isEqualTo(400);
        assertThat(otherState.body()).contains("state differs");
        HttpResponse<String> noCookie = browser.send(HttpRequest.newBuilder(URI.create(again.get("callback"))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(noCookie.statusCode()).isEqualTo(400);

        Map<String, String> stranger = signIn(browser, "stranger@fabrikam.example");
        HttpResponse<String> refused = browser.send(HttpRequest.newBuilder(URI.create(stranger.get("callback")))
                .header("Cookie", stranger.get("oidcCookie")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(refused.body()).contains("no user of the on-call configuration is linked to this Microsoft account");
        assertThat(refused.headers().allValues("Set-Cookie")).noneMatch(c -> c.startsWith("pager_session="));
    }

    /**
     * Each check the README promises of the ID token, against a token from the emulated Entra ID that fails only that
     * check: the code, state, PKCE and cookie are all right, so the message names the one reason for the refusal.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
            "signature | the ID token's signature does not verify",
            "issuer    | the ID token is from https://sts.windows.net/",
            "audience  | the ID token is for another app (00000003-0000-0000-c000-000000000000)",
            "expired   | the ID token is expired or not yet valid",
            "nonce     | the ID token was not issued for this sign-in (nonce differs)"})
    void aSignInWithAFlawedIdTokenIsRefusedSayingWhichCheckFailed(String flaw, String why) throws Exception {
        pipeline.azure.addPerson("lead@contoso.example", "Lee Lead");
        HttpClient browser = entraBrowser();
        Map<String, String> lead = signIn(browser, "lead@contoso.example");
        nextIdToken("{\"flaw\":\"" + flaw + "\"}");

        HttpResponse<String> refused = browser.send(HttpRequest.newBuilder(URI.create(lead.get("callback")))
                .header("Cookie", lead.get("oidcCookie")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(refused.statusCode()).as("the callback, its ID token with the flaw '%s'", flaw).isEqualTo(400);
        assertThat(refused.body().replace("&#39;", "'")).contains("Sign-in failed", why);
        assertThat(refused.headers().allValues("Set-Cookie")).noneMatch(c -> c.startsWith("pager_session="));
    }

    /**
     * Microsoft's rule: preferred_username and email can change and are not verified, so they never say who someone
     * is. A token naming lead's e-mail for another person of the tenant (another oid) must not open lead's session.
     */
    @Test
    void anIdTokenWithARespondersEmailButAnotherObjectIdIsRefused() throws Exception {
        leadSignsInWith("{\"oid\": \"" + UUID.randomUUID() + "\"}", 403, "linked to another Microsoft account");
    }

    @Test
    void aPersonWhoseEmailIsAnUnlinkedUsersIsToldToAskAnAdminToConfirm() throws Exception {
        pipeline.azure.addPerson("analyst@contoso.example", "Alex Analyst");
        HttpClient browser = entraBrowser();

        HttpResponse<String> refused = callback(browser, signIn(browser, "analyst@contoso.example"));

        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(403);
        assertThat(refused.body()).contains("Ask an admin to confirm it is you",
                "ask an admin to confirm that you are analyst");
        assertThat(refused.headers().allValues("Set-Cookie")).noneMatch(c -> c.startsWith("pager_session="));
    }

    /** Entra marks a guest with idp (who authenticated them, when not the tenant) or the optional claim acct = 1. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '\'', value = {
            "another tenant's guest | {\"idp\": \"https://sts.windows.net/72f988bf-86f1-41af-91ab-2d7cd011db47/\"}",
            "a Microsoft account    | {\"idp\": \"9188040d-6c67-4c5b-b112-36a304b66dad\"}",
            "acct                   | {\"acct\": 1}"})
    void aGuestIsRefusedAsGuestsAreNotAllowed(String guest, String claims) throws Exception {
        leadSignsInWith(claims, 403, "Guests may not sign in");
    }

    @Test
    void anIdTokenWithoutAnObjectIdIsRefused() throws Exception {
        leadSignsInWith("{\"oid\": null}", 400, "the ID token has no oid claim");
    }

    /** Lee Lead signs in and the next ID token carries these claims: refused, saying so, and no session opened. */
    private static void leadSignsInWith(String claims, int status, String says) throws Exception {
        pipeline.azure.addPerson("lead@contoso.example", "Lee Lead");
        HttpClient browser = entraBrowser();
        Map<String, String> lead = signIn(browser, "lead@contoso.example");
        nextIdToken("{\"claims\": " + claims + "}");

        HttpResponse<String> refused = callback(browser, lead);

        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(status);
        assertThat(refused.body()).contains(says);
        assertThat(refused.headers().allValues("Set-Cookie")).noneMatch(c -> c.startsWith("pager_session="));
    }

    /** The browser's part: it follows the redirects by hand, trusting the emulator's certificate. */
    private static HttpClient entraBrowser() {
        return HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
                .sslContext(Tls.trusting(Optional.of(pipeline.emulatorCertificate)).context()).build();
    }

    /** What the emulated Entra ID puts in the next ID token it issues: a flaw, or other identity claims. */
    private static void nextIdToken(String json) throws Exception {
        HttpResponse<String> set = entraBrowser().send(HttpRequest.newBuilder(URI.create(pipeline.azure.baseUrl()
                        + "/admin/oidc/next-id-token")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(set.statusCode()).as(set.body()).isEqualTo(204);
    }

    /** The browser's return to the responder from the identity provider. */
    private static HttpResponse<String> callback(HttpClient browser, Map<String, String> signIn) throws Exception {
        return browser.send(HttpRequest.newBuilder(URI.create(signIn.get("callback")))
                .header("Cookie", signIn.get("oidcCookie")).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Starts a sign-in at the responder and signs in at the emulated Entra ID: the callback URL and the cookie. */
    private static Map<String, String> signIn(HttpClient browser, String person) throws Exception {
        HttpResponse<String> start = send(get("/auth/oidc/login", null));
        assertThat(start.statusCode()).isEqualTo(302);
        String cookie = start.headers().firstValue("Set-Cookie").orElseThrow();
        assertThat(cookie).startsWith("pager_oidc=").contains("HttpOnly", "SameSite=Lax");
        String authorize = start.headers().firstValue("Location").orElseThrow();
        assertThat(authorize).startsWith(pipeline.azure.baseUrl()).contains("code_challenge_method=S256", "nonce=");
        HttpResponse<String> signedIn = browser.send(HttpRequest.newBuilder(URI.create(authorize + "&login_hint="
                + person)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(signedIn.statusCode()).as(signedIn.body()).isEqualTo(302);
        String callback = signedIn.headers().firstValue("Location").orElseThrow();
        assertThat(callback).startsWith("http://127.0.0.1:" + pipeline.responderPort() + "/auth/oidc/callback?code=");
        return Map.of("callback", callback, "oidcCookie", cookie.substring(0, cookie.indexOf(';')));
    }

    @Test
    void aPhoneSubscribesForPushAndUnsubscribesUnderTheLoggedInUser() throws Exception {
        HttpResponse<String> login = send(post("/api/login", null, null,
                "{\"user\":\"lead\",\"password\":\"" + pipeline.password + "\"}"));
        String setCookie = login.headers().firstValue("Set-Cookie").orElseThrow();
        String cookie = setCookie.substring(0, setCookie.indexOf(';'));
        String csrf = JSON.readTree(login.body()).path("csrf").asText();
        assertThat(JSON.readTree(send(get("/api/push/key", cookie)).body()).path("publicKey").asText())
                .isEqualTo(pipeline.vapid.publicKeyBase64());

        // What pushManager.subscribe() gives a browser: a push service URL, its P-256 key and a 16-byte auth secret.
        String endpoint = Pipeline.PUSH_ORIGIN + "/send/" + UUID.randomUUID();
        String p256dh = P256.base64url(P256.encode((ECPublicKey) P256.generate().getPublic()));
        String auth = "AAECAwQFBgcICQoLDA0ODw";
        String subscription = "{\"endpoint\":\"" + endpoint + "\",\"expirationTime\":null,\"keys\":{\"p256dh\":\""
                + p256dh + "\",\"auth\":\"" + auth + "\"}}";
        assertThat(send(post("/api/push/subscriptions", cookie, null, subscription)).statusCode()).isEqualTo(403);
        HttpResponse<String> insecure = send(post("/api/push/subscriptions", cookie, csrf,
                subscription.replace("https://", "http://")));
        assertThat(insecure.statusCode()).isEqualTo(400);
        assertThat(insecure.body()).contains("https").doesNotContain(p256dh);
        HttpResponse<String> created = send(post("/api/push/subscriptions", cookie, csrf, subscription));
        assertThat(created.statusCode()).isEqualTo(201);
        String key = JSON.readTree(created.body()).path("id").asText();
        assertThat(key).startsWith("lead/").doesNotContain(endpoint);

        HttpResponse<String> removed = send(HttpRequest.newBuilder(uri("/api/push/subscriptions"))
                .header("Cookie", cookie).header("X-CSRF-Token", csrf).header("Content-Type", "application/json")
                .method("DELETE", HttpRequest.BodyPublishers.ofString("{\"endpoint\":\"" + endpoint + "\"}")));
        assertThat(removed.statusCode()).isEqualTo(204);
        HttpResponse<String> noEndpoint = send(HttpRequest.newBuilder(uri("/api/push/subscriptions"))
                .header("Cookie", cookie).header("X-CSRF-Token", csrf).header("Content-Type", "application/json")
                .method("DELETE", HttpRequest.BodyPublishers.ofString("{}")));
        assertThat(noEndpoint.statusCode()).as("a removal that names no subscription").isEqualTo(400);
        assertThat(error(noEndpoint)).isEqualTo("field 'endpoint' is required");

        List<ConsumerRecord<String, PushSubscription>> records = pipeline.records(Topics.PUSH_SUBSCRIPTIONS.name(), key,
                pipeline.context.serdes().value(PushSubscription.class).deserializer());
        assertThat(records).hasSize(2);
        PushSubscription stored = records.get(0).value();
        assertThat(stored.getUserId()).isEqualTo("lead");
        assertThat(PushSubscriptionSeal.key("lead", stored.getId())).isEqualTo(key);
        assertThat(new PushSubscriptionSeal(Secret.of(pipeline.linksKey)).open(stored))
                .as("what notify opens with the links.key it shares with the responder")
                .isEqualTo(new PushSubscriptionSeal.Capability(endpoint, p256dh, auth));
        assertThat(records.get(1).value()).as("the tombstone").isNull();

        // Whoever reads the topic (a consumer of the raw bytes, pager tail) learns nothing that lets them push.
        Map<String, String> secrets = Map.of("endpoint", endpoint,
                "endpoint token", endpoint.substring(endpoint.lastIndexOf('/') + 1), "p256dh", p256dh, "auth", auth);
        List<byte[]> raw = pipeline.records(Topics.PUSH_SUBSCRIPTIONS.name(), key, new ByteArrayDeserializer()).stream()
                .map(ConsumerRecord::value).toList();
        assertThat(raw).hasSize(2);
        assertThat(new String(raw.get(0), StandardCharsets.ISO_8859_1)).contains("lead");
        assertThat(leaked(new String(raw.get(0), StandardCharsets.ISO_8859_1), secrets))
                .as("secrets in the record's bytes on the topic").isEmpty();
        String tail = tail(Topics.PUSH_SUBSCRIPTIONS.name(), "key=" + key);
        assertThat(tail).contains("\"userId\": \"lead\"", "\"id\": \"" + stored.getId() + "\"")
                .containsPattern("\"sealed\": \"<\\d+ bytes>\"");
        assertThat(leaked(tail, secrets)).as("secrets in what pager tail prints").isEmpty();
    }

    /** The names of the secrets that appear in the text: names only, so that a failure prints no secret. */
    private static List<String> leaked(String text, Map<String, String> secrets) {
        return secrets.entrySet().stream().filter(e -> text.contains(e.getValue())).map(Map.Entry::getKey).sorted()
                .toList();
    }

    /** What {@code pager tail <topic>} prints of everything on the topic, once that holds {@code expected}. */
    private static String tail(String topic, String expected) {
        String output = "";
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        // tail stops after 3 s without a record, which a slow group join can use up: run it again until it shows.
        while (!output.contains(expected) && System.nanoTime() < deadline) {
            ByteArrayOutputStream buffer = new ByteArrayOutputStream();
            PrintStream original = System.out;
            System.setOut(new PrintStream(buffer, true, StandardCharsets.UTF_8));
            try {
                int exit = new CommandLine(new PagerCommand()).execute("tail", topic,
                        "--bootstrap-server", pipeline.cluster.bootstrapServers(),
                        "--registry-url", pipeline.cluster.registryUrl(), "--timeout", "PT3S");
                assertThat(exit).isZero();
            } finally {
                System.setOut(original);
            }
            output = buffer.toString(StandardCharsets.UTF_8);
        }
        assertThat(output.contains(expected)).as("pager tail %s shows %s", topic, expected).isTrue();
        return output;
    }

    private static HttpRequest.Builder get(String path, String cookie) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).GET();
        return cookie == null ? b : b.header("Cookie", cookie);
    }

    private static HttpRequest.Builder post(String path, String cookie, String csrf, String body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (cookie != null) {
            b.header("Cookie", cookie);
        }
        return csrf == null ? b : b.header("X-CSRF-Token", csrf);
    }

    private static URI uri(String path) {
        return URI.create("http://127.0.0.1:" + pipeline.responderPort() + path);
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
