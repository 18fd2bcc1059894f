package io.sentinelpager.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sentinelpager.app.ApplyCommand;
import io.sentinelpager.app.PagerCommand;
import io.sentinelpager.platform.local.LocalCluster;
import io.sentinelpager.schemas.AlertSource;
import io.sentinelpager.schemas.NotificationRequest;
import io.sentinelpager.schemas.RoutedAlert;
import io.sentinelpager.schemas.SecurityAlert;
import io.sentinelpager.schemas.Topics;
import io.sentinelpager.testkit.Alerts;
import io.sentinelpager.testkit.LocalClusterExtension;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import picocli.CommandLine;

/**
 * A shift swapped from the app reaches the pager: the analyst makes an override through the responder API, and the
 * next alert for the soc-primary schedule pages whoever covers, with nothing restarted. A later {@code pager apply
 * --prune} of the YAML files, which do not know the override, leaves it in force.
 */
@ExtendWith(LocalClusterExtension.class)
class OverridesIT {

    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newHttpClient();
    static Pipeline pipeline;

    @BeforeAll
    static void start(LocalCluster cluster) {
        pipeline = Pipeline.shared(cluster);
    }

    @Test
    void anOverrideFromTheAppPagesTheCoveringPersonAndSurvivesApplyWithPrune() throws Exception {
        // The example rotation alternates analyst and lead weekly: whoever it has now, the override puts the other.
        String rotation = onCallNow();
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        String start = now.minus(Duration.ofMinutes(1)).toString();
        String end = now.plus(Duration.ofHours(1)).toString();
        HttpResponse<String> made = rotation.equals("analyst")
                ? post("/api/overrides/handoff", "{\"schedule\":\"soc-primary\",\"start\":\"" + start + "\",\"end\":\""
                        + end + "\",\"to\":\"lead\"}")
                : post("/api/overrides/cover", "{\"schedule\":\"soc-primary\",\"start\":\"" + start + "\",\"end\":\""
                        + end + "\"}");
        assertThat(made.statusCode()).as(made.body()).isEqualTo(201);
        String covering = rotation.equals("analyst") ? "lead" : "analyst";
        JsonNode override = JSON.readTree(made.body());
        assertThat(override.path("user").asText()).isEqualTo(covering);
        assertThat(override.path("createdBy").asText()).isEqualTo("analyst");
        String id = override.path("id").asText();
        try {
            await("the responder has the override").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                    .until(() -> onCallNow().equals(covering));
            // A second override of the same time is refused, naming the first.
            HttpResponse<String> overlapping = post("/api/overrides/cover", "{\"schedule\":\"soc-primary\",\"start\":\""
                    + start + "\",\"end\":\"" + end + "\"}");
            assertThat(overlapping.statusCode()).isEqualTo(400);
            assertThat(JSON.readTree(overlapping.body()).path("error").asText()).contains("overlap override " + id);

            assertThat(pagedAtStepOne(alert())).isEqualTo(covering);

            ByteArrayOutputStream out = new ByteArrayOutputStream();
            assertThat(ApplyCommand.apply(pipeline.context, pipeline.config, true,
                    new PrintStream(out, true, StandardCharsets.UTF_8), System.err)).isTrue();
            assertThat(out.toString(StandardCharsets.UTF_8)).doesNotContain(Topics.CONFIG_OVERRIDES.name());
            assertThat(JSON.readTree(get("/api/overrides").body()).findValuesAsText("id")).contains(id);
            assertThat(pagerGetOverrides()).as("pager get overrides").containsPattern(id + " +soc-primary .* "
                    + covering + " .*analyst, ");
            assertThat(pagedAtStepOne(alert())).isEqualTo(covering);
        } finally {
            HttpResponse<String> deleted = send(HttpRequest.newBuilder(uri("/api/overrides/" + id)).DELETE());
            assertThat(deleted.statusCode()).isEqualTo(204);
        }
        await("the rotation back").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                .until(() -> onCallNow().equals(rotation));
    }

    /** What {@code pager get overrides} prints. */
    private static String pagerGetOverrides() {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        PrintStream original = System.out;
        System.setOut(new PrintStream(buffer, true, StandardCharsets.UTF_8));
        try {
            assertThat(new CommandLine(new PagerCommand()).execute("get", "overrides",
                    "--bootstrap-server", pipeline.cluster.bootstrapServers(),
                    "--registry-url", pipeline.cluster.registryUrl())).isZero();
        } finally {
            System.setOut(original);
        }
        return buffer.toString(StandardCharsets.UTF_8);
    }

    /** A new alert for the soc team on the default chain, whose first step pages soc-primary's on-call person. */
    private static String alert() throws Exception {
        String key = "override:" + UUID.randomUUID();
        SecurityAlert alert = Alerts.alert(key, Instant.now()).setConnectorId("overrides").setSource(AlertSource.PAGER)
                .setTitle("Alert during a swapped shift").build();
        RoutedAlert routed = Alerts.routed(alert, "soc", "default").build();
        Map<String, Object> config = new HashMap<>(pipeline.context.producerConfig());
        config.putAll(pipeline.context.serdes().clientConfig());
        try (KafkaProducer<String, SpecificRecord> producer = new KafkaProducer<>(config, new StringSerializer(),
                pipeline.context.serdes().anyValue().serializer())) {
            producer.send(new ProducerRecord<>(Topics.ALERTS_ROUTED.name(), key, routed)).get();
        }
        return key;
    }

    /** Whom escalate paged in the first step of the alert's page, as its notifications say. */
    private static String pagedAtStepOne(String key) {
        String prefix = key + "/round-0/step-0/";
        await("the first step paged").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                .until(() -> !firstStep(key, prefix).isEmpty());
        List<String> users = firstStep(key, prefix);
        assertThat(users).as("people paged in step 1 of %s", key).hasSize(1);
        return users.get(0);
    }

    /** The people a notification of that step went to, on either lane (the alert's urgency picks one). */
    private static List<String> firstStep(String key, String prefix) {
        return List.of("analyst", "lead").stream().filter(user -> Stream.of(Topics.NOTIFICATIONS_OUT,
                        Topics.NOTIFICATIONS_URGENT)
                .flatMap(lane -> pipeline.records(lane.name(), user,
                        pipeline.context.serdes().value(NotificationRequest.class).deserializer()).stream())
                .map(ConsumerRecord::value).anyMatch(n -> n.getAlertKey().equals(key)
                        && n.getNotificationId().startsWith(prefix))).toList();
    }

    /** Whom the analyst's app shows on call for soc-primary now. */
    private static String onCallNow() throws Exception {
        JsonNode teams = JSON.readTree(get("/api/oncall").body());
        for (JsonNode team : teams) {
            for (JsonNode duty : team.path("onCall")) {
                if (duty.path("schedule").asText().equals("SOC primary")) {
                    return duty.path("user").asText();
                }
            }
        }
        throw new AssertionError("no SOC primary schedule in /api/oncall: " + teams);
    }

    private static HttpResponse<String> get(String path) throws Exception {
        return send(HttpRequest.newBuilder(uri(path)).GET());
    }

    private static HttpResponse<String> post(String path, String body) throws Exception {
        return send(HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return HTTP.send(request.header("Authorization", "Bearer " + pipeline.tokens.get("analyst")).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static URI uri(String path) {
        return URI.create("http://127.0.0.1:" + pipeline.responderPort() + path);
    }
}
