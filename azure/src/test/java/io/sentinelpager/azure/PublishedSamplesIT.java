package io.sentinelpager.azure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.microsoft.graph.models.security.Alert;
import com.microsoft.graph.models.security.AlertClassification;
import com.microsoft.graph.models.security.AlertDetermination;
import com.microsoft.graph.models.security.AlertStatus;
import com.microsoft.graph.models.security.Incident;
import io.sentinelpager.emulator.AzureEmulator;
import io.sentinelpager.emulator.AzureEmulatorExtension;
import io.sentinelpager.emulator.LoggedRequest;
import io.sentinelpager.emulator.SampleAlerts;
import io.sentinelpager.emulator.SentinelWorkspace;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
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
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The contract with Microsoft's published payloads: every file in {@code src/test/resources/azure-samples}
 * (Microsoft's text, byte for byte; its README and SOURCES.md say where each came from) is played through the emulator and read back with our clients (Microsoft's SDKs, the real
 * client-secret credential, HTTPS), and what the emulator serves has the published shape: the same
 * properties with the same JSON types. Request samples are sent byte for byte and must be accepted;
 * Log Analytics error samples must be classified with their code and message.
 *
 * <p>The folder is read, not a list: a sample added there without a contract here fails the test.
 * The emulator seeds and serves its own copy of these files; the test seeds from that copy and compares what is
 * served with this one, so that nothing the emulator ships can move what it is measured against.
 */
@ExtendWith(AzureEmulatorExtension.class)
class PublishedSamplesIT {

    private static final Path SAMPLES = Path.of("src/test/resources/azure-samples");
    private static final Path EMULATOR_SAMPLES = Path.of("../emulator/src/main/resources/samples");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant EPOCH = Instant.parse("2000-01-01T00:00:00Z");
    private static final String SUBSCRIPTION = "d0cfe6b2-9ac0-4464-9919-dccaee2e48c0";
    private static final SentinelWorkspace WORKSPACE = new SentinelWorkspace(SUBSCRIPTION, "myRg", "myWorkspace");
    /** The workspace of the Log Analytics spec examples. */
    private static final String WORKSPACE_ID = "63613592-b6f7-4c3d-a390-22ba13102111";
    private static final String PREFER = "include-unknown-enum-members";

    /**
     * Files that are not a payload the service sends or accepts, and why; each still gets a check
     * that what is said here stays true.
     */
    private static final Map<String, String> NOT_CONTRACTS = Map.of(
            "SOURCES.md", "where each sample comes from: documentation, not a payload",
            "README.md", "what this folder is for: documentation, not a payload",
            // Microsoft's page has trailing commas after "Referred in command line" and after a
            // "tags": []; the service itself sends valid JSON. If a corrected copy is saved, it
            // parses, this check fails, and the file needs a contract like the incident list's.
            "graph-incidents-list-2-expand-alerts.response.invalid-as-published.txt",
            "not valid JSON as published (trailing commas), so no client could read it");

    private static AzureEmulator emulator;
    private static ConnectorConfig config;
    private static HttpClient http;

    private interface Contract {
        void check(String file, JsonNode sample) throws Exception;
    }

    @BeforeAll
    static void connect(AzureEmulator azure, @TempDir Path dir) throws Exception {
        emulator = azure;
        config = EmulatedTenant.connector(azure, dir).withSentinelWorkspace(new AzureWorkspace(SUBSCRIPTION, "myRg",
                "myWorkspace", Optional.of(WORKSPACE_ID)));
        http = HttpClient.newBuilder().sslContext(trusting(azure.certificatePem())).build();
    }

    /** The emulator's sample alerts and served samples are Microsoft's text, not an edited copy of it. */
    @Test
    void theEmulatorShipsThePublishedSamplesUnchanged() throws IOException {
        List<String> published;
        try (Stream<Path> files = Files.list(SAMPLES)) {
            published = files.map(path -> path.getFileName().toString()).filter(name -> !name.equals("README.md"))
                    .sorted().toList();
        }
        try (Stream<Path> files = Files.list(EMULATOR_SAMPLES)) {
            assertThat(files.map(path -> path.getFileName().toString()).sorted().toList())
                    .as("the emulator's samples in %s", EMULATOR_SAMPLES).isEqualTo(published);
        }
        for (String file : published) {
            assertThat(Files.mismatch(SAMPLES.resolve(file), EMULATOR_SAMPLES.resolve(file)))
                    .as("the emulator's %s differs from the published one in %s", file, SAMPLES).isEqualTo(-1L);
        }
    }

