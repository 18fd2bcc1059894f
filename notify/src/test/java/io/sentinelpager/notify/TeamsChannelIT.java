package io.sentinelpager.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sentinelpager.platform.config.ConfigException;
import io.sentinelpager.platform.config.PagerConfig;
import io.sentinelpager.schemas.ContactMethodType;
import io.sentinelpager.testkit.providers.RecordingHttpServer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The Teams channel against a server in the place of a Workflows trigger: it accepts (202) only a message whose
 * attachment is an Adaptive Card, the way a "post card in a chat or channel" flow needs it, and only at the URL with
 * the right signature.
 */
class TeamsChannelIT {

    static final ObjectMapper JSON = new ObjectMapper();
    final List<JsonNode> cards = new CopyOnWriteArrayList<>();
    RecordingHttpServer workflows;

    @BeforeEach
    void start() throws Exception {
        workflows = new RecordingHttpServer(request -> {
            if (!request.path().equals("/workflows/soc/triggers/manual/paths/invoke")) {
                return RecordingHttpServer.Response.json(404, "{\"error\":{\"code\":\"TriggerNotFound\"}}");
            }
            JsonNode message = JSON.readTree(request.body());
            JsonNode attachment = message.path("attachments").path(0);
            JsonNode card = attachment.path("content");
            boolean valid = "message".equals(message.path("type").asText())
                    && "application/vnd.microsoft.card.adaptive".equals(attachment.path("contentType").asText())
                    && "AdaptiveCard".equals(card.path("type").asText())
                    && card.path("version").asText().matches("1\\.[0-5]")
                    && card.path("body").isArray() && !card.path("body").isEmpty();
            if (!valid) {
                return RecordingHttpServer.Response.json(400, "{\"error\":{\"code\":\"InvalidRequestContent\"}}");
            }
            cards.add(card);
            return new RecordingHttpServer.Response(202, "text/plain", "", Map.of());
        });
    }

    @AfterEach
    void stop() {
        workflows.close();
    }

    TeamsChannel channel() {
        String url = workflows.url().resolve("workflows/soc/triggers/manual/paths/invoke").toString() + "?sig=s3cr3t";
        return new TeamsChannel(TeamsChannel.Config.from(PagerConfig.empty().with(Map.of(
                "notify.teams.secret.url.soc", url, "notify.teams.timeout", "2s"))).orElseThrow(), TestMessages.CLOCK);
    }

    @Test
    void postsAnAdaptiveCardWithFactsAndButtons() throws Exception {
        channel().send(TestMessages.page(ContactMethodType.TEAMS, "SOC"));

        assertThat(cards).singleElement().satisfies(card -> {
            assertThat(card.get("body").get(0).get("text").asText())
                    .isEqualTo("HIGH: Impossible travel for jdoe@contoso.example");
            assertThat(card.get("body").get(0).get("color").asText()).isEqualTo("Attention");
            assertThat(card.get("body").get(1).get("type").asText()).isEqualTo("FactSet");
            assertThat(card.get("body").get(1).get("facts")).extracting(f -> f.get("title").asText())
                    .contains("Facts", "Also paged", "SMS reply code");
            assertThat(card.get("actions")).extracting(a -> a.get("title").asText())
                    .containsExactly("Acknowledge", "Take ownership", "Open");
            assertThat(card.get("actions")).allSatisfy(a -> assertThat(a.get("type").asText()).isEqualTo("Action.OpenUrl"));
        });
    }

    @Test
    void textAnAttackerWroteArrivesAsPlainTextNotMarkdown() throws Exception {
        channel().send(TestMessages.page(ContactMethodType.TEAMS, "soc", "**x** [link](http://evil)",
                "host `evil` _now_\n- see ~~nothing~~ \\ #1\n2. done"));

        assertThat(cards).singleElement().satisfies(card -> {
            assertThat(card.get("body").get(0).get("text").asText())
                    .isEqualTo("HIGH: \\*\\*x\\*\\* \\[link\\]\\(http://evil\\)");
            assertThat(card.get("body").get(1).get("facts")).filteredOn(f -> f.get("title").asText().equals("Facts"))
                    .singleElement().satisfies(f -> assertThat(f.get("value").asText()).isEqualTo(
                            "host \\`evil\\` \\_now\\_\n\\- see \\~\\~nothing\\~\\~ \\\\ \\#1\n2\\. done"));
        });
    }

    @Test
    void anUnknownNameIsPermanentAndTheUrlNeverAppearsInAFailure() {
        assertThatThrownBy(() -> channel().send(TestMessages.page(ContactMethodType.TEAMS, "other-team")))
                .isInstanceOfSatisfying(DeliveryFailure.class, f -> {
                    assertThat(f.kind()).isEqualTo(DeliveryFailure.Kind.PERMANENT);
                    assertThat(f.getMessage()).isEqualTo("no Teams Workflows URL is configured under the name"
                            + " 'other-team': set notify.teams.secret.url.other-team");
                });
        workflows.failNext(RecordingHttpServer.Response.json(502, "{\"error\":{\"code\":\"BadGateway\"}}"));
        assertThatThrownBy(() -> channel().send(TestMessages.page(ContactMethodType.TEAMS, "soc")))
                .isInstanceOfSatisfying(DeliveryFailure.class, f -> {
                    assertThat(f.kind()).isEqualTo(DeliveryFailure.Kind.TRANSIENT);
                    assertThat(f.getMessage()).doesNotContain("sig=", "s3cr3t", "workflows/");
                });
    }

    @Test
    void namedUrlsComeFromSecretSettingsThatStartUpMasks() {
        PagerConfig config = PagerConfig.empty().with("notify.teams.secret.url.soc", "https://example/x?sig=s3cr3t");

        assertThat(TeamsChannel.Config.from(config)).hasValueSatisfying(c ->
                assertThat(c.workflows().names()).containsExactly("soc"));
        assertThat(config.describe().get("notify.teams.secret.url.soc")).isEqualTo("****");
        assertThat(TeamsChannel.Config.from(PagerConfig.empty())).isEmpty();
        // Found malformed at start-up, not when a page goes out, and never shown.
        assertThatThrownBy(() -> TeamsChannel.Config.from(config.with("notify.teams.secret.url.soc",
                "prod-westeurope.logic.azure.com/workflows?sig=s3cr3t")))
                .isInstanceOf(ConfigException.class).hasMessageNotContaining("s3cr3t")
                .hasMessage("setting notify.teams.secret.url.soc is ****, expected an http(s) URL");
    }
}
