package io.sentinelpager.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sentinelpager.azure.ConnectorConfig;
import io.sentinelpager.azure.Connectors;
import io.sentinelpager.azure.RollupSummary;
import io.sentinelpager.azure.SentinelIncidentsClient;
import io.sentinelpager.emulator.SampleAlerts;
import io.sentinelpager.platform.local.LocalCluster;
import io.sentinelpager.platform.security.Tls;
import io.sentinelpager.schemas.ActionType;
import io.sentinelpager.schemas.AlertAction;
import io.sentinelpager.schemas.SyncCommand;
import io.sentinelpager.schemas.Topics;
import io.sentinelpager.testkit.LocalClusterExtension;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Sentinel twin of {@link CommentsFromAzureIT}: an analyst comments on a Sentinel incident (through the emulator's
 * admin API, as the portal would), and the comment appears on the timeline of every page of the incident's alerts,
 * with the analyst's name and the time they wrote it, and reaches the owner. The responder's note, which syncback
 * wrote to the same incident, and syncback's roll-up summary there are not imported back. ingest's
 * {@code SentinelCommentsIT} shows that this takes one poll; here ingest polls every 500 ms.
 */
@ExtendWith(LocalClusterExtension.class)
class SentinelCommentsFromAzureIT {

    static final ObjectMapper JSON = new ObjectMapper();
    static Pipeline pipeline;
    static HttpClient http;

    @BeforeAll
    static void start(LocalCluster cluster) {
        pipeline = Pipeline.shared(cluster);
        http = HttpClient.newBuilder()
                .sslContext(Tls.trusting(Optional.of(pipeline.emulatorCertificate)).context()).build();
    }

    @Test
    void anAnalystsCommentOnTheIncidentAppearsOnEachAlertsPageAndOurNoteAndTheRollupDoNot() throws Exception {
        String incident = newIncident("Multistage attack on contoso.example");
        String first = addAlert(incident, "Brute force against Azure portal");
        String second = addAlert(incident, "Sign-in from a new country");
        String firstKey = Pipeline.SENTINEL + ":" + incident + ":" + first;
        String secondKey = Pipeline.SENTINEL + ":" + incident + ":" + second;
        awaitTriggered(firstKey);
        awaitTriggered(secondKey);

        // The analyst owns the first alert's page and writes a note, which syncback adds to the incident.
        assertThat(send(api(firstKey, "ack", "")).statusCode()).isEqualTo(202);
        assertThat(send(api(firstKey, "comment", "{\"comment\":\"on it\"}")).statusCode()).isEqualTo(202);
        await("our note on the incident").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .until(() -> incidentComments(incident).contains("Sentinel Pager: analyst (Sentinel Pager): on it"));

        // The roll-up syncback adds to the incident, then an analyst's comment in the portal.
        assertThat(addComment(incident, RollupSummary.PREFIX + "1 of 2 alerts acknowledged by analyst@contoso.example",
                "Sentinel Pager").statusCode()).isEqualTo(201);
        HttpResponse<String> added = addComment(incident, "Isolated the host, check the VPN logs", "Dana Sentinel");
        assertThat(added.statusCode()).as(added.body()).isEqualTo(201);
        Instant written = Instant.parse(JSON.readTree(added.body()).at("/properties/createdTimeUtc").asText());

        await("the analyst's comment on both pages").atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> comments(firstKey).size() == 2 && comments(secondKey).size() == 1);
        // Added before the analyst's comment, the note and the roll-up were read by the same poll or an earlier one.
        assertThat(comments(firstKey)).as("our note once, from the app; the analyst's from Azure").containsExactly(
                "analyst/api: on it", "Dana Sentinel/azure: Isolated the host, check the VPN logs");
        assertThat(comments(secondKey)).as("the note was written for the first alert; it is ours here too")
                .containsExactly("Dana Sentinel/azure: Isolated the host, check the VPN logs");
        assertThat(commentTimes(secondKey)).as("when the analyst wrote it, to the millisecond the page keeps")
                .containsExactly(written.truncatedTo(ChronoUnit.MILLIS));
        for (String key : List.of(firstKey, secondKey)) {
            assertThat(pipeline.actions(key, "azure")).filteredOn(a -> a.getType() == ActionType.SOURCE_COMMENT)
                    .extracting(AlertAction::getActor).as("imported once for %s, and only the analyst's", key)
                    .containsExactly("Dana Sentinel");
        }

