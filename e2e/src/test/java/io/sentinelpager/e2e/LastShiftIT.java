package io.sentinelpager.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sentinelpager.platform.local.LocalCluster;
import io.sentinelpager.schemas.AlertSource;
import io.sentinelpager.schemas.RoutedAlert;
import io.sentinelpager.schemas.SecurityAlert;
import io.sentinelpager.schemas.Topics;
import io.sentinelpager.testkit.Alerts;
import io.sentinelpager.testkit.LocalClusterExtension;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * "My last shift" end to end: the analyst is on call for soc-primary, an alert goes through escalate, which pages
 * them, they acknowledge it in the API, and {@code GET /api/me/last-shift} lists it with its acknowledgement and the
 * analyst as the one who has it; a user in no team, and a teammate who was not paged, do not see it.
 */
@ExtendWith(LocalClusterExtension.class)
class LastShiftIT {

    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newHttpClient();
    static Pipeline pipeline;

    @BeforeAll
    static void start(LocalCluster cluster) {
        pipeline = Pipeline.shared(cluster);
    }

    @Test
    void anAcknowledgedPageShowsOnTheAnalystsShiftWithWhoHasItAndNobodyElseSeesIt() throws Exception {
        // A shift of the analyst's that starts during this test, so that only this test's page is on it: covering
        // the lead's rotation shift from now on, or, when the rotation has the analyst, handing the next seconds to
        // the lead so that the analyst's shift starts again when they end.
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        String rotation = onCallNow();
        Instant shiftStart = rotation.equals("analyst") ? now.plusSeconds(3) : now.minusSeconds(1);
        HttpResponse<String> made = rotation.equals("analyst")
                ? post("analyst", "/api/overrides/handoff", "{\"schedule\":\"soc-primary\",\"start\":\""
                        + now.minusSeconds(1) + "\",\"end\":\"" + shiftStart + "\",\"to\":\"lead\"}")
                : post("analyst", "/api/overrides/cover", "{\"schedule\":\"soc-primary\",\"start\":\"" + shiftStart
                        + "\",\"end\":\"" + now.plus(Duration.ofHours(1)) + "\"}");
        assertThat(made.statusCode()).as(made.body()).isEqualTo(201);
        String id = JSON.readTree(made.body()).path("id").asText();
        try {
            await("the analyst's shift has begun").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                    .until(() -> onCallNow().equals("analyst")
                            && lastShift("analyst").path("shift").path("start").asText().equals(shiftStart.toString()));

            String key = alert();
            await("the analyst was paged").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(300))
                    .until(() -> lastShift("analyst").path("pages").findValuesAsText("key").contains(key));
            await("acknowledgement accepted").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                    .until(() -> post("analyst", "/api/alerts/" + key + "/ack", "").statusCode() == 202);
            JsonNode last = await("the acknowledgement on the shift").atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(200)).until(() -> lastShift("analyst"),
                            l -> l.path("counts").path("acknowledged").asInt() == 1);

            JsonNode shift = last.path("shift");
            assertThat(shift.path("schedule").asText()).isEqualTo("soc-primary");
            assertThat(shift.path("current").asBoolean()).isTrue();
            assertThat(shift.path("timeZone").asText()).isEqualTo("Europe/Berlin");
            // The shift began in this test, so the alert is its only page, unless a page another test on the shared
            // pipeline left unacknowledged reached the whole team (the chain's third step) meanwhile.
            JsonNode counts = last.path("counts");
            assertThat(counts.path("acknowledged").asInt()).isEqualTo(1);
            assertThat(counts.path("closed").asInt()).isZero();
            assertThat(counts.path("paged").asInt()).isEqualTo(last.path("pages").size());
            assertThat(counts.path("stillOpen").asInt()).isEqualTo(last.path("pages").findValues("open").stream()
                    .filter(JsonNode::asBoolean).count());
            JsonNode page = null;
            for (JsonNode p : last.path("pages")) {
                page = p.path("key").asText().equals(key) ? p : page;
            }
            assertThat(page).as("the alert among the shift's pages: %s", last).isNotNull();
            assertThat(page.path("status").asText()).isEqualTo("acknowledged");
            assertThat(page.path("secondsToAcknowledge").isIntegralNumber()).as(page.toString()).isTrue();
            assertThat(page.path("owner").asText()).isEqualTo("analyst");
            assertThat(page.path("with").toString()).isEqualTo("[{\"user\":\"analyst\",\"name\":\"Alex Analyst\"}]");

            // The auditor is in no team: no shift, and why. The lead was not paged for it.
            JsonNode auditor = lastShift("auditor");
            assertThat(auditor.path("shift").isNull()).isTrue();
            assertThat(auditor.path("reason").asText()).contains("no shift");
            assertThat(auditor.toString()).doesNotContain(key);
            assertThat(lastShift("lead").toString()).doesNotContain(key);
        } finally {
            HttpResponse<String> deleted = send("analyst", HttpRequest.newBuilder(uri("/api/overrides/" + id))
                    .DELETE());
            assertThat(deleted.statusCode()).isIn(204, 404);
        }
    }

    /** A new alert for the soc team on the default chain, whose first step pages soc-primary's on-call person. */
    private static String alert() throws Exception {
        String key = "last-shift:" + UUID.randomUUID();
        SecurityAlert alert = Alerts.alert(key, Instant.now()).setConnectorId("last-shift")
                .setSource(AlertSource.PAGER).setTitle("Alert on the analyst's shift").build();
        RoutedAlert routed = Alerts.routed(alert, "soc", "default").build();
        Map<String, Object> config = new HashMap<>(pipeline.context.producerConfig());
        config.putAll(pipeline.context.serdes().clientConfig());
        try (KafkaProducer<String, SpecificRecord> producer = new KafkaProducer<>(config, new StringSerializer(),
                pipeline.context.serdes().anyValue().serializer())) {
            producer.send(new ProducerRecord<>(Topics.ALERTS_ROUTED.name(), key, routed)).get();
        }
        return key;
    }

    private static JsonNode lastShift(String user) throws Exception {
        HttpResponse<String> response = send(user, HttpRequest.newBuilder(uri("/api/me/last-shift")).GET());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    /** Whom the analyst's app shows on call for soc-primary now. */
    private static String onCallNow() throws Exception {
        JsonNode teams = JSON.readTree(send("analyst", HttpRequest.newBuilder(uri("/api/oncall")).GET()).body());
        for (JsonNode team : teams) {
            for (JsonNode duty : team.path("onCall")) {
                if (duty.path("schedule").asText().equals("SOC primary")) {
                    return duty.path("user").asText();
                }
            }
        }
        throw new AssertionError("no SOC primary schedule in /api/oncall: " + teams);
    }

    private static HttpResponse<String> post(String user, String path, String body) throws Exception {
        return send(user, HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    private static HttpResponse<String> send(String user, HttpRequest.Builder request) throws Exception {
        return HTTP.send(request.header("Authorization", "Bearer " + pipeline.tokens.get(user)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static URI uri(String path) {
        return URI.create("http://127.0.0.1:" + pipeline.responderPort() + path);
    }
}
