package io.sentinelpager.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNoException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sentinelpager.platform.config.ConfigException;
import io.sentinelpager.platform.config.PagerConfig;
import io.sentinelpager.schemas.ContactMethodType;
import io.sentinelpager.testkit.providers.RecordingHttpServer;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The ntfy channel against a small server speaking ntfy's JSON publish API (POST to the root URL): it refuses what
 * ntfy refuses (no or bad topic, priority outside 1..5, more than three actions, unknown action types, a missing or
 * wrong access token on a protected topic) and answers with ntfy's message JSON. The channel reaches each topic by
 * the name a contact method gives, through notify's secret settings.
 */
class NtfyChannelIT {

    static final String TOKEN = "tk_testtoken000000000000000000";
    /** Hard to guess, as a topic on a public server must be. */
    static final String TOPIC_NAME = "soc-lead-q8v2m7x4";
    static final Pattern TOPIC = Pattern.compile("[-_A-Za-z0-9]{1,64}");
    static final Set<String> ACTIONS = Set.of("view", "http", "broadcast");
    static final ObjectMapper JSON = new ObjectMapper();

    final List<JsonNode> published = new CopyOnWriteArrayList<>();
    RecordingHttpServer ntfy;

    @BeforeEach
    void start() throws Exception {
        ntfy = new RecordingHttpServer(request -> {
            JsonNode m = JSON.readTree(request.body());
            String auth = request.header("Authorization");
            // Anyone may publish to a public topic; a protected one needs the token, and a wrong token never passes.
            boolean open = m.path("topic").asText().startsWith("public-");
            if (auth == null ? !open : !auth.equals("Bearer " + TOKEN)) {
                return RecordingHttpServer.Response.json(403, "{\"code\":40301,\"http\":403,\"error\":\"forbidden\"}");
            }
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
        return new NtfyChannel(NtfyChannel.Config.from(PagerConfig.empty().with(Map.of(
                "notify.ntfy.secret.url.lead", ntfy.url().resolve(TOPIC_NAME).toString(),
                "notify.ntfy.secret.token.lead", token,
                "notify.ntfy.secret.url.announcements", ntfy.url().resolve("public-announcements").toString(),
                "notify.ntfy.timeout", "2s"))).orElseThrow(), TestMessages.CLOCK);
    }

    @Test
    void publishesTitlePriorityTagsAndActionButtons() throws Exception {
        channel(TOKEN).send(TestMessages.page(ContactMethodType.NTFY, "lead"));

        assertThat(ntfy.requests()).singleElement().satisfies(r -> assertThat(r.path()).as("JSON goes to the root")
                .isEqualTo("/"));
        assertThat(published).singleElement().satisfies(m -> {
            assertThat(m.get("topic").asText()).as("the topic of the name's URL").isEqualTo(TOPIC_NAME);
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
    void aTokenGoesOnlyToTheTopicItIsSetFor() {
        assertThatNoException().isThrownBy(() ->
                channel(TOKEN).send(TestMessages.page(ContactMethodType.NTFY, "announcements")));

        assertThat(ntfy.requests()).singleElement()
                .satisfies(r -> assertThat(r.header("Authorization")).isNull());
        assertThat(published).singleElement()
                .satisfies(m -> assertThat(m.get("topic").asText()).isEqualTo("public-announcements"));
    }

    @Test
    void aRefusedTokenIsPermanentAndNotInTheMessage() {
        assertThatThrownBy(() -> channel("tk_wrong").send(TestMessages.page(ContactMethodType.NTFY, "lead")))
                .isInstanceOfSatisfying(DeliveryFailure.class, f -> {
                    assertThat(f.kind()).isEqualTo(DeliveryFailure.Kind.PERMANENT);
                    assertThat(f.getMessage()).startsWith("ntfy answered 403").doesNotContain("tk_wrong");
                });
    }

    @Test
    void aNameWithoutATopicIsPermanentAndSaysWhichSettingToSet() {
        assertThatThrownBy(() -> channel(TOKEN).send(TestMessages.page(ContactMethodType.NTFY, "night-shift")))
                .isInstanceOfSatisfying(DeliveryFailure.class, f -> {
                    assertThat(f.kind()).isEqualTo(DeliveryFailure.Kind.PERMANENT);
                    assertThat(f.getMessage()).isEqualTo("no ntfy topic URL is configured under the name"
                            + " 'night-shift': set notify.ntfy.secret.url.night-shift");
                });
        assertThat(ntfy.requests()).isEmpty();
    }

    @Test
    void topicUrlsAndTokensAreCheckedAtStartUpAndNeverShown() {
        String topicUrl = ntfy.url().resolve(TOPIC_NAME).toString();
        PagerConfig settings = PagerConfig.empty().with(Map.of("notify.ntfy.secret.url.lead", topicUrl,
                "notify.ntfy.secret.token.lead", TOKEN));

        assertThat(NtfyChannel.Config.from(settings)).hasValueSatisfying(c -> {
            assertThat(c.topics().names()).containsExactly("lead");
            assertThat(c.tokens().names()).containsExactly("lead");
        });
        assertThat(settings.describe()).containsEntry("notify.ntfy.secret.url.lead", "****")
                .containsEntry("notify.ntfy.secret.token.lead", "****");
        // The server alone, or a topic ntfy would refuse, is no topic URL.
        for (String notATopic : List.of(ntfy.url().toString(), topicUrl + "/json", topicUrl + "?auth=x",
                ntfy.url().resolve("no%20spaces").toString())) {
            assertThatThrownBy(() -> NtfyChannel.Config.from(PagerConfig.empty().with("notify.ntfy.secret.url.lead",
                    notATopic)))
                    .isInstanceOf(ConfigException.class).hasMessage("setting notify.ntfy.secret.url.lead is ****,"
                            + " expected a topic URL such as https://ntfy.sh/<topic>");
        }
        assertThatThrownBy(() -> NtfyChannel.Config.from(settings.with("notify.ntfy.secret.token.ops", TOKEN)))
                .isInstanceOf(ConfigException.class).hasMessage("setting notify.ntfy.secret.token.ops is the token"
                        + " of a topic that is not set: set notify.ntfy.secret.url.ops as well");
        assertThat(NtfyChannel.Config.from(PagerConfig.empty())).isEmpty();
        assertThat(channel(TOKEN).describe()).as("what start-up logs").isEqualTo("ntfy [announcements, lead]");
    }
}
