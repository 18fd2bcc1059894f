package io.sentinelpager.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sentinelpager.app.DemoConnector;
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
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * An analyst comments on a paged alert in Defender (through the emulator's admin API, as the portal would): the comment
 * appears on the page's timeline in the app with the analyst's name, the page's owner is told, and nothing goes back
 * to Azure. The responder's own note, which syncback wrote to the same alert before, is not imported back.
 */
@ExtendWith(LocalClusterExtension.class)
class CommentsFromAzureIT {

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
    void anAnalystsCommentInDefenderAppearsOnTheTimelineAndTellsTheOwner() throws Exception {
        String key = pipeline.pagedAlert();
        String alertId = key.substring(DemoConnector.ID.length() + 1);
        // The analyst owns the page and writes a note, which syncback posts to the Graph alert as ours.
        assertThat(send(api(key, "ack", "")).statusCode()).isEqualTo(202);
        assertThat(send(api(key, "comment", "{\"comment\":\"on it\"}")).statusCode()).isEqualTo(202);
        await("our note on the Graph alert").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .until(() -> graphComments(alertId).contains("analyst (Sentinel Pager): on it"));

        HttpResponse<String> added = send(HttpRequest.newBuilder(URI.create(pipeline.azure.baseUrl()
                        + "/admin/graph/alerts/" + alertId + "/analyst"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(
                        "{\"analyst\":\"Dana Defender\",\"comment\":\"Isolated the host, check the VPN logs\"}")));
        assertThat(added.statusCode()).as(added.body()).isEqualTo(200);

        // Ingest polls every 500 ms; the rest is the way through Kafka to the responder.
        await("the analyst's comment in the app").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                .until(() -> comments(key).size() == 2);
        assertThat(comments(key)).as("our note once, from the app; the analyst's from Azure").containsExactly(
                "analyst/api: on it", "Dana Defender/azure: Isolated the host, check the VPN logs");
        assertThat(pipeline.actions(key, "azure")).filteredOn(a -> a.getType() == ActionType.SOURCE_COMMENT)
                .extracting(AlertAction::getActor).as("imported once, and only the analyst's")
                .containsExactly("Dana Defender");

        // Escalate writes the comment's event and its notices in one transaction: the notice is on its way now.
        await("the owner's notice in the inbox").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                .until(() -> pipeline.inboxText().contains("Dana Defender commented in Azure"));
        assertThat(pipeline.inboxText()).contains("(id " + key + "/azure-comment:");
        assertThat(pipeline.records(Topics.SYNC_COMMANDS.name(), key,
                        pipeline.context.serdes().value(SyncCommand.class).deserializer()).stream()
                .map(ConsumerRecord::value).map(SyncCommand::getComment))
                .as("the analyst's comment is not written back").noneMatch(c -> c != null && c.contains("VPN"));
    }

    /** The page's comments in the app, as "actor/channel: text". */
    private static List<String> comments(String key) throws Exception {
        HttpResponse<String> response = send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                        + pipeline.responderPort() + "/api/alerts/" + key))
                .header("Authorization", "Bearer " + pipeline.tokens.get("analyst")).GET());
        List<String> out = new ArrayList<>();
        for (JsonNode e : JSON.readTree(response.body()).path("comments")) {
            out.add(e.path("actor").asText() + "/" + e.path("channel").asText() + ": " + e.path("detail").asText());
        }
        return out;
    }

    private static List<String> graphComments(String alertId) {
        List<String> out = new ArrayList<>();
        pipeline.azure.alerts().get(alertId).orElseThrow().path("comments")
                .forEach(c -> out.add(c.path("comment").asText()));
        return out;
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
