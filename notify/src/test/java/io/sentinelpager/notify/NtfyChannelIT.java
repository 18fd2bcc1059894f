package io.sentinelpager.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sentinelpager.platform.config.Secret;
import io.sentinelpager.schemas.ContactMethodType;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The ntfy channel against a small server speaking ntfy's JSON publish API (POST to the root URL): it refuses what
 * ntfy refuses (no or bad topic, priority outside 1..5, more than three actions, unknown action types, a missing or
 * wrong access token) and answers with ntfy's message JSON.
 */
class NtfyChannelIT {

    static final String TOKEN = "tk_testtoken000000000000000000";
    static final Pattern TOPIC = Pattern.compile("[-_A-Za-z0-9]{1,64}");
    static final Set<String> ACTIONS = Set.of("view", "http", "broadcast");
    static final ObjectMapper JSON = new ObjectMapper();

    final List<JsonNode> published = new CopyOnWriteArrayList<>();
    RecordingHttpServer ntfy;

    @BeforeEach
    void start() throws Exception {
        ntfy = new RecordingHttpServer(request -> {
            if (!("Bearer " + TOKEN).equals(request.header("Authorization"))) {
                return RecordingHttpServer.Response.json(403, "{\"code\":40301,\"http\":403,\"error\":\"forbidden\"}");
            }
            JsonNode m = JSON.readTree(request.body());
            boolean valid = request.path().equals("/") && m.hasNonNull("topic")
                    && TOPIC.matcher(m.get("topic").asText()).matches()
                    && (!m.has("priority") || (m.get("priority").asInt() >= 1 && m.get("priority").asInt() <= 5))
                    && (!m.has("actions") || m.get("actions").size() <= 3);
            for (JsonNode action : m.path("actions")) {
                valid &= ACTIONS.contains(action.path("action").asText()) && action.hasNonNull("label")
                        && action.hasNonNull("url");
            }
            if (!valid) {
                return RecordingHttpServer.Response.json(400, "{\"code\":40007,\"http\":400,\"error\":\"invalid request\"}");
            }
            published.add(m);
            ObjectNode answer = JSON.createObjectNode().put("id", "msg" + published.size())
                    .put("time", TestMessages.T0.getEpochSecond()).put("event", "message")
                    .put("topic", m.get("topic").asText());
            answer.set("message", m.get("message"));
            return RecordingHttpServer.Response.json(200, JSON.writeValueAsString(answer));
        });
    }

    @AfterEach
    void stop() {
        ntfy.close();
    }

    NtfyChannel channel(String token) {
        return new NtfyChannel(new NtfyChannel.Config(ntfy.url(), Optional.of(Secret.of(token)), Duration.ofSeconds(2)),
                TestMessages.CLOCK);
    }

    @Test
    void publishesTitlePriorityTagsAndActionButtons() throws Exception {
        channel(TOKEN).send(TestMessages.page(ContactMethodType.NTFY, "soc-lead"));

        assertThat(published).singleElement().satisfies(m -> {
            assertThat(m.get("topic").asText()).isEqualTo("soc-lead");
            assertThat(m.get("title").asText()).isEqualTo("HIGH: Impossible travel for jdoe@contoso.example");
            assertThat(m.get("priority").asInt()).as("high urgency, high severity").isEqualTo(5);
            assertThat(m.get("tags")).extracting(JsonNode::asText).containsExactly("rotating_light", "high");
            assertThat(m.get("message").asText()).contains("Facts: sign-ins from Berlin and Lagos")
                    .doesNotContain("/act/");
            assertThat(m.get("click").asText()).isEqualTo("https://pager.example/alerts/c1%3Aa-42");
            JsonNode ack = m.get("actions").get(0);
            assertThat(ack.get("action").asText()).isEqualTo("http");
            assertThat(ack.get("label").asText()).isEqualTo("Acknowledge");
            assertThat(ack.get("method").asText()).isEqualTo("POST");
            assertThat(ack.get("url").asText()).startsWith("https://pager.example/act/");
            assertThat(m.get("actions").get(2).get("action").asText()).isEqualTo("view");
        });
    }

    @Test
    void aRefusedTokenIsPermanentAndNotInTheMessage() {
        assertThatThrownBy(() -> channel("tk_wrong").send(TestMessages.page(ContactMethodType.NTFY, "soc-lead")))
                .isInstanceOfSatisfying(DeliveryFailure.class, f -> {
                    assertThat(f.kind()).isEqualTo(DeliveryFailure.Kind.PERMANENT);
                    assertThat(f.getMessage()).startsWith("ntfy answered 403").doesNotContain("tk_wrong");
                });
    }

    @Test
    void aTopicNtfyRefusesIsPermanent() {
        assertThatThrownBy(() -> channel(TOKEN).send(TestMessages.page(ContactMethodType.NTFY, "no spaces/allowed")))
                .isInstanceOfSatisfying(DeliveryFailure.class, f -> {
                    assertThat(f.kind()).isEqualTo(DeliveryFailure.Kind.PERMANENT);
                    assertThat(f.getMessage()).contains("400", "invalid request");
                });
    }
}
