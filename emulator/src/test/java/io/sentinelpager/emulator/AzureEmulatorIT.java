package io.sentinelpager.emulator;

import io.sentinelpager.testkit.MutableClock;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Drives the emulator over real HTTPS with the JDK's HTTP client, trusting only its certificate. */
class AzureEmulatorIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant T0 = Instant.parse("2026-05-05T10:00:00Z");
    private static final String PREFER = "include-unknown-enum-members";
    private static final SentinelWorkspace PAGED = new SentinelWorkspace("d0cfe6b2-9ac0-4464-9919-dccaee2e48c0",
            "pagedRg", "pagedWs");

    private final MutableClock clock = new MutableClock(T0);
    private final EmulatorOptions options = EmulatorOptions.defaults().withClock(clock);
    private AzureEmulator emulator;
    private HttpClient http;

    @BeforeEach
    void start() throws Exception {
        start(options);
    }

    private void start(EmulatorOptions with) throws Exception {
        emulator = AzureEmulator.start(with);
        http = HttpClient.newBuilder().sslContext(trusting(emulator.certificatePem())).build();
    }

    @AfterEach
    void stop() {
        emulator.close();
    }

    @Test
    void servesHttpsOnLoopbackWithUrlsForTheSdks(@TempDir Path dir) throws Exception {
        assertThat(emulator.baseUrl()).matches("https://127\\.0\\.0\\.1:\\d+");
        assertThat(emulator.graphBaseUrl()).isEqualTo(emulator.baseUrl() + "/v1.0");
        assertThat(emulator.authorityHost()).isEqualTo(emulator.baseUrl() + "/");
        Path pem = dir.resolve("emulator.pem");
        emulator.writeCertificatePem(pem);
        assertThat(Files.readString(pem)).startsWith("-----BEGIN CERTIFICATE-----\n").isEqualTo(emulator.certificatePem());
    }

    @Test
    void listensOnEveryAddressUnderTheNameItIsGiven() throws Exception {
        // This machine's name stands for the service name in a container: neither localhost nor 127.0.0.1.
        String name = InetAddress.getLocalHost().getHostName();
        assumeTrue(!name.equalsIgnoreCase("localhost") && InetAddress.getByName(name).isLoopbackAddress(),
                "this machine's name (" + name + ") is localhost or does not resolve to a loopback address");
        URI byName = URI.create("https://" + name + ":" + URI.create(emulator.baseUrl()).getPort() + "/");
        assertThatThrownBy(() -> send(HttpRequest.newBuilder(byName).GET()))
                .as("the default certificate does not name the host").isInstanceOf(SSLHandshakeException.class);

        stop();
        start(options.withHost("0.0.0.0", name));
        int port = URI.create(emulator.baseUrl()).getPort();

        assertThat(emulator.baseUrl()).isEqualTo("https://" + name + ":" + port);
        X509Certificate certificate = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(
                new ByteArrayInputStream(emulator.certificatePem().getBytes(StandardCharsets.US_ASCII)));
        assertThat(certificate.getSubjectAlternativeNames().stream().map(entry -> String.valueOf(entry.get(1))))
                .containsExactlyInAnyOrder("localhost", "127.0.0.1", name);
        // The token endpoint by that name, the client checking the name against the certificate as the SDKs do.
        assertThat(tokenRequest(options.tenantId(), options.clientSecret()).statusCode()).isEqualTo(200);
        for (InetAddress address : nonLoopbackAddresses()) {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(address, port), 5_000); // refused if bound to 127.0.0.1 only
            }
        }
    }

    private static List<InetAddress> nonLoopbackAddresses() throws IOException {
        return NetworkInterface.networkInterfaces().filter(nic -> {
            try {
                return nic.isUp() && !nic.isLoopback();
            } catch (SocketException e) {
                throw new UncheckedIOException(e);
            }
        }).flatMap(NetworkInterface::inetAddresses).filter(a -> a instanceof Inet4Address).toList();
    }

    @Test
    void issuesATokenForTheRegisteredApp() throws Exception {
        HttpResponse<String> response = tokenRequest(options.tenantId(), options.clientSecret());

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode body = JSON.readTree(response.body());
        assertThat(body.get("token_type").asText()).isEqualTo("Bearer");
        assertThat(body.get("expires_in").asLong()).isEqualTo(3600);
        assertThat(body.get("ext_expires_in").asLong()).isEqualTo(3600);
        assertThat(body.get("access_token").asText()).hasSizeGreaterThan(40);
    }

    @Test
    void rejectsAWrongSecretOrTenantLikeEntraId() throws Exception {
        HttpResponse<String> wrongSecret = tokenRequest(options.tenantId(), "not-the-secret");

        assertThat(wrongSecret.statusCode()).isEqualTo(401);
        JsonNode error = JSON.readTree(wrongSecret.body());
        assertThat(error.get("error").asText()).isEqualTo("invalid_client");
        assertThat(error.get("error_description").asText()).startsWith("AADSTS7000215: Invalid client secret provided.");
        assertThat(error.get("error_codes").get(0).asInt()).isEqualTo(7000215);
        assertThat(error.has("timestamp") && error.has("trace_id") && error.has("correlation_id")).isTrue();
        assertThat(wrongSecret.body()).doesNotContain("not-the-secret").doesNotContain(options.clientSecret());

        HttpResponse<String> wrongTenant = tokenRequest("00000000-0000-0000-0000-000000000001", options.clientSecret());
        assertThat(wrongTenant.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(wrongTenant.body()).get("error_description").asText()).startsWith("AADSTS90002:");
    }

    @Test
    void graphNeedsAValidUnexpiredToken() throws Exception {
        HttpResponse<String> anonymous = send(HttpRequest.newBuilder(alertsUri("")).GET());
        assertThat(anonymous.statusCode()).isEqualTo(401);
        JsonNode error = JSON.readTree(anonymous.body()).get("error");
        assertThat(error.get("code").asText()).isEqualTo("InvalidAuthenticationToken");
        assertThat(error.get("innerError").get("request-id").asText()).isNotBlank();
        assertThat(error.get("innerError").get("date").asText()).isEqualTo("2026-05-05T10:00:00");

        String token = token();
        assertThat(get(alertsUri(""), token, false).statusCode()).isEqualTo(200);
        assertThat(get(alertsUri(""), "forged", false).statusCode()).isEqualTo(401);

        clock.advance(options.tokenLifetime());
        HttpResponse<String> expired = get(alertsUri(""), token, false);
        assertThat(expired.statusCode()).isEqualTo(401);
        assertThat(expired.body()).contains("the token is expired");
    }

    @Test
    void pagesSevenAlertsThreeAtATimeByNextLink() throws Exception {
        List<String> added = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            added.add(emulator.alerts().add(SampleAlerts.random(new Random(i))).get("id").asText());
            clock.advance(Duration.ofSeconds(1));
        }
        String token = token();

        List<String> listed = new ArrayList<>();
        List<Integer> pageSizes = new ArrayList<>();
        URI next = alertsUri("?$top=3");
        while (next != null) {
            HttpResponse<String> response = get(next, token, true);
            assertThat(response.statusCode()).isEqualTo(200);
            JsonNode page = JSON.readTree(response.body());
            assertThat(page.get("@odata.context").asText()).isEqualTo(emulator.graphBaseUrl() + "/$metadata#security/alerts_v2");
            page.get("value").forEach(alert -> listed.add(alert.get("id").asText()));
            pageSizes.add(page.get("value").size());
            next = page.has("@odata.nextLink") ? URI.create(page.get("@odata.nextLink").asText()) : null;
            if (next != null) {
                assertThat(next.toString()).startsWith(emulator.graphBaseUrl() + "/security/alerts_v2?$top=3&$skiptoken=");
            }
        }

        assertThat(pageSizes).containsExactly(3, 3, 1);
        assertThat(listed).isEqualTo(added);
    }

    @Test
    void pagesSentinelIncidentsByPositionOrByOffsetAndOnlyAnOffsetShiftsWhenAnIncidentChangesBetweenTwoPages()
            throws Exception {
        List<String> byPosition = fiveIncidents();
        assertThat(listIncidentsTwoAtATimeChangingTheFirstAfterOnePage(byPosition))
                .as("the changed incident moved behind the cursor and is listed again; nothing shifted")
                .containsExactly(byPosition.get(0), byPosition.get(1), byPosition.get(2), byPosition.get(3),
                        byPosition.get(4), byPosition.get(0));

        stop();
        start(options.withIncidentPaging(IncidentPaging.BY_OFFSET));
        List<String> byOffset = fiveIncidents();
        assertThat(listIncidentsTwoAtATimeChangingTheFirstAfterOnePage(byOffset))
                .as("the third incident moved up into the first page, already served")
                .containsExactly(byOffset.get(0), byOffset.get(1), byOffset.get(3), byOffset.get(4), byOffset.get(0));
    }

    @Test
    void filtersByLastUpdateWatermarkAndStatus() throws Exception {
        for (int i = 0; i < 5; i++) {
            emulator.alerts().add(SampleAlerts.random(new Random(i)).put("id", "alert-" + i));
            clock.advance(Duration.ofMinutes(1));
        }
        emulator.alerts().update("alert-0", JSON.createObjectNode().put("status", "resolved"));
        String token = token();

        // alert-3 was stamped exactly at T0+3min: ge includes it, gt does not.
        assertThat(ids(get(alertsUri(filter("lastUpdateDateTime ge 2026-05-05T10:03:00Z")), token, true)))
                .containsExactly("alert-3", "alert-4", "alert-0");
        assertThat(ids(get(alertsUri(filter("lastUpdateDateTime gt 2026-05-05T10:03:00Z")), token, true)))
                .containsExactly("alert-4", "alert-0");
        assertThat(ids(get(alertsUri(filter("lastUpdateDateTime ge 2026-05-05T10:03:00Z and status eq 'new'")),
                token, true))).containsExactly("alert-3", "alert-4");

        HttpResponse<String> unsupported = get(alertsUri(filter("title eq 'x'")), token, true);
        assertThat(unsupported.statusCode()).isEqualTo(400);
        JsonNode error = JSON.readTree(unsupported.body()).get("error");
        assertThat(error.get("code").asText()).isEqualTo("BadRequest");
        assertThat(error.get("message").asText()).contains("'title'");
        assertThat(error.get("innerError").has("request-id")).isTrue();
        assertThat(get(alertsUri("?$top=1001"), token, true).statusCode()).isEqualTo(400);
        assertThat(get(alertsUri("?$select=id"), token, true).statusCode()).isEqualTo(400);
    }

    @Test
    void patchChangesStatusAndAssigneeAndBumpsLastUpdate() throws Exception {
        String id = emulator.alerts().add(SampleAlerts.defenderEndpoint()).get("id").asText();
        clock.advance(Duration.ofMinutes(2));
        String token = token();

        HttpResponse<String> response = send(HttpRequest.newBuilder(alertsUri("/" + id))
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json")
                .method("PATCH", HttpRequest.BodyPublishers.ofString(
                        publishedBody("graph-alert-update.2026.request.json"))));

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode updated = JSON.readTree(response.body());
        assertThat(updated.get("id").asText()).isEqualTo(id);
        assertThat(updated.get("status").asText()).isEqualTo("inProgress");
        assertThat(updated.get("assignedTo").asText()).isEqualTo("secAdmin@contoso.com");
        assertThat(updated.get("classification").asText()).isEqualTo("truePositive");
        assertThat(updated.get("lastUpdateDateTime").asText()).isEqualTo("2026-05-05T10:02:00.0000000Z");
        assertThat(emulator.alerts().get(id).orElseThrow().get("status").asText()).isEqualTo("inProgress");

        HttpResponse<String> readOnly = send(HttpRequest.newBuilder(alertsUri("/" + id))
                .header("Authorization", "Bearer " + token)
                .method("PATCH", HttpRequest.BodyPublishers.ofString("{\"severity\":\"high\"}")));
        assertThat(readOnly.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(readOnly.body()).get("error").get("message").asText()).contains("'severity'");

        HttpResponse<String> missing = get(alertsUri("/da000000000000000000_1"), token, true);
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(JSON.readTree(missing.body()).get("error").get("code").asText()).isEqualTo("NotFound");
    }

    @Test
    void commentsReturnTheWholeList() throws Exception {
        String id = emulator.alerts().add(SampleAlerts.defenderEndpoint()).get("id").asText();
        String token = token();

        postComment(id, token, "{\"@odata.type\":\"microsoft.graph.security.alertComment\",\"comment\":\"test\"}");
        HttpResponse<String> response = postComment(id, token,
                publishedBody("graph-alert-post-comments.request.json"));

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode body = JSON.readTree(response.body());
        assertThat(body.get("@odata.context").asText())
                .isEqualTo(emulator.graphBaseUrl() + "/$metadata#security/alerts_v2('" + id + "')/comments");
        assertThat(body.get("value")).extracting(c -> c.get("comment").asText()).containsExactly("test", "Demo for docs");
        assertThat(body.get("value").get(1).get("createdByDisplayName").asText()).isEqualTo("Sentinel Pager");
        assertThat(body.get("value").get(1).get("createdDateTime").asText()).isEqualTo("2026-05-05T10:00:00.0000000Z");
    }

    /**
     * The array the Graph SDKs send gets what their users report Graph answers (msgraph-sdk-java#2131); an object
     * of another type gets OData's refusal. Neither adds a comment.
     */
    @Test
    void aCommentThatIsNotOneAlertCommentIsRefusedAsGraphRefusesIt() throws Exception {
        String id = emulator.alerts().add(SampleAlerts.defenderEndpoint()).get("id").asText();
        String token = token();

        HttpResponse<String> asArray = postComment(id, token,
                "[{\"@odata.type\":\"microsoft.graph.security.alertComment\",\"comment\":\"test\"}]");
        assertThat(asArray.statusCode()).isEqualTo(400);
        JsonNode array = JSON.readTree(asArray.body());
        assertThat(array.at("/error/code").asText()).isEqualTo("BadRequest");
        assertThat(array.at("/error/message").asText()).isEqualTo("Empty Payload. JSON content expected.");
        assertThat(array.at("/error/innerError/request-id").isTextual()).isTrue();

        HttpResponse<String> otherType = postComment(id, token,
                "{\"@odata.type\":\"#microsoft.graph.security.alert\",\"comment\":\"test\"}");
        assertThat(otherType.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(otherType.body()).at("/error/message").asText())
                .contains("'#microsoft.graph.security.alert' was found, but it is not assignable to the expected type"
                        + " 'microsoft.graph.security.alertComment'");
        assertThat(emulator.alerts().get(id).orElseThrow().get("comments")).isEmpty();
    }

    @Test
    void hidesEvolvableEnumMembersUnlessTheClientPrefersThem() throws Exception {
        String id = emulator.alerts().add(SampleAlerts.sentinelScheduled()).get("id").asText();
        String token = token();

        JsonNode hidden = JSON.readTree(get(alertsUri("/" + id), token, false).body());
        assertThat(hidden.get("serviceSource").asText()).isEqualTo("unknownFutureValue");
        assertThat(hidden.get("detectionSource").asText()).isEqualTo("unknownFutureValue");

        HttpResponse<String> preferred = get(alertsUri(""), token, true);
        JsonNode shown = JSON.readTree(preferred.body()).get("value").get(0);
        assertThat(shown.get("serviceSource").asText()).isEqualTo("microsoftSentinel");
        assertThat(shown.get("detectionSource").asText()).isEqualTo("scheduledAlerts");
        assertThat(preferred.headers().firstValue("Preference-Applied")).contains(PREFER);
        // The stored alert is untouched by what one client was shown.
        assertThat(emulator.alerts().get(id).orElseThrow().get("serviceSource").asText()).isEqualTo("microsoftSentinel");
    }

    @Test
    void publishedSamplesPassThroughUnchanged() throws Exception {
        String token = token();
        for (ObjectNode sample : List.of(
                SampleAlerts.published("graph-alert-get.response.json"),
                (ObjectNode) SampleAlerts.published("graph-alerts_v2-list-1.response.json").get("value").get(0),
                (ObjectNode) SampleAlerts.published("graph-alerts_v2-list-2-sentinel.response.json").get("value").get(0))) {
            HttpResponse<String> created = send(HttpRequest.newBuilder(URI.create(emulator.baseUrl() + "/admin/graph/alerts"))
                    .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(sample))));
            assertThat(created.statusCode()).isEqualTo(201);
            assertThat(JSON.readTree(created.body())).isEqualTo(sample);

            ObjectNode served = (ObjectNode) JSON.readTree(get(alertsUri("/" + sample.get("id").asText()), token, true).body());
            assertThat(served.remove("@odata.context").asText()).endsWith("/$metadata#security/alerts_v2/$entity");
            assertThat(served).isEqualTo(sample);
        }
        HttpResponse<String> admin = send(HttpRequest.newBuilder(URI.create(emulator.baseUrl() + "/admin/graph/alerts")).GET());
        assertThat(JSON.readTree(admin.body())).hasSize(3);
    }

    @Test
    void answersUnemulatedRoutesWith404() throws Exception {
        HttpResponse<String> response = send(HttpRequest.newBuilder(URI.create(emulator.baseUrl() + "/nothing/here")).GET());

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(response.body()).contains("does not emulate GET /nothing/here");
    }

    @Test
    void faultsSetThroughTheAdminApiAnswerInGraphsErrorShape() throws Exception {
        String token = token();
        HttpResponse<String> injected = admin("POST", "/admin/faults/graph.alerts.list",
                "{\"kind\":\"throttle\",\"delayMillis\":2000,\"times\":2}");
        assertThat(injected.statusCode()).as(injected.body()).isEqualTo(204);

        for (int i = 0; i < 2; i++) {
            HttpResponse<String> throttled = get(alertsUri(""), token, false);
            assertThat(throttled.statusCode()).isEqualTo(429);
            assertThat(throttled.headers().firstValue("Retry-After")).contains("2");
            JsonNode error = JSON.readTree(throttled.body()).get("error");
            assertThat(error.get("code").asText()).isEqualTo("TooManyRequests");
            assertThat(error.get("innerError").get("request-id").asText()).isNotBlank();
        }
        assertThat(get(alertsUri(""), token, false).statusCode()).as("after the two throttled calls").isEqualTo(200);
    }

    @Test
    void aRevokedPermissionAnswers403NamingIt() throws Exception {
        String id = emulator.alerts().add(SampleAlerts.defenderEndpoint()).get("id").asText();
        String token = token();
        assertThat(admin("PUT", "/admin/permissions/graph.alerts.comment", "{\"granted\":false}").statusCode())
                .isEqualTo(204);

        HttpResponse<String> forbidden = postComment(id, token, publishedBody("graph-alert-post-comments.request.json"));
        assertThat(forbidden.statusCode()).isEqualTo(403);
        assertThat(JSON.readTree(forbidden.body()).get("error").get("message").asText())
                .contains("SecurityAlert.ReadWrite.All");
        assertThat(get(alertsUri("/" + id), token, false).statusCode()).as("reading is still allowed").isEqualTo(200);

        admin("PUT", "/admin/permissions/graph.alerts.comment", "{\"granted\":true}");
        assertThat(postComment(id, token, publishedBody("graph-alert-post-comments.request.json")).statusCode())
                .isEqualTo(200);
    }

    @Test
    void aResetDropsTheConnectionWithoutAnAnswer() throws Exception {
        // On a POST: the JDK client silently sends a GET again when its connection drops.
        emulator.faults().inject("token", Fault.reset());

        assertThatThrownBy(() -> tokenRequest(options.tenantId(), options.clientSecret())).isInstanceOf(IOException.class);
        assertThat(tokenRequest(options.tenantId(), options.clientSecret()).statusCode()).isEqualTo(200);
        assertThat(emulator.requests().of("token")).extracting(LoggedRequest::status).containsExactly(0, 200);
    }

    @Test
    void latencyDelaysTheAnswer() throws Exception {
        String token = token();
        emulator.faults().inject("graph.alerts.list", Fault.latency(Duration.ofMillis(300)));

        assertThat(get(alertsUri(""), token, false).statusCode()).isEqualTo(200);
        assertThat(emulator.requests().of("graph.alerts.list").get(0).took()).isGreaterThanOrEqualTo(Duration.ofMillis(300));
    }

    @Test
    void anUnknownRouteOrFaultIsRejectedNamingTheRoutes() throws Exception {
        HttpResponse<String> unknown = admin("POST", "/admin/faults/graph.alert.list", "{\"kind\":\"reset\"}");
        assertThat(unknown.statusCode()).isEqualTo(400);
        assertThat(unknown.body()).contains("graph.alerts.list").contains("token");
        assertThat(admin("POST", "/admin/faults/token", "{\"kind\":\"explode\"}").statusCode()).isEqualTo(400);
    }

    @Test
    void theNextIdTokensClaimsAreOnlyTheIdentityClaimsAndAWrongOneIsRejectedNamingThem() throws Exception {
        HttpResponse<String> other = admin("POST", "/admin/oidc/next-id-token", "{\"claims\": {\"upn\": \"x\"}}");
        assertThat(other.statusCode()).isEqualTo(400);
        assertThat(other.body()).contains("claim 'upn' cannot be set; claims are [oid, tid, idp, acct]");
        assertThat(admin("POST", "/admin/oidc/next-id-token", "{\"claim\": {}}").body())
                .contains("unknown field 'claim'; fields are flaw, claims");
        assertThat(admin("POST", "/admin/oidc/next-id-token", "{\"claims\": {\"oid\": null, \"acct\": 1}}")
                .statusCode()).isEqualTo(204);
    }

    @Test
    void theRequestLogHoldsNoTokenOrSecret() throws Exception {
        String token = token();
        get(alertsUri(filter("status eq 'new'")), token, false);

        HttpResponse<String> log = admin("GET", "/admin/requests", null);
        assertThat(log.statusCode()).isEqualTo(200);
        JsonNode entries = JSON.readTree(log.body());
        assertThat(entries).hasSize(2);
        assertThat(entries.get(0).get("route").asText()).isEqualTo("token");
        assertThat(entries.get(1).get("route").asText()).isEqualTo("graph.alerts.list");
        assertThat(entries.get(1).get("query").asText()).contains("$filter=");
        assertThat(entries.get(1).get("status").asInt()).isEqualTo(200);
        assertThat(log.body()).doesNotContain(token).doesNotContain(options.clientSecret());
    }

    /** Each service takes only a token issued for it, and refuses another in its own words. */
    @Test
    void eachApiRefusesATokenForAnotherAudience() throws Exception {
        String workspace = "c8c99641-985d-4e4e-8e91-fb3466cd0e5b";
        String emulatorHost = "https://" + URI.create(emulator.logAnalyticsUrl()).getHost() + "/.default";
        for (String other : List.of(emulatorHost, "https://graph.microsoft.com/.default")) {
            HttpResponse<String> refused = laQuery(workspace, tokenFor(other));
            assertThat(refused.statusCode()).as(other).isEqualTo(403);
            assertThat(JSON.readTree(refused.body()).get("error")).as(other).isEqualTo(JSON.readTree(
                    "{\"message\":\"The provided authentication is not valid for this resource\",\"code\":\"InvalidTokenError\"}"));
        }

        String incidents = emulator.managementUrl() + new SentinelWorkspace("d0cfe6b2-9ac0-4464-9919-dccaee2e48c0",
                "myRg", "myWs").resourceId() + "/incidents?api-version=2025-12-01";
        HttpResponse<String> arm = get(URI.create(incidents), laToken(), false);
        assertThat(arm.statusCode()).isEqualTo(401);
        assertThat(JSON.readTree(arm.body()).get("error")).isEqualTo(JSON.readTree("{\"code\":"
                + "\"InvalidAuthenticationTokenAudience\",\"message\":\"The access token has been obtained for wrong"
                + " audience or resource 'https://api.loganalytics.io'. It should exactly match with one of the allowed"
                + " audiences 'https://management.core.windows.net/','https://management.core.windows.net',"
                + "'https://management.azure.com/','https://management.azure.com'.\"}"));
        assertThat(get(URI.create(incidents), tokenFor("https://management.core.windows.net//.default"), false)
                .statusCode()).as("ARM's other audience").isEqualTo(200);

        HttpResponse<String> graph = get(alertsUri(""), laToken(), false);
        assertThat(graph.statusCode()).isEqualTo(401);
        assertThat(JSON.readTree(graph.body()).at("/error/message").asText())
                .isEqualTo("Access token validation failure. Invalid audience.");
    }

    @Test
    void sentinelNeedsAnArmTokenAndAStableApiVersionAndAnswersInArmsShape() throws Exception {
        SentinelWorkspace workspace = new SentinelWorkspace("d0cfe6b2-9ac0-4464-9919-dccaee2e48c0", "myRg", "myWs");
        String incidents = emulator.managementUrl() + workspace.resourceId() + "/incidents";
        HttpResponse<String> token = send(HttpRequest.newBuilder(URI.create(emulator.authorityHost() + options.tenantId()
                + "/oauth2/v2.0/token")).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("client_id=" + enc(options.clientId()) + "&client_secret="
                        + enc(options.clientSecret()) + "&scope=" + enc("https://management.azure.com/.default")
                        + "&grant_type=client_credentials")));
        String arm = JSON.readTree(token.body()).get("access_token").asText();

        HttpResponse<String> graphToken = get(URI.create(incidents + "?api-version=2025-12-01"), token(), false);
        assertThat(graphToken.statusCode()).as("a Graph token is for another audience").isEqualTo(401);
        HttpResponse<String> preview = get(URI.create(incidents + "?api-version=2022-09-01-preview"), arm, false);
        assertThat(preview.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(preview.body()).at("/error/code").asText()).isEqualTo("InvalidApiVersionParameter");

        HttpResponse<String> created = send(HttpRequest.newBuilder(URI.create(incidents + "/73e01a99?api-version=2025-09-01"))
                .header("Authorization", "Bearer " + arm).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(publishedBody("sentinel-incident-create.request.json"))));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        JsonNode incident = JSON.readTree(created.body());
        assertThat(incident.get("id").asText()).isEqualTo(workspace.resourceId() + "/incidents/73e01a99");
        assertThat(incident.get("etag").asText()).startsWith("\"");

        ObjectNode benign = (ObjectNode) JSON.readTree(publishedBody("sentinel-incident-create.request.json"));
        benign.put("etag", incident.get("etag").asText());
        ((ObjectNode) benign.get("properties")).put("classification", "BenignPositive").remove("classificationReason");
        HttpResponse<String> noReason = send(HttpRequest.newBuilder(URI.create(incidents + "/73e01a99?api-version=2025-09-01"))
                .header("Authorization", "Bearer " + arm).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(benign.toString())));
        assertThat(noReason.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(noReason.body()).at("/error/message").asText()).contains("classificationReason");
    }

    @Test
    void anAnalystsCommentOnASentinelIncidentIsListedWithItsAuthorAndModifiesTheIncidentAsAnyNewCommentDoes()
            throws Exception {
        SentinelWorkspace workspace = new SentinelWorkspace("d0cfe6b2-9ac0-4464-9919-dccaee2e48c0", "myRg", "myWs");
        String incidents = emulator.managementUrl() + workspace.resourceId() + "/incidents";
        String admin = "/admin/sentinel/d0cfe6b2-9ac0-4464-9919-dccaee2e48c0/myRg/myWs/incidents/";
        ObjectNode seed = JSON.createObjectNode();
        seed.putObject("properties").put("title", "Mass download").put("severity", "Medium").put("status", "New");
        String name = emulator.incidents().add(workspace, seed).get("name").asText();
        String arm = tokenFor("https://management.azure.com/.default");
        JsonNode before = JSON.readTree(get(URI.create(incidents + "/" + name + "?api-version=2025-12-01"), arm, false)
                .body());
        clock.advance(Duration.ofMinutes(2));

        HttpResponse<String> added = admin("POST", admin + name + "/comments", """
                {"message": "Isolated the host, check the VPN logs",
                 "author": {"name": "Dana Analyst", "userPrincipalName": "dana@contoso.example"}}
                """);

        assertThat(added.statusCode()).as(added.body()).isEqualTo(201);
        JsonNode comment = JSON.readTree(added.body());
        assertThat(comment.get("type").asText()).isEqualTo("Microsoft.SecurityInsights/incidents/comments");
        assertThat(comment.get("id").asText()).isEqualTo(workspace.resourceId() + "/incidents/" + name + "/comments/"
                + comment.get("name").asText());
        assertThat(comment.at("/properties/message").asText()).isEqualTo("Isolated the host, check the VPN logs");
        assertThat(Instant.parse(comment.at("/properties/createdTimeUtc").asText()))
                .isEqualTo(T0.plus(Duration.ofMinutes(2)));
        assertThat(comment.at("/properties/author/name").asText()).isEqualTo("Dana Analyst");
        assertThat(comment.at("/properties/author/userPrincipalName").asText()).isEqualTo("dana@contoso.example");
        assertThat(comment.at("/properties/author/objectId").asText()).as("Sentinel names every author").isNotBlank();
        HttpResponse<String> listed = get(URI.create(incidents + "/" + name + "/comments?api-version=2025-12-01"),
                arm, false);
        assertThat(JSON.readTree(listed.body()).get("value")).containsExactly(comment);

        // The incident is modified at the comment's time, so a poller of lastModifiedTimeUtc reads it again.
        JsonNode after = JSON.readTree(get(URI.create(incidents + "/" + name + "?api-version=2025-12-01"), arm, false)
                .body());
        assertThat(after.at("/properties/lastModifiedTimeUtc").asText())
                .isEqualTo(comment.at("/properties/createdTimeUtc").asText());
        assertThat(after.get("etag").asText()).isNotEqualTo(before.get("etag").asText());
        assertThat(after.at("/properties/additionalData/commentsCount").asInt()).isEqualTo(1);
        String since = "?api-version=2025-12-01&$filter=" + enc("properties/lastModifiedTimeUtc gt "
                + before.at("/properties/lastModifiedTimeUtc").asText()).replace("+", "%20");
        assertThat(JSON.readTree(get(URI.create(incidents + since), arm, false).body()).get("value"))
                .extracting(i -> i.get("name").asText()).containsExactly(name);

        // Whoever adds it: the app's own comment through ARM modifies the incident the same way.
        clock.advance(Duration.ofMinutes(1));
        HttpResponse<String> ours = send(HttpRequest.newBuilder(URI.create(incidents + "/" + name
                        + "/comments/4bb36b7b-26ff-4d1c-9cbe-0d8ab3da0014?api-version=2025-12-01"))
                .header("Authorization", "Bearer " + arm).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(publishedBody("sentinel-incident-comment-create.request.json"))));
        assertThat(ours.statusCode()).as(ours.body()).isEqualTo(201);
        assertThat(Instant.parse(emulator.incidents().get(workspace, name).orElseThrow()
                .at("/properties/lastModifiedTimeUtc").asText())).isEqualTo(T0.plus(Duration.ofMinutes(3)));
    }

    @Test
    void anAnalystsCommentWithoutMessageOrAuthorOrIncidentIsRefusedNamingWhatIsMissing() throws Exception {
        SentinelWorkspace workspace = new SentinelWorkspace("d0cfe6b2-9ac0-4464-9919-dccaee2e48c0", "myRg", "myWs");
        String admin = "/admin/sentinel/d0cfe6b2-9ac0-4464-9919-dccaee2e48c0/myRg/myWs/incidents/";
        ObjectNode seed = JSON.createObjectNode();
        seed.putObject("properties").put("title", "Mass download").put("severity", "Medium").put("status", "New");
        String name = emulator.incidents().add(workspace, seed).get("name").asText();
        ObjectNode before = emulator.incidents().get(workspace, name).orElseThrow();

        HttpResponse<String> noAuthor = admin("POST", admin + name + "/comments", "{\"message\": \"hi\"}");
        assertThat(noAuthor.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(noAuthor.body()).get("error").asText()).contains("'author'");
        HttpResponse<String> nameless = admin("POST", admin + name + "/comments",
                "{\"message\": \"hi\", \"author\": {\"objectId\": \"2046feea-040d-4a46-9e2b-91c2941bfa70\"}}");
        assertThat(nameless.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(nameless.body()).get("error").asText()).contains("'name'");
        HttpResponse<String> authorText = admin("POST", admin + name + "/comments",
                "{\"message\": \"hi\", \"author\": \"Dana\"}");
        assertThat(authorText.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(authorText.body()).get("error").asText()).contains("'author' must be an object");
        HttpResponse<String> blank = admin("POST", admin + name + "/comments",
                "{\"message\": \" \", \"author\": {\"name\": \"Dana\"}}");
        assertThat(blank.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(blank.body()).get("error").asText()).contains("'message'");
        HttpResponse<String> nowhere = admin("POST", admin + "no-such-incident/comments",
                "{\"message\": \"hi\", \"author\": {\"name\": \"Dana\"}}");
        assertThat(nowhere.statusCode()).isEqualTo(404);
        assertThat(JSON.readTree(nowhere.body()).get("error").asText()).contains("'no-such-incident'")
                .contains("myWs");

        assertThat(emulator.incidents().get(workspace, name).orElseThrow()).as("nothing changed").isEqualTo(before);
    }

    @Test
    void logAnalyticsRunsAtMostFiveQueriesAtOnce() throws Exception {
        String workspace = "c8c99641-985d-4e4e-8e91-fb3466cd0e5b";
        HttpResponse<String> seeded = admin("POST", "/admin/loganalytics/" + workspace + "/answers",
                "{\"pattern\":\"^Usage\",\"response\":" + publishedBody("la-query-post.response.json") + "}");
        assertThat(seeded.statusCode()).as(seeded.body()).isEqualTo(204);
        String token = JSON.readTree(send(HttpRequest.newBuilder(URI.create(emulator.authorityHost() + options.tenantId()
                + "/oauth2/v2.0/token")).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("client_id=" + enc(options.clientId()) + "&client_secret="
                        + enc(options.clientSecret()) + "&scope=" + enc("https://api.loganalytics.io/.default")
                        + "&grant_type=client_credentials"))).body()).get("access_token").asText();
        emulator.logAnalytics().hold();

        List<CompletableFuture<HttpResponse<String>>> queries = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            queries.add(http.sendAsync(HttpRequest.newBuilder(URI.create(emulator.logAnalyticsUrl() + "/v1/workspaces/"
                    + workspace + "/query")).header("Authorization", "Bearer " + token)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(publishedBody("la-query-post.request.json")))
                    .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString()));
        }
        // While five are held, only the sixth can have been answered.
        HttpResponse<?> first = (HttpResponse<?>) CompletableFuture.anyOf(queries.toArray(CompletableFuture[]::new))
                .get(20, TimeUnit.SECONDS);
        assertThat(first.statusCode()).isEqualTo(429);
        emulator.logAnalytics().release();

        List<Integer> statuses = new ArrayList<>();
        for (CompletableFuture<HttpResponse<String>> query : queries) {
            statuses.add(query.get(20, TimeUnit.SECONDS).statusCode());
        }
        assertThat(statuses).containsExactlyInAnyOrder(200, 200, 200, 200, 200, 429);
        assertThat(JSON.readTree((String) first.body()).at("/error/code").asText()).isEqualTo("TooManyRequests");
    }

    @Test
    void logAnalyticsAnswersTwoHundredRequestsPerThirtySecondsAndNamesTheWaitForMore() throws Exception {
        String workspace = "c8c99641-985d-4e4e-8e91-fb3466cd0e5b";
        emulator.logAnalytics().seedSecurityAlerts(workspace);
        String token = laToken();

        for (int i = 0; i < 150; i++) {
            assertThat(laQuery(workspace, token).statusCode()).isEqualTo(200);
        }
        clock.advance(Duration.ofSeconds(10));
        for (int i = 0; i < 50; i++) {
            assertThat(laQuery(workspace, token).statusCode()).isEqualTo(200);
        }
        HttpResponse<String> refused = laQuery(workspace, token);
        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(refused.headers().firstValue("Retry-After")).as("the first 150 leave the window in 20 s").contains("20");
        assertThat(JSON.readTree(refused.body()).at("/error/code").asText()).isEqualTo("TooManyRequests");
        assertThat(JSON.readTree(refused.body()).at("/error/message").asText()).contains("200");

        clock.advance(Duration.ofSeconds(19));
        assertThat(laQuery(workspace, token).statusCode()).as("a refused request does not count, and 1 s is left")
                .isEqualTo(429);
        clock.advance(Duration.ofSeconds(1));
        for (int i = 0; i < 150; i++) {
            assertThat(laQuery(workspace, token).statusCode()).as("query %d after the wait", i).isEqualTo(200);
        }
        assertThat(laQuery(workspace, token).statusCode()).isEqualTo(429);
    }

    @Test
    void anAnalystChangesAnAlertInOneStepThatThePollerSeesAndTheHistoryNamesThem() throws Exception {
        String id = emulator.alerts().add(SampleAlerts.defenderEndpoint()).get("id").asText();
        String created = emulator.alerts().get(id).orElseThrow().get("lastUpdateDateTime").asText();
        clock.advance(Duration.ofMinutes(3));

        HttpResponse<String> changed = admin("POST", "/admin/graph/alerts/" + id + "/analyst", """
                {"analyst": "soc-lead@contoso.example", "status": "resolved", "assignedTo": "soc-lead@contoso.example",
                 "classification": "truePositive", "determination": "malware", "comment": "Contained, host reimaged"}
                """);

        assertThat(changed.statusCode()).as(changed.body()).isEqualTo(200);
        JsonNode alert = JSON.readTree(changed.body());
        assertThat(alert.get("status").asText()).isEqualTo("resolved");
        assertThat(alert.get("assignedTo").asText()).isEqualTo("soc-lead@contoso.example");
        assertThat(alert.get("classification").asText()).isEqualTo("truePositive");
        assertThat(alert.get("determination").asText()).isEqualTo("malware");
        String now = alert.get("lastUpdateDateTime").asText();
        assertThat(Instant.parse(now)).isEqualTo(Instant.parse(created).plus(Duration.ofMinutes(3)));
        assertThat(alert.get("resolvedDateTime").asText()).isEqualTo(now);
        assertThat(alert.at("/comments/0/comment").asText()).isEqualTo("Contained, host reimaged");
        assertThat(alert.at("/comments/0/createdByDisplayName").asText()).isEqualTo("soc-lead@contoso.example");
        assertThat(alert.at("/comments/0/createdDateTime").asText()).isEqualTo(now);

        // A poller filtering on lastUpdateDateTime sees the change once, through Graph.
        HttpResponse<String> listed = get(alertsUri(filter("lastUpdateDateTime gt " + created)), token(), true);
        assertThat(ids(listed)).containsExactly(id);

        JsonNode history = JSON.readTree(admin("GET", "/admin/graph/alerts/" + id + "/history", null).body());
        assertThat(history).hasSize(1);
        assertThat(history.at("/0/by").asText()).isEqualTo("soc-lead@contoso.example");
        assertThat(history.at("/0/time").asText()).isEqualTo(now);
        assertThat(history.at("/0/changes/status").asText()).isEqualTo("resolved");
        assertThat(history.at("/0/comment").asText()).isEqualTo("Contained, host reimaged");
    }

    @Test
    void anInvalidAnalystChangeChangesNothing() throws Exception {
        String id = emulator.alerts().add(SampleAlerts.defenderEndpoint()).get("id").asText();
        ObjectNode before = emulator.alerts().get(id).orElseThrow();
        clock.advance(Duration.ofMinutes(1));

        assertThat(admin("POST", "/admin/graph/alerts/" + id + "/analyst",
                "{\"status\": \"resolved\"}").statusCode()).as("no analyst named").isEqualTo(400);
        assertThat(admin("POST", "/admin/graph/alerts/" + id + "/analyst",
                "{\"analyst\": \"ana\", \"status\": \"closed\"}").statusCode()).as("not a status").isEqualTo(400);
        assertThat(admin("POST", "/admin/graph/alerts/" + id + "/analyst",
                "{\"analyst\": \"ana\", \"severity\": \"high\"}").statusCode()).as("not changeable").isEqualTo(400);
        assertThat(admin("POST", "/admin/graph/alerts/" + id + "/analyst",
                "{\"analyst\": \"ana\"}").statusCode()).as("nothing to change").isEqualTo(400);
        assertThat(admin("POST", "/admin/graph/alerts/nope/analyst",
                "{\"analyst\": \"ana\", \"status\": \"resolved\"}").statusCode()).isEqualTo(404);

        assertThat(emulator.alerts().get(id).orElseThrow()).isEqualTo(before);
        assertThat(emulator.alerts().history(id).orElseThrow()).isEmpty();
    }

    @Test
    void aDefenderIncidentIsSeededWithItsAlertsAndGraphServesThemExpanded() throws Exception {
        HttpResponse<String> seeded = admin("POST", "/admin/graph/incidents", """
                {"displayName": "Multi-stage incident on one endpoint", "severity": "high",
                 "alerts": [{"title": "Suspicious PowerShell"}, {"title": "Credential dumping", "severity": "high"}]}
                """);
        assertThat(seeded.statusCode()).as(seeded.body()).isEqualTo(201);
        JsonNode incident = JSON.readTree(seeded.body());
        String incidentId = incident.get("id").asText();
        assertThat(incident.get("alerts")).hasSize(2);
        assertThat(incident.at("/alerts/0/incidentId").asText()).isEqualTo(incidentId);

        HttpResponse<String> served = get(URI.create(emulator.graphBaseUrl() + "/security/incidents/" + incidentId
                + "?$expand=alerts"), token(), true);
        assertThat(served.statusCode()).as(served.body()).isEqualTo(200);
        assertThat(JSON.readTree(served.body()).get("alerts")).extracting(a -> a.get("title").asText())
                .containsExactlyInAnyOrder("Suspicious PowerShell", "Credential dumping");

        assertThat(admin("POST", "/admin/graph/incidents", "{\"alerts\": [{\"severity\": \"dire\"}]}").statusCode())
                .isEqualTo(400);
        assertThat(JSON.readTree(admin("GET", "/admin/graph/incidents", null).body())).hasSize(1);
    }

    /** Five incidents of {@link #PAGED}, modified a second apart, oldest first. */
    private List<String> fiveIncidents() {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            ObjectNode incident = JSON.createObjectNode();
            incident.putObject("properties").put("title", "Incident " + i).put("severity", "Low").put("status", "New");
            names.add(emulator.incidents().add(PAGED, incident).get("name").asText());
            clock.advance(Duration.ofSeconds(1));
        }
        return names;
    }

    /**
     * The names ARM lists oldest-modified first, two a page, following nextLink, while an analyst changes the first
     * incident after the first page.
     */
    private List<String> listIncidentsTwoAtATimeChangingTheFirstAfterOnePage(List<String> incidents) throws Exception {
        emulator.beforeNextIncidentPage(() -> {
            clock.advance(Duration.ofSeconds(1));
            emulator.incidents().change(PAGED, incidents.get(0), JSON.createObjectNode().put("status", "Active"));
        });
        String arm = tokenFor("https://management.azure.com/.default");
        String list = emulator.managementUrl() + PAGED.resourceId() + "/incidents";
        URI next = URI.create(list + "?api-version=2025-12-01&$orderby="
                + enc("properties/lastModifiedTimeUtc asc").replace("+", "%20") + "&$top=2");
        List<String> listed = new ArrayList<>();
        while (next != null) {
            HttpResponse<String> response = get(next, arm, false);
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            JsonNode page = JSON.readTree(response.body());
            page.get("value").forEach(incident -> listed.add(incident.get("name").asText()));
            next = page.has("nextLink") ? URI.create(page.get("nextLink").asText()) : null;
            if (next != null) {
                assertThat(next.toString()).startsWith(list + "?").contains("$top=2", "$skipToken=");
            }
        }
        return listed;
    }

    private String laToken() throws Exception {
        return tokenFor("https://api.loganalytics.io/.default");
    }

    private String tokenFor(String scope) throws Exception {
        return JSON.readTree(send(HttpRequest.newBuilder(URI.create(emulator.authorityHost() + options.tenantId()
                + "/oauth2/v2.0/token")).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("client_id=" + enc(options.clientId()) + "&client_secret="
                        + enc(options.clientSecret()) + "&scope=" + enc(scope)
                        + "&grant_type=client_credentials"))).body()).get("access_token").asText();
    }

    private HttpResponse<String> laQuery(String workspace, String token) throws Exception {
        return send(HttpRequest.newBuilder(URI.create(emulator.logAnalyticsUrl() + "/v1/workspaces/" + workspace
                + "/query")).header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"query\":\"SecurityAlert | take 1\",\"timespan\":\"PT1H\"}")));
    }

    private HttpResponse<String> postComment(String id, String token, String body) throws Exception {
        return send(HttpRequest.newBuilder(alertsUri("/" + id + "/comments"))
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    private HttpResponse<String> tokenRequest(String tenant, String secret) throws Exception {
        String form = "client_id=" + enc(options.clientId()) + "&client_secret=" + enc(secret)
                + "&scope=" + enc("https://graph.microsoft.com/.default") + "&grant_type=client_credentials";
        return send(HttpRequest.newBuilder(URI.create(emulator.authorityHost() + tenant + "/oauth2/v2.0/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)));
    }

    private String token() throws Exception {
        return JSON.readTree(tokenRequest(options.tenantId(), options.clientSecret()).body()).get("access_token").asText();
    }

    private HttpResponse<String> get(URI uri, String token, boolean preferUnknownMembers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).header("Authorization", "Bearer " + token).GET();
        if (preferUnknownMembers) {
            request.header("Prefer", PREFER);
        }
        return send(request);
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return http.send(request.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> admin(String method, String path, String json) throws Exception {
        return send(HttpRequest.newBuilder(URI.create(emulator.baseUrl() + path))
                .header("Content-Type", "application/json")
                .method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json)));
    }

    private URI alertsUri(String rest) {
        return URI.create(emulator.graphBaseUrl() + "/security/alerts_v2" + rest);
    }

    private static String filter(String filter) {
        return "?$filter=" + enc(filter).replace("+", "%20");
    }

    private static List<String> ids(HttpResponse<String> response) throws Exception {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        List<String> ids = new ArrayList<>();
        JSON.readTree(response.body()).get("value").forEach(alert -> ids.add(alert.get("id").asText()));
        return ids;
    }

    private static String enc(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private static SSLContext trusting(String pem) throws Exception {
        KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        trust.setCertificateEntry("emulator", CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII))));
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, factory.getTrustManagers(), null);
        return context;
    }

    /** A published request body, sent byte for byte as Microsoft's docs show it. */
    private static String publishedBody(String file) throws Exception {
        try (var in = AzureEmulatorIT.class.getResourceAsStream("/samples/" + file)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
