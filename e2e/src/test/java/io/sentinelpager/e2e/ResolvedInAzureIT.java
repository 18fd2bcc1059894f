package io.sentinelpager.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sentinelpager.app.DemoConnector;
import io.sentinelpager.emulator.SampleAlerts;
import io.sentinelpager.platform.local.LocalCluster;
import io.sentinelpager.schemas.SyncCommand;
import io.sentinelpager.schemas.Topics;
import io.sentinelpager.testkit.LocalClusterExtension;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * An analyst resolves in Defender what the pager paged: the emulator's Graph alert is changed the way a PATCH from the
 * portal changes it (status resolved, a new lastUpdateDateTime), ingest reads the change, and the page closes, with
 * nothing written back to Azure. For a page of one alert, and for a page of an incident's alerts, which closes when
 * the last of them is resolved.
 */
@ExtendWith(LocalClusterExtension.class)
class ResolvedInAzureIT {

    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newHttpClient();
    static Pipeline pipeline;

    @BeforeAll
    static void start(LocalCluster cluster) {
        pipeline = Pipeline.shared(cluster);
    }

    @Test
    void anAlertResolvedByAnAnalystInDefenderClosesItsPageWithoutAnEcho() throws Exception {
        // Medium, so that it pages with high urgency: whoever of the example rotation is on call this week gets it in
        // the inbox at once (the lead's low-urgency rule is e-mail only, and the pipeline has no mail server).
        ObjectNode stored = pipeline.azure.alerts().add(SampleAlerts.defenderEndpoint().put("severity", "medium"));
        String alertId = stored.get("id").asText();
        String key = DemoConnector.ID + ":" + alertId;
        await("page in the analyst's inbox").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .until(() -> pipeline.inboxText().contains(key));
        // The responder reads the page from its own topic, independently of the mail: it may show it a moment later.
        await(key + " triggered on the responder").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .until(() -> "triggered".equals(status(key)));

        resolveInDefender(alertId);

        JsonNode closed = awaitClosed(key);
        assertThat(closed.path("timeline").findValuesAsText("type")).contains("source-changed");
        assertThat(sourceChanges(closed)).containsExactly("Azure reports resolved");
        assertThat(syncCommandsFor(Set.of(key))).as("nothing goes back to Azure for a change Azure made").isEmpty();
        assertThat(pipeline.azure.alerts().get(alertId).orElseThrow().path("status").asText()).isEqualTo("resolved");
    }

    @Test
    void anIncidentsPageClosesWhenTheAnalystHasResolvedEachOfItsAlerts(@TempDir Path dir) throws Exception {
        // This test's own policy, before the examples: the alerts of an incident whose title carries the marker make
        // one page. Nothing else matches it, so the other tests on the shared pipeline route as before.
        String marker = "grouped-" + UUID.randomUUID().toString().substring(0, 8);
        pipeline.applyExamplesWith(dir, "grouping.yaml", """
                policies:
                  - id: %s
                    name: One page per incident for this test's alerts
                    order: 1
                    when: {title: {contains: %s}}
                    route: {team: soc, escalation: default, urgency: high, groupBy: incident}
                """.formatted(marker, marker));

        String incident = String.valueOf(100_000 + new java.util.Random().nextInt(900_000));
        String page = DemoConnector.ID + ":incident:" + incident;
        List<String> ids = new ArrayList<>();
        for (String what : List.of("first", "second")) {
            ObjectNode alert = SampleAlerts.defenderEndpoint();
            alert.put("title", alert.get("title").asText() + " " + marker + " " + what);
            alert.put("incidentId", incident);
            ids.add(pipeline.azure.alerts().add(alert).get("id").asText());
        }
        List<String> keys = ids.stream().map(id -> DemoConnector.ID + ":" + id).toList();

        await("one page with both alerts").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .until(() -> detail(page).map(d -> d.path("timeline").findValuesAsText("type").contains("attached"))
                        .orElse(false));
        // The page, its id and its Open link name the incident's page, not the first alert. The mail is sent by notify,
        // which need not have delivered it yet when the second alert is attached.
        await("the incident's page in the inbox").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .until(() -> pipeline.inboxText().contains("(id " + page + "/round-0/"));
        assertThat(pipeline.inboxText()).contains("(id " + page + "/round-0/")
                .contains("/alerts/" + java.net.URLEncoder.encode(page, java.nio.charset.StandardCharsets.UTF_8));
        for (String key : keys) {
            assertThat(get("/api/alerts/" + key).statusCode()).as("no page of its own for %s", key).isEqualTo(404);
        }

        resolveInDefender(ids.get(0));
        await("the first resolution on the page's timeline").atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> sourceChanges(detail(page).orElseThrow()).size() == 1);
        JsonNode oneResolved = detail(page).orElseThrow();
        assertThat(oneResolved.path("status").asText()).as("one alert of the incident is still open")
                .isEqualTo("triggered");
        assertThat(sourceChanges(oneResolved)).containsExactly(
                "alert " + keys.get(0) + ": Azure reports resolved (1 of 2 alerts resolved)");