    @TestFactory
    Stream<DynamicTest> everyPublishedSampleHasAContract() throws IOException {
        assertThat(SAMPLES).as("the repository's copy of the samples").isDirectory();
        Map<String, Contract> contracts = contracts();
        List<DynamicTest> tests = new ArrayList<>();
        try (Stream<Path> files = Files.list(SAMPLES)) {
            for (Path path : files.sorted().toList()) {
                String file = path.getFileName().toString();
                tests.add(DynamicTest.dynamicTest(file, () -> {
                    if (NOT_CONTRACTS.containsKey(file)) {
                        notAContract(file, Files.readString(path));
                        return;
                    }
                    Contract contract = contracts.get(file);
                    if (contract == null) {
                        fail("no contract covers " + file + ": add one to PublishedSamplesIT, or list it in"
                                + " NOT_CONTRACTS with the reason");
                    }
                    contract.check(file, JSON.readTree(Files.readString(path)));
                }));
            }
        }
        assertThat(tests).as("samples found in " + SAMPLES.toAbsolutePath()).hasSizeGreaterThan(40);
        return tests.stream();
    }

    private Map<String, Contract> contracts() {
        Map<String, Contract> contracts = new LinkedHashMap<>();
        contracts.put("graph-alert-get.response.json", (file, sample) -> graphAlert(file, sample,
                SampleAlerts.published(file)));
        contracts.put("graph-alerts_v2-list-1.response.json", this::graphAlertList);
        contracts.put("graph-alerts_v2-list-2-sentinel.response.json", this::graphAlertList);
        contracts.put("graph-alert-update.request.json", this::graphAlertUpdateRequest);
        contracts.put("graph-alert-update.2026.request.json", this::graphAlertUpdateRequest);
        contracts.put("graph-alert-update.response.json", this::graphAlertUpdateResponse);
        contracts.put("graph-alert-update.2026.response.json", this::graphAlertUpdateResponse);
        contracts.put("graph-alert-post-comments.request.json", this::graphCommentRequest);
        contracts.put("graph-alert-post-comments.response.json", this::graphCommentResponse);
        contracts.put("graph-incident-get.response.json", (file, sample) -> graphIncident(file, (ObjectNode) sample));
        contracts.put("graph-incident-get.2026.response.json", (file, sample) -> graphIncident(file, (ObjectNode) sample));
        contracts.put("graph-incident-update.response.json", (file, sample) -> graphIncident(file, (ObjectNode) sample));
        contracts.put("graph-incidents-list-1.response.json", this::graphIncidentList);
        contracts.put("graph-incident-update.request.json", this::graphIncidentUpdateRequest);

        contracts.put("sentinel-GetIncidents.example.json", (file, sample) -> sentinelIncidentList(file,
                sample.at("/responses/200/body")));
        contracts.put("sentinel-incidents-list.response.json", this::sentinelIncidentList);
        contracts.put("sentinel-GetIncidentById.example.json", (file, sample) -> sentinelIncident(file,
                sample.at("/responses/200/body")));
        contracts.put("sentinel-incident-get.response.json", this::sentinelIncident);
        contracts.put("sentinel-CreateIncident.example.json", (file, sample) -> sentinelCreate(file,
                sample.at("/parameters/incident"), sample.at("/responses/201/body"), sample.at("/responses/200/body")));
        contracts.put("sentinel-incident-create.request.json", (file, sample) -> sentinelCreate(file, sample, null, null));
        contracts.put("sentinel-incident-create.response.json", (file, sample) -> sentinelCreate(file,
                readSample("sentinel-incident-create.request.json"), sample, sample));
        contracts.put("sentinel-GetAllIncidentAlerts.example.json", (file, sample) -> sentinelAlerts(file,
                sample.at("/responses/200/body")));
        contracts.put("sentinel-incident-alerts.response.json", this::sentinelAlerts);
        contracts.put("sentinel-CreateIncidentComment.example.json", (file, sample) -> sentinelComment(file,
                sample.at("/parameters/incidentComment"), sample.at("/responses/201/body"), sample.at("/responses/200/body")));
        contracts.put("sentinel-incident-comment-create.request.json", (file, sample) -> sentinelComment(file, sample,
                null, null));
        contracts.put("sentinel-incident-comment-create.response-201.json", (file, sample) -> sentinelComment(file,
                readSample("sentinel-incident-comment-create.request.json"), sample, null));
        contracts.put("sentinel-incident-comment-create.response-200.json", (file, sample) -> sentinelComment(file,
                readSample("sentinel-incident-comment-create.request.json"), null, sample));
        contracts.put("sentinel-GetAllIncidentComments.example.json", (file, sample) -> sentinelComments(file,
                sample.at("/responses/200/body")));
        contracts.put("sentinel-incident-comments-list.response.json", this::sentinelComments);

        contracts.put("la-query-get.example.json", (file, sample) -> logQuery(file,
                sample.at("/parameters/query").asText(), sample.at("/responses/200/body")));
        contracts.put("la-query-post.example.json", (file, sample) -> logQuery(file,
                sample.at("/parameters/body/query").asText(), sample.at("/responses/200/body")));
        contracts.put("la-query-get.response.json", (file, sample) -> logQuery(file, "Usage | take 10", sample));
        contracts.put("la-query-post.response.json", (file, sample) -> logQuery(file, "Usage | take 10", sample));
        contracts.put("la-query-post.request.json", this::logQueryRequest);
        // Resource-centric queries (POST /{resourceId}/query) are not used by the product; their
        // request and response bodies are those of a workspace query, so they are played as one.
        contracts.put("la-query-post-resource.example.json", (file, sample) -> logQuery(file,
                sample.at("/parameters/body/query").asText(), sample.at("/responses/200/body")));
        contracts.put("la-query-post-resource.request.json", this::logQueryRequest);
        contracts.put("la-query-post-resource.response.json", (file, sample) -> logQuery(file,
                readSample("la-query-post-resource.request.json").get("query").asText(), sample));
        contracts.put("la-securityalert-sample.json", (file, sample) -> logQuery(file, "SecurityAlert | where "
                + file, sample));
        contracts.put("la-securityalert-sample.source-block.json", (file, sample) -> logQuery(file,
                "SecurityAlert | where " + file, sample.at("/0/json_body")));
        contracts.put("loganalytics-securityalert-row.illustrative.response.json", (file, sample) -> logQuery(file,
                "SecurityAlert | where " + file, sample));
        contracts.put("loganalytics-rule-query-result.illustrative.response.json", (file, sample) -> logQuery(file,
                "SigninLogs | where " + file, sample));
        for (String error : List.of("la-error-400-syntax-error.response.json", "la-error-401-no-authentication.response.json",
                "la-error-403-bad-authorization-code.response.json", "la-error-403-client-credentials-direct-api.response.json",
                "la-error-403-insufficient-permissions.response.json", "la-error-403-invalid-token-audience.response.json",
                "la-error-403-invalid-token.response.json", "la-error-404-path-not-found.response.json")) {
            contracts.put(error, this::logError);
        }
        return contracts;
    }