        await("the owner's notice in the inbox").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                .until(() -> pipeline.inboxText().contains("Dana Sentinel commented in Azure"));
        assertThat(pipeline.records(Topics.SYNC_COMMANDS.name(), firstKey,
                        pipeline.context.serdes().value(SyncCommand.class).deserializer()).stream()
                .map(ConsumerRecord::value).map(SyncCommand::getComment))
                .as("the analyst's comment is not written back").noneMatch(c -> c != null && c.contains("VPN"));
    }

    @Test
    void onAPageThatGroupsTheIncidentTheAnalystsCommentAppearsOnce(@TempDir Path dir) throws Exception {
        // This test's own policy, before the examples: the alerts of an incident whose title carries the marker make
        // one page. Nothing else matches it, so the other tests on the shared pipeline route as before.
        String marker = "grouped-" + UUID.randomUUID().toString().substring(0, 8);
        pipeline.applyExamplesWith(dir, "grouping.yaml", """
                policies:
                  - id: %s
                    name: One page per Sentinel incident for this test's alerts
                    order: 1
                    when: {title: {contains: %s}}
                    route: {team: soc, escalation: default, urgency: high, groupBy: incident}
                """.formatted(marker, marker));
        String incident = newIncident("Lateral movement " + marker);
        addAlert(incident, "Pass the hash " + marker);
        addAlert(incident, "Remote service creation " + marker);
        String page = Pipeline.SENTINEL + ":incident:" + incident;
        await("one page with both alerts").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .until(() -> detail(page).map(d -> d.path("alerts").size() == 2).orElse(false));

        assertThat(addComment(incident, "Both hosts isolated", "Dana Sentinel").statusCode()).isEqualTo(201);
        await("the analyst's comment on the page").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                .until(() -> !comments(page).isEmpty());

        // The analyst then closes the incident. Each alert's close follows its copy of the comment through ingest and
        // escalate, and the page closes only once both alerts are resolved: by then both copies have been applied.
        ObjectNode closed = JsonNodeFactory.instance.objectNode().put("status", "Closed")
                .put("classification", "TruePositive").put("classificationReason", "SuspiciousActivity");
        pipeline.azure.incidents().change(Pipeline.SENTINEL_WORKSPACE, incident, closed);
        await("the page closed from Sentinel").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .until(() -> "closed".equals(detail(page).orElseThrow().path("status").asText()));
        assertThat(comments(page)).as("once, though both alerts of the page read it")
                .containsExactly("Dana Sentinel/azure: Both hosts isolated");
    }

    private static String newIncident(String title) {
        ObjectNode incident = JsonNodeFactory.instance.objectNode();
        incident.putObject("properties").put("title", title).put("severity", "High").put("status", "New");
        return pipeline.azure.incidents().add(Pipeline.SENTINEL_WORKSPACE, incident).get("name").asText();
    }

    /** An alert entity shaped like the published sample ({@code sentinel-incident-alerts.response.json}). */
    private static String addAlert(String incident, String name) {
        ObjectNode alert = ((ObjectNode) SampleAlerts.published("sentinel-incident-alerts.response.json")
                .get("value").get(0)).deepCopy();
        alert.remove(List.of("id", "name"));
        ((ObjectNode) alert.get("properties")).put("systemAlertId", UUID.randomUUID().toString())
                .put("alertDisplayName", name).put("severity", "High").put("timeGenerated", Instant.now().toString());
        return pipeline.azure.incidents().addAlert(Pipeline.SENTINEL_WORKSPACE, incident, alert).get("name").asText();
    }

    /** Through the emulator's admin API, as an analyst comments in the Sentinel portal. */
    private static HttpResponse<String> addComment(String incident, String message, String author) throws Exception {
        ObjectNode body = JsonNodeFactory.instance.objectNode().put("message", message);
        body.putObject("author").put("name", author);
        return send(HttpRequest.newBuilder(URI.create(pipeline.azure.baseUrl() + "/admin/sentinel/"
                        + Pipeline.SENTINEL_WORKSPACE.subscriptionId() + "/" + Pipeline.SENTINEL_WORKSPACE.resourceGroup()
                        + "/" + Pipeline.SENTINEL_WORKSPACE.workspaceName() + "/incidents/" + incident + "/comments"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())));
    }

    /** The incident's comments as ARM lists them to our client, as "author: message". */
    private static List<String> incidentComments(String incident) {
        ConnectorConfig connector = Connectors.from(pipeline.context.config()).stream()
                .filter(c -> c.id().equals(Pipeline.SENTINEL)).findFirst().orElseThrow();
        try (SentinelIncidentsClient client = SentinelIncidentsClient.create(connector)) {
            return client.comments(incident).stream()
                    .map(c -> c.properties().author().name() + ": " + c.properties().message()).toList();
        }
    }

    private static void awaitTriggered(String key) {
        await(key + " paged").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .until(() -> "triggered".equals(pipeline.status(key)));
    }

    /** The page's comments in the app, as "actor/channel: text". */
    private static List<String> comments(String key) throws Exception {
        List<String> out = new ArrayList<>();
        for (JsonNode e : detail(key).orElseThrow().path("comments")) {
            out.add(e.path("actor").asText() + "/" + e.path("channel").asText() + ": " + e.path("detail").asText());
        }
        return out;
    }

    private static List<Instant> commentTimes(String key) throws Exception {
        List<Instant> out = new ArrayList<>();
        for (JsonNode e : detail(key).orElseThrow().path("comments")) {
            out.add(Instant.parse(e.path("at").asText()));
        }
        return out;
    }

    /** The page as the app shows it, if the analyst can see it. */
    private static Optional<JsonNode> detail(String key) throws Exception {
        HttpResponse<String> response = send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                        + pipeline.responderPort() + "/api/alerts/" + key))
                .header("Authorization", "Bearer " + pipeline.tokens.get("analyst")).GET());
        return response.statusCode() == 200 ? Optional.of(JSON.readTree(response.body())) : Optional.empty();
    }

    private static HttpRequest.Builder api(String key, String action, String body) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + pipeline.responderPort() + "/api/alerts/" + key
                        + "/" + action))
                .header("Authorization", "Bearer " + pipeline.tokens.get("analyst"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