        resolveInDefender(ids.get(1));
        JsonNode closed = awaitClosed(page);
        assertThat(sourceChanges(closed)).last().isEqualTo("alert " + keys.get(1) + ": Azure reports resolved");
        Set<String> all = new java.util.HashSet<>(keys);
        all.add(page);
        assertThat(syncCommandsFor(all)).as("nothing goes back to Azure for a change Azure made").isEmpty();
    }

    /** What an analyst's PATCH in the Defender portal does to the Graph alert: the emulator stamps a new update time. */
    private static void resolveInDefender(String alertId) {
        ObjectNode patch = JsonNodeFactory.instance.objectNode().put("status", "resolved")
                .put("classification", "truePositive");
        assertThat(pipeline.azure.alerts().update(alertId, patch)).isPresent();
    }

    private static JsonNode awaitClosed(String key) {
        await(key + " closed").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .until(() -> "closed".equals(status(key)));
        return detail(key).orElseThrow();
    }

    private static List<String> sourceChanges(JsonNode detail) {
        List<String> out = new ArrayList<>();
        detail.path("timeline").forEach(e -> {
            if ("source-changed".equals(e.path("type").asText())) {
                out.add(e.path("detail").asText());
            }
        });
        return out;
    }

    /**
     * The sync commands for these keys on sync.commands, read to its end. Escalate writes a close and the commands it
     * causes in one transaction, so once the closed state is visible, any command of that close is too: no waiting.
     */
    private static List<SyncCommand> syncCommandsFor(Set<String> keys) {
        List<SyncCommand> found = new ArrayList<>();
        try (KafkaConsumer<String, SpecificRecord> consumer = new KafkaConsumer<>(pipeline.context.consumerConfig(null),
                pipeline.context.serdes().key().deserializer(), pipeline.context.serdes().anyValue().deserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(Topics.SYNC_COMMANDS.name()).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            await("sync.commands read to its end").atMost(Duration.ofSeconds(30)).until(() -> {
                for (ConsumerRecord<String, SpecificRecord> r : consumer.poll(Duration.ofMillis(200))) {
                    SyncCommand command = (SyncCommand) r.value();
                    if (keys.contains(r.key()) || keys.contains(command.getAlertKey())) {
                        found.add(command);
                    }
                }
                return partitions.stream().allMatch(p -> consumer.position(p) >= end.get(p));
            });
        }
        return found;
    }

    private static String status(String key) {
        return detail(key).map(d -> d.path("status").asText()).orElse("");
    }

    private static java.util.Optional<JsonNode> detail(String key) {
        try {
            HttpResponse<String> response = get("/api/alerts/" + key);
            return response.statusCode() == 200 ? java.util.Optional.of(JSON.readTree(response.body()))
                    : java.util.Optional.empty();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static HttpResponse<String> get(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + pipeline.responderPort() + path))
                .header("Authorization", "Bearer " + pipeline.tokens.get("analyst")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
