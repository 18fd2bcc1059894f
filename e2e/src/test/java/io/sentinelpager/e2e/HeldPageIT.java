package io.sentinelpager.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sentinelpager.platform.local.LocalCluster;
import io.sentinelpager.schemas.AlertSource;
import io.sentinelpager.schemas.NotificationRequest;
import io.sentinelpager.schemas.RoutedAlert;
import io.sentinelpager.schemas.SecurityAlert;
import io.sentinelpager.schemas.TeamConfig;
import io.sentinelpager.schemas.Topics;
import io.sentinelpager.testkit.Alerts;
import io.sentinelpager.testkit.LocalClusterExtension;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * An alert routed to a team that is not configured, as the look-back is on a fresh cluster before {@code pager apply}:
 * the whole pipeline holds it, an admin sees it held in the API with what it waits for, and it is paged once, to the
 * team's on-call person's inbox, when the team is written to config.teams.
 */
@ExtendWith(LocalClusterExtension.class)
class HeldPageIT {

    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newHttpClient();
    static Pipeline pipeline;

    @BeforeAll
    static void start(LocalCluster cluster) {
        pipeline = Pipeline.shared(cluster);
    }

    @Test
    void anAlertForATeamNotConfiguredIsHeldInTheApiThenPagedOnceWhenTheTeamArrives() throws Exception {
        // A team of this test's own, so that the example configuration the other tests use stays as it is.
        String team = "night-" + UUID.randomUUID().toString().substring(0, 8);
        String key = "held:" + UUID.randomUUID();
        produce(Topics.ALERTS_ROUTED.name(), key, routed(key, team));

        await("the page held").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .until(() -> "held".equals(detail(key, "manager").path("status").asText()));
        JsonNode held = detail(key, "manager");
        assertThat(held.path("waitingFor")).extracting(JsonNode::asText)
                .containsExactly("chain " + team + "-chain", "team " + team);
        assertThat(held.path("timeline").get(held.path("timeline").size() - 1).path("detail").asText())
                .isEqualTo("team " + team + " on call: chain " + team + "-chain, team " + team + " are not configured;"
                        + " paged as soon as one of them is");
        assertThat(pipeline.inboxText()).doesNotContain(key);

        produce(Topics.CONFIG_TEAMS.name(), team, TeamConfig.newBuilder().setId(team).setName("Night shift")
                .setMembers(List.of("analyst")).build());

        // The analyst is in the team now, so sees the page too.
        await("the page paged").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .until(() -> "triggered".equals(detail(key, "analyst").path("status").asText()));
        await("the inbox line").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                .until(() -> pipeline.inboxText().contains(key));
        assertThat(pipeline.inboxText().lines().filter(l -> l.contains(key))).hasSize(1);
        // Escalate writes a page's notifications with its state, in one transaction: the state is triggered, so
        // every notification the release made is on the topic, and there is one.
        // A high-urgency page: on the urgent lane.
        List<String> requests = pipeline.records(Topics.NOTIFICATIONS_URGENT.name(), "analyst",
                        pipeline.context.serdes().value(NotificationRequest.class).deserializer()).stream()
                .map(ConsumerRecord::value).filter(n -> n.getAlertKey().equals(key))
                .map(NotificationRequest::getNotificationId).toList();
        assertThat(requests).containsExactly(key + "/round-0/step-0/analyst/inbox");
        assertThat(detail(key, "analyst").path("waitingFor")).isEmpty();

        produce(Topics.CONFIG_TEAMS.name(), team, null);
    }

    private static RoutedAlert routed(String key, String team) {
        SecurityAlert alert = Alerts.alert(key, Instant.now()).setConnectorId("held").setSource(AlertSource.PAGER)
                .setTitle("Look-back alert before pager apply").build();
        return Alerts.routed(alert, team, team + "-chain").build();
    }

    private static JsonNode detail(String key, String user) throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                        + pipeline.responderPort() + "/api/alerts/" + key))
                .header("Authorization", "Bearer " + pipeline.tokens.get(user)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        return response.statusCode() == 200 ? JSON.readTree(response.body()) : JSON.createObjectNode();
    }

    private static void produce(String topic, String key, SpecificRecord value) throws Exception {
        Map<String, Object> config = new HashMap<>(pipeline.context.producerConfig());
        config.putAll(pipeline.context.serdes().clientConfig());
        try (KafkaProducer<String, SpecificRecord> producer = new KafkaProducer<>(config, new StringSerializer(),
                pipeline.context.serdes().anyValue().serializer())) {
            producer.send(new ProducerRecord<>(topic, key, value)).get();
        }
    }
}