    // ---- Microsoft Graph --------------------------------------------------------------------

    /**
     * Seeds the emulator's copy of a published alert under an id of its own, reads it with the Graph SDK, and checks
     * that what Graph serves is Microsoft's published alert, read from this test's copy.
     */
    private String graphAlert(String file, JsonNode published, JsonNode emulatorCopy) throws Exception {
        ObjectNode alert = emulatorCopy.deepCopy();
        alert.remove("@odata.context");
        String id = published.get("id").asText() + "-" + tag(file);
        alert.put("id", id);
        emulator.alerts().add(alert);

        Alert read;
        try (GraphAlertsClient client = GraphAlertsClient.create(config)) {
            read = findAlert(client, id);
        }
        assertThat(read.getTitle()).isEqualTo(published.get("title").asText());
        assertThat(read.getSeverity().getValue()).isEqualTo(published.get("severity").asText());
        assertThat(read.getStatus().getValue()).isEqualTo(published.get("status").asText());
        assertThat(read.getServiceSource().getValue()).isEqualTo(published.get("serviceSource").asText());
        assertThat(read.getDetectionSource().getValue()).isEqualTo(published.get("detectionSource").asText());
        assertThat(read.getCreatedDateTime().toInstant()).isEqualTo(instant(published, "createdDateTime"));
        assertThat(read.getLastUpdateDateTime().toInstant()).isEqualTo(instant(published, "lastUpdateDateTime"));
        assertThat(read.getIncidentId()).isEqualTo(published.get("incidentId").asText());
        assertThat(read.getEvidence()).hasSameSizeAs(published.get("evidence"));
        assertThat(read.getEvidence()).allSatisfy(evidence -> assertThat(evidence.getOdataType()).startsWith("#microsoft.graph.security."));
        assertThat(read.getMitreTechniques()).hasSameSizeAs(published.get("mitreTechniques"));

        JsonNode served = graph("GET", "/security/alerts_v2/" + id, null);
        ObjectNode expected = ((ObjectNode) published.deepCopy()).put("id", id);
        expected.remove("@odata.context");
        ((ObjectNode) served).remove("@odata.context");
        assertThat(served).as("served as published").isEqualTo(expected);
        return id;
    }

    private void graphAlertList(String file, JsonNode published) throws Exception {
        JsonNode emulatorCopy = SampleAlerts.published(file).get("value");
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < published.get("value").size(); i++) {
            ids.add(graphAlert(file + "#" + i, published.get("value").get(i), emulatorCopy.get(i)));
        }
        assertSameShape(published, listingOf(ids), "list");
    }

    /**
     * The first page of the alert listing with just these alerts in it: the listing holds every alert the other
     * contracts seeded and changed, and a changed alert rightly differs from the published one (an assigned alert
     * has a string where the sample has null).
     */
    private static JsonNode listingOf(List<String> ids) throws Exception {
        JsonNode page = graph("GET", "/security/alerts_v2?$top=" + GraphAlertsClient.MAX_TOP, null);
        ObjectNode listing = page.deepCopy();
        List<JsonNode> found = new ArrayList<>();
        while (true) {
            page.get("value").forEach(alert -> {
                if (ids.contains(alert.get("id").asText())) {
                    found.add(alert);
                }
            });
            if (!page.has("@odata.nextLink")) {
                break;
            }
            page = graph("GET", page.get("@odata.nextLink").asText().substring(emulator.graphBaseUrl().length()), null);
        }
        found.sort(Comparator.comparingInt(alert -> ids.indexOf(alert.get("id").asText())));
        assertThat(found).extracting(alert -> alert.get("id").asText()).as("listed").containsExactlyElementsOf(ids);
        listing.putArray("value").addAll(found);
        return listing;
    }

    private void graphAlertUpdateRequest(String file, JsonNode request) throws Exception {
        String id = seedAlert(file);
        JsonNode updated = graph("PATCH", "/security/alerts_v2/" + id, Files.readString(SAMPLES.resolve(file)));
        for (String field : List.of("status", "classification", "determination", "assignedTo")) {
            assertThat(updated.get(field)).as(field).isEqualTo(request.get(field));
        }

        String other = seedAlert(file);
        try (GraphAlertsClient client = GraphAlertsClient.create(config)) {
            Alert alert = client.updateAlert(other, new AlertUpdate(AlertStatus.forValue(request.get("status").asText()),
                    request.get("assignedTo").asText(),
                    AlertClassification.forValue(request.get("classification").asText()),
                    AlertDetermination.forValue(request.get("determination").asText())));
            assertThat(alert.getStatus().getValue()).isEqualTo(request.get("status").asText());
            assertThat(alert.getAssignedTo()).isEqualTo(request.get("assignedTo").asText());
        }
    }

    /** The published alert reads back; and the emulator answers a PATCH with the published response's shape. */
    private void graphAlertUpdateResponse(String file, JsonNode published) throws Exception {
        graphAlert(file, published, SampleAlerts.published(file));
        String id = seedAlert(file);
        JsonNode served = graph("PATCH", "/security/alerts_v2/" + id, readSample("graph-alert-update.request.json").toString());
        assertSameShape(withoutOptional(published, "customDetails"), served, "PATCH response");
    }

    /**
     * The emulator takes the published request as is; and what our client sends for the same comment is the
     * published request byte for byte, less its indentation: the same properties in the same order, the same
     * {@code @odata.type} spelling, and one object, not the array the SDK's own post sends.
     */
    private void graphCommentRequest(String file, JsonNode request) throws Exception {
        String id = seedAlert(file);
        JsonNode served = graph("POST", "/security/alerts_v2/" + id + "/comments", Files.readString(SAMPLES.resolve(file)));
        assertThat(served.at("/value/0/comment")).isEqualTo(request.get("comment"));

        try (GraphAlertsClient client = GraphAlertsClient.create(config)) {
            client.addComment(id, request.get("comment").asText());
        }
        List<LoggedRequest> posted = emulator.requests().of("graph.alerts.comment").stream()
                .filter(logged -> logged.path().endsWith("/" + id + "/comments")).toList();
        assertThat(posted).hasSize(2).last().satisfies(sent -> {
            assertThat(sent.status()).isEqualTo(200);
            assertThat(sent.body()).isEqualTo(JSON.writeValueAsString(request));
        });
        assertThat(emulator.alerts().get(id).orElseThrow().get("comments")).extracting(c -> c.get("comment"))
                .containsExactly(request.get("comment"), request.get("comment"));
    }

    private void graphCommentResponse(String file, JsonNode published) throws Exception {
        String id = seedAlert(file);
        graph("POST", "/security/alerts_v2/" + id + "/comments", readSample("graph-alert-post-comments.request.json").toString());
        JsonNode served = graph("POST", "/security/alerts_v2/" + id + "/comments",
                readSample("graph-alert-post-comments.request.json").toString());
        assertSameShape(published, served, "comment list");
        assertThat(served.get("value")).hasSameSizeAs(published.get("value"));
    }

    private void graphIncident(String file, ObjectNode published) throws Exception {
        ObjectNode incident = published.deepCopy();
        incident.remove("@odata.context");
        String id = published.get("id").asText() + "-" + tag(file);
        incident.put("id", id);
        emulator.graphIncidents().add(incident);

        Incident read;
        try (GraphIncidentsClient client = GraphIncidentsClient.create(config)) {
            read = client.get(id);
        }
        assertThat(read.getId()).isEqualTo(id);
        assertThat(read.getDisplayName()).isEqualTo(published.get("displayName").asText());
        assertThat(read.getAssignedTo()).isEqualTo(published.get("assignedTo").asText());
        assertThat(read.getCreatedDateTime().toInstant()).isEqualTo(instant(published, "createdDateTime"));
        assertThat(read.getIncidentWebUrl()).isEqualTo(published.get("incidentWebUrl").asText());
        assertThat(read.getCustomTags()).hasSameSizeAs(published.get("customTags"));
        assertThat(read.getComments()).hasSameSizeAs(published.get("comments"));

        assertSameShape(withoutOptional(published, "@odata.context"),
                withoutOptional(graph("GET", "/security/incidents/" + id, null), "@odata.context"), "incident");
    }

    private void graphIncidentList(String file, JsonNode published) throws Exception {
        for (JsonNode incident : published.get("value")) {
            graphIncident(file, (ObjectNode) incident);
        }
        assertSameShape(published, graph("GET", "/security/incidents?$top=1", null), "list");
    }

    private void graphIncidentUpdateRequest(String file, JsonNode request) throws Exception {
        String id = emulator.graphIncidents().add(JSON.createObjectNode().put("displayName", file)).get("id").asText();
        JsonNode updated = graph("PATCH", "/security/incidents/" + id, Files.readString(SAMPLES.resolve(file)));
        assertThat(updated.get("customTags")).isEqualTo(request.get("customTags"));
        assertThat(updated.get("classification").asText()).isEqualToIgnoringCase(request.get("classification").asText());
    }

    // ---- Microsoft Sentinel (ARM) -------------------------------------------------------------

    private void sentinelIncident(String file, JsonNode published) throws Exception {
        String name = seedIncident(file, published);
        try (SentinelIncidentsClient client = SentinelIncidentsClient.create(config)) {
            assertIncident(client.get(name), published);
        }
        assertSameShape(withoutOptional(published, "systemData"), arm("GET", "/incidents/" + name, null), "incident");
    }

    private void sentinelIncidentList(String file, JsonNode published) throws Exception {
        String name = seedIncident(file, published.at("/value/0"));
        try (SentinelIncidentsClient client = SentinelIncidentsClient.create(config)) {
            SentinelIncident read = client.listModifiedSince(EPOCH, SentinelIncidentsClient.MAX_TOP).incidents().stream()
                    .filter(incident -> incident.name().equals(name)).findFirst().orElseThrow();
            assertIncident(read, published.at("/value/0"));
        }
        assertSameShape(published, arm("GET", "/incidents?$top=1", null), "list");
    }

    private void sentinelCreate(String file, JsonNode request, JsonNode created, JsonNode updated) throws Exception {
        String name = UUID.randomUUID().toString();
        ObjectNode body = request.deepCopy();
        // The published request carries an etag for an incident that exists; a new one has none.
        body.remove("etag");
        HttpResponse<String> first = armRaw("PUT", "/incidents/" + name, body.toString());
        assertThat(first.statusCode()).as(first.body()).isEqualTo(201);
        ObjectNode again = ((ObjectNode) request.deepCopy()).put("etag", JSON.readTree(first.body()).get("etag").asText());
        HttpResponse<String> second = armRaw("PUT", "/incidents/" + name, again.toString());
        assertThat(second.statusCode()).as(second.body()).isEqualTo(200);
        // ARM completes the owner (email, UPN, name) from the directory, which the emulator has not got.
        if (created != null) {
            assertSameShape(withoutOptional(created, "owner"), withoutOptional(JSON.readTree(first.body()), "owner"),
                    "201 response");
        }
        if (updated != null) {
            assertSameShape(withoutOptional(updated, "owner"), withoutOptional(JSON.readTree(second.body()), "owner"),
                    "200 response");
        }
        try (SentinelIncidentsClient client = SentinelIncidentsClient.create(config)) {
            SentinelIncident read = client.get(name);
            assertThat(read.properties().title()).isEqualTo(request.at("/properties/title").asText());
            assertThat(read.properties().status().name()).isEqualTo(request.at("/properties/status").asText());
            assertThat(read.properties().classificationReason().name())
                    .isEqualTo(request.at("/properties/classificationReason").asText());
            assertThat(read.properties().owner().objectId()).isEqualTo(request.at("/properties/owner/objectId").asText());
        }
    }

    private void sentinelAlerts(String file, JsonNode published) throws Exception {
        String name = seedIncident(file, readSample("sentinel-incident-get.response.json"));
        JsonNode alert = published.at("/value/0");
        emulator.incidents().addAlert(WORKSPACE, name, (ObjectNode) alert);
        try (SentinelIncidentsClient client = SentinelIncidentsClient.create(config)) {
            SentinelAlert read = client.alerts(name).get(0);
            assertThat(read.properties().systemAlertId()).isEqualTo(alert.at("/properties/systemAlertId").asText());
            assertThat(read.properties().alertDisplayName()).isEqualTo(alert.at("/properties/alertDisplayName").asText());
            assertThat(read.properties().productName()).isEqualTo(alert.at("/properties/productName").asText());
            assertThat(read.properties().timeGenerated()).isEqualTo(Instant.parse(alert.at("/properties/timeGenerated").asText()));
            assertThat(read.json().get("kind").asText()).isEqualTo("SecurityAlert");
        }
        assertSameShape(published, arm("POST", "/incidents/" + name + "/alerts", null), "alerts");
    }

    private void sentinelComment(String file, JsonNode request, JsonNode created, JsonNode updated) throws Exception {
        String name = seedIncident(file, readSample("sentinel-incident-get.response.json"));
        String comment = UUID.randomUUID().toString();
        HttpResponse<String> first = armRaw("PUT", "/incidents/" + name + "/comments/" + comment, request.toString());
        assertThat(first.statusCode()).as(first.body()).isEqualTo(201);
        HttpResponse<String> second = armRaw("PUT", "/incidents/" + name + "/comments/" + comment, request.toString());
        assertThat(second.statusCode()).as(second.body()).isEqualTo(200);
        // The published author is a person from the directory; the emulator knows only the app.
        if (created != null) {
            assertSameShape(withoutOptional(created, "author"), withoutOptional(JSON.readTree(first.body()), "author"),
                    "201 response");
        }
        if (updated != null) {
            assertSameShape(withoutOptional(updated, "author"), withoutOptional(JSON.readTree(second.body()), "author"),
                    "200 response");
        }
        try (SentinelIncidentsClient client = SentinelIncidentsClient.create(config)) {
            assertThat(client.comments(name)).singleElement().satisfies(read -> {
                assertThat(read.name()).isEqualTo(comment);
                assertThat(read.properties().message()).isEqualTo(request.at("/properties/message").asText());
            });
        }
    }

    private void sentinelComments(String file, JsonNode published) throws Exception {
        String name = seedIncident(file, readSample("sentinel-incident-get.response.json"));
        JsonNode comment = published.at("/value/0");
        try (SentinelIncidentsClient client = SentinelIncidentsClient.create(config)) {
            client.addComment(name, UUID.fromString(comment.get("name").asText()), comment.at("/properties/message").asText());
            IncidentComment read = client.comments(name).get(0);
            assertThat(read.name()).isEqualTo(comment.get("name").asText());
            assertThat(read.properties().message()).isEqualTo(comment.at("/properties/message").asText());
        }
        // The published author is a person; comments the app writes are authored by the app.
        assertSameShape(withoutOptional(published, "author"), withoutOptional(arm("GET", "/incidents/" + name
                + "/comments", null), "author"), "comment list");
    }

    private static void assertIncident(SentinelIncident read, JsonNode published) {
        JsonNode p = published.get("properties");
        assertThat(read.properties().title()).isEqualTo(p.get("title").asText());
        assertThat(read.properties().severity().name()).isEqualTo(p.get("severity").asText());
        assertThat(read.properties().status().name()).isEqualTo(p.get("status").asText());
        assertThat(read.properties().classification().name()).isEqualTo(p.get("classification").asText());
        assertThat(read.properties().owner().email()).isEqualTo(p.at("/owner/email").asText());
        assertThat(read.properties().incidentNumber()).isEqualTo(p.get("incidentNumber").asLong());
        assertThat(read.properties().createdTimeUtc()).isEqualTo(Instant.parse(p.get("createdTimeUtc").asText()));
        assertThat(read.properties().additionalData().tactics()).hasSameSizeAs(p.at("/additionalData/tactics"));
    }

    // ---- Log Analytics ------------------------------------------------------------------------

    /** The published answer to a query comes back as typed rows through LogsQueryClient. */
    private void logQuery(String file, String query, JsonNode published) throws Exception {
        emulator.logAnalytics().answer(WORKSPACE_ID, query, (ObjectNode) published);
        LogQueryResult result;
        try (LogAnalyticsClient client = LogAnalyticsClient.create(config)) {
            result = client.query(query, Instant.parse("2023-08-10T00:00:00Z"), Instant.parse("2023-08-11T00:00:00Z"));
        }
        JsonNode table = published.at("/tables/0");
        assertThat(result.partialError()).isEmpty();
        assertThat(result.primary().rows()).hasSameSizeAs(table.get("rows"));
        List<String> columns = new ArrayList<>();
        table.get("columns").forEach(column -> columns.add(column.get("name").asText()));
        if (!table.get("rows").isEmpty()) {
            assertThat(result.primary().columns()).extracting(LogTable.Column::name).containsExactlyElementsOf(columns);
            JsonNode firstRow = table.at("/rows/0");
            for (int i = 0; i < columns.size(); i++) {
                String type = table.at("/columns/" + i + "/type").asText();
                JsonNode cell = firstRow.get(i);
                if (type.equals("string") && !cell.isNull()) {
                    assertThat(result.primary().rows().get(0).string(columns.get(i))).as(columns.get(i))
                            .isEqualTo(cell.asText());
                }
            }
            if (columns.contains("ExtendedProperties")) {
                JsonNode extended = JSON.readTree(result.primary().rows().get(0).string("ExtendedProperties"));
                assertThat(extended.get("Query").asText()).as("the rule's query, for the enrichment").isNotBlank();
            }
        }
        JsonNode served = JSON.readTree(logAnalyticsRaw(JSON.createObjectNode().put("query", query).toString()).body());
        assertSameShape(published, served, "query response");
    }

    private void logQueryRequest(String file, JsonNode request) throws Exception {
        emulator.logAnalytics().answer(WORKSPACE_ID, request.get("query").asText(),
                (ObjectNode) readSample("la-query-post.response.json"));
        HttpResponse<String> served = logAnalyticsRaw(Files.readString(SAMPLES.resolve(file)));
        assertThat(served.statusCode()).as(served.body()).isEqualTo(200);
    }

    /**
     * Our classifier reports the published error with its code and message, as permanent; where the
     * emulator produces the same failure itself, it answers with the published body.
     */
    private void logError(String file, JsonNode published) throws Exception {
        int status = Integer.parseInt(file.split("-")[2]);
        String query = "Errors | where sample == '" + file + "'";
        emulator.logAnalytics().failMatching(WORKSPACE_ID, Pattern.compile(Pattern.quote(query)), status,
                (ObjectNode) published);
        AzureCallException failure;
        try (LogAnalyticsClient client = LogAnalyticsClient.create(config)) {
            failure = catchThrowableOfType(AzureCallException.class,
                    () -> client.query(query, Instant.parse("2023-08-10T00:00:00Z"), Instant.parse("2023-08-11T00:00:00Z")));
        }
        assertThat(failure).as("a %d fails the query", status).isNotNull();
        assertThat(failure.retriable()).as(failure.getMessage()).isFalse();
        if (published.get("error").isTextual()) {
            // Entra's shape, {"error":"invalid_grant","error_description":"AADSTS70002: …"}.
            assertThat(failure.errorCode()).contains("AADSTS70002");
        } else {
            assertThat(failure.httpStatus()).isEqualTo(status);
            assertThat(failure.errorCode()).contains(published.at("/error/code").asText());
            assertThat(failure.getMessage()).contains("HTTP " + status + " " + published.at("/error/code").asText()
                    + ": " + published.at("/error/message").asText());
            if (published.at("/error/innererror").isObject()) {
                assertThat(failure.getMessage()).contains(published.at("/error/innererror/message").asText());
            }
            if (status == 403) {
                assertThat(failure.getMessage()).contains("needs the Azure role Log Analytics Reader");
            }
        }

        switch (file) {
            case "la-error-401-no-authentication.response.json" ->
                    assertThat(JSON.readTree(logAnalyticsRawAs(null, "{}").body())).isEqualTo(published);
            case "la-error-403-invalid-token.response.json" ->
                    assertThat(JSON.readTree(logAnalyticsRawAs("not-a-token", "{}").body())).isEqualTo(published);
            case "la-error-404-path-not-found.response.json" -> {
                HttpResponse<String> missing = send(HttpRequest.newBuilder(URI.create(emulator.logAnalyticsUrl()
                        + "/v1/workspaces/" + WORKSPACE_ID + "/nothing")).GET());
                assertThat(missing.statusCode()).isEqualTo(404);
                assertThat(JSON.readTree(missing.body())).isEqualTo(published);
            }
            case "la-error-403-insufficient-permissions.response.json" -> {
                emulator.faults().revoke("loganalytics.query");
                try {
                    HttpResponse<String> refused = logAnalyticsRaw("{\"query\":\"Usage\"}");
                    assertThat(refused.statusCode()).isEqualTo(403);
                    assertThat(JSON.readTree(refused.body())).isEqualTo(published);
                } finally {
                    emulator.faults().grant("loganalytics.query");
                }
            }
            default -> {
                // Syntax errors need KQL, the others another client flow. The audience error is Resource
                // Manager's answer to a Log Analytics token in older words (the same text as in
                // AzureAD/azure-activedirectory-library-for-python#60, 2016); the emulator's Resource Manager
                // answers in the words users report since (AzureEmulatorIT), so it is not compared here.
            }
        }
    }

    // ---- What a file that is not a contract must still be -------------------------------------

    private static void notAContract(String file, String text) {
        if (file.endsWith(".invalid-as-published.txt")) {
            assertThatThrownBy(() -> JSON.readTree(text)).isInstanceOf(JsonProcessingException.class);
        } else if (file.equals("README.md")) {
            assertThat(text).as(file).contains("[SOURCES.md](SOURCES.md)");
        } else {
            assertThat(text).as(file).contains("# Sources of the sample payloads");
        }
    }

    // ---- Shapes -------------------------------------------------------------------------------

    /**
     * Same properties, same JSON types, recursively through objects and every element of arrays. A null is a type
     * like any other: where Microsoft published null the emulator must serve null, and where Microsoft published a
     * value the emulator must serve one of that type. Arrays of the same length are compared element by element;
     * otherwise (a listing holds whatever alerts the emulator has, not the published one) each served element must
     * have the shape of some published element, since one array may hold several kinds, as evidence does. OData
     * annotations ({@code @odata.context}, {@code @odata.nextLink}, {@code @odata.type}) and ARM's
     * {@code nextLink} are control information, not properties: the published examples have them
     * or not as the page was cut, and a next link depends on the page size asked for.
     */
    static void assertSameShape(JsonNode published, JsonNode served, String where) {
        assertThat(served).as("%s is served", where).isNotNull();
        assertThat(served.getNodeType()).as("type of %s", where).isEqualTo(published.getNodeType());
        if (published.isObject()) {
            assertThat(new TreeSet<>(names(served))).as("properties of %s", where)
                    .isEqualTo(new TreeSet<>(names(published)));
            for (Iterator<String> it = published.fieldNames(); it.hasNext(); ) {
                String name = it.next();
                if (served.has(name)) {
                    assertSameShape(published.get(name), served.get(name), where + "." + name);
                }
            }
        } else if (published.isArray() && published.size() == served.size()) {
            for (int i = 0; i < published.size(); i++) {
                assertSameShape(published.get(i), served.get(i), where + "[" + i + "]");
            }
        } else if (published.isArray() && !published.isEmpty()) {
            for (int i = 0; i < served.size(); i++) {
                assertShapeOfOneOf(published, served.get(i), where + "[" + i + "]");
            }
        }
    }

    private static void assertShapeOfOneOf(JsonNode published, JsonNode served, String where) {
        List<String> mismatches = new ArrayList<>();
        for (int i = 0; i < published.size(); i++) {
            try {
                assertSameShape(published.get(i), served, where);
                return;
            } catch (AssertionError mismatch) {
                mismatches.add("published element " + i + ": " + mismatch.getMessage());
            }
        }
        fail("%s has the shape of no published element:%n%s", where, String.join("\n", mismatches));
    }

    private static List<String> names(JsonNode object) {
        List<String> names = new ArrayList<>();
        object.fieldNames().forEachRemaining(name -> {
            if (!name.startsWith("@odata.") && !name.equals("nextLink")) {
                names.add(name);
            }
        });
        return names;
    }

    /** A copy without a property that the published payload has only in some cases, at any depth. */
    private static JsonNode withoutOptional(JsonNode node, String property) {
        JsonNode copy = node.deepCopy();
        strip(copy, property);
        return copy;
    }

    private static void strip(JsonNode node, String property) {
        if (node instanceof ObjectNode object) {
            object.remove(property);
        }
        node.forEach(child -> strip(child, property));
    }

    // ---- Plumbing -----------------------------------------------------------------------------

    private static String seedAlert(String file) {
        return emulator.alerts().add(io.sentinelpager.emulator.SampleAlerts.defenderEndpoint()
                .put("title", "For " + file)).get("id").asText();
    }

    /** Seeds a published incident under a fresh name, so samples that share one do not collide. */
    private static String seedIncident(String file, JsonNode published) {
        String name = UUID.randomUUID().toString();
        ObjectNode incident = published.deepCopy();
        incident.put("name", name);
        incident.put("id", published.path("id").asText().replace(published.path("name").asText(), name));
        return emulator.incidents().add(WORKSPACE, incident).get("name").asText();
    }

    private static Alert findAlert(GraphAlertsClient client, String id) {
        AlertPage page = client.listUpdatedSince(EPOCH, GraphAlertsClient.MAX_TOP);
        while (true) {
            Optional<Alert> found = page.alerts().stream().map(SourceAlert::alert)
                    .filter(alert -> alert.getId().equals(id)).findFirst();
            if (found.isPresent()) {
                return found.get();
            }
            if (!page.hasNext()) {
                throw new AssertionError("the Graph SDK did not list alert " + id);
            }
            page = client.nextPage(page.nextLink().orElseThrow());
        }
    }

    private static JsonNode readSample(String file) {
        try {
            return JSON.readTree(Files.readString(SAMPLES.resolve(file)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String tag(String file) {
        return Integer.toHexString(file.hashCode());
    }

    private static Instant instant(JsonNode node, String field) {
        return OffsetDateTime.parse(node.get(field).asText()).toInstant();
    }

    private static JsonNode graph(String method, String path, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(emulator.graphBaseUrl() + path.replace("$", "%24")))
                .header("Authorization", "Bearer " + token("https://graph.microsoft.com/.default"))
                .header("Prefer", PREFER)
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        HttpResponse<String> response = send(request);
        assertThat(response.statusCode()).as("%s %s: %s", method, path, response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    private static JsonNode arm(String method, String path, String body) throws Exception {
        HttpResponse<String> response = armRaw(method, path, body);
        assertThat(response.statusCode()).as("%s %s: %s", method, path, response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    private static HttpResponse<String> armRaw(String method, String path, String body) throws Exception {
        String url = emulator.managementUrl() + "/subscriptions/" + SUBSCRIPTION + "/resourceGroups/myRg/providers/"
                + "Microsoft.OperationalInsights/workspaces/myWorkspace/providers/Microsoft.SecurityInsights" + path
                + (path.contains("?") ? "&" : "?") + "api-version=" + SentinelIncidentsClient.API_VERSION;
        return send(HttpRequest.newBuilder(URI.create(url.replace("$", "%24")))
                .header("Authorization", "Bearer " + token("https://management.azure.com/.default"))
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body)));
    }

    private static HttpResponse<String> logAnalyticsRaw(String body) throws Exception {
        return logAnalyticsRawAs(token("https://api.loganalytics.io/.default"), body);
    }

    private static HttpResponse<String> logAnalyticsRawAs(String token, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(emulator.logAnalyticsUrl() + "/v1/workspaces/"
                + WORKSPACE_ID + "/query")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return send(request);
    }

    /** A token by the client-credentials grant, for reading what the emulator serves byte for byte. */
    private static String token(String scope) throws Exception {
        String form = "client_id=" + enc(emulator.options().clientId()) + "&client_secret="
                + enc(emulator.options().clientSecret()) + "&scope=" + enc(scope) + "&grant_type=client_credentials";
        HttpResponse<String> response = send(HttpRequest.newBuilder(URI.create(emulator.authorityHost()
                        + emulator.options().tenantId() + "/oauth2/v2.0/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)));
        return JSON.readTree(response.body()).get("access_token").asText();
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return http.send(request.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
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
}
