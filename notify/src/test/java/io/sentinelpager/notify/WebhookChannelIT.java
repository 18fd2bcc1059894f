package io.sentinelpager.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sentinelpager.platform.config.ConfigException;
import io.sentinelpager.platform.config.PagerConfig;
import io.sentinelpager.schemas.ContactMethodType;
import io.sentinelpager.testkit.providers.RecordingHttpServer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The webhook channel against a real HTTP receiver that checks the signature the way a receiver is told to, reached
 * by the name of its URL in notify's secret settings, as a contact method names it.
 */
class WebhookChannelIT {

    static final String SECRET = "webhook-secret-for-tests";
    static final String TOKEN = "hook-token-7f3a9c";

    RecordingHttpServer receiver;

    @BeforeEach
    void start() throws Exception {
        receiver = new RecordingHttpServer(request -> {
            // The receiver's side, written from the documented scheme, not with the channel's code.
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            String expected = "v1=" + HexFormat.of().formatHex(mac.doFinal(
                    (request.header("X-Pager-Timestamp") + "." + request.body()).getBytes(StandardCharsets.UTF_8)));
            String actual = request.header("X-Pager-Signature");
            boolean fresh = Math.abs(Long.parseLong(request.header("X-Pager-Timestamp"))
                    - TestMessages.CLOCK.instant().getEpochSecond()) <= 300;
            boolean valid = actual != null && MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8),
                    actual.getBytes(StandardCharsets.UTF_8));
            return valid && fresh ? RecordingHttpServer.Response.json(200, "{\"ok\":true}")
                    : RecordingHttpServer.Response.json(401, "{\"error\":\"bad signature\"}");
        });
    }

    @AfterEach
    void stop() {
        receiver.close();
    }

    WebhookChannel channel(String secret) {
        return new WebhookChannel(WebhookChannel.Config.from(PagerConfig.empty().with(Map.of(
                "notify.webhook.signing.secret", secret,
                "notify.webhook.secret.url.soc-hook", hookUrl(),
                "notify.webhook.timeout", "2s"))).orElseThrow(), TestMessages.CLOCK);
    }

    /** A URL with a token in it, the way Slack's, Zapier's or a SOAR's incoming webhooks look. */
    String hookUrl() {
        return receiver.url().resolve("hooks/pager/" + TOKEN).toString();
    }

    @Test
    void postsTheSignedPageAsJson() throws Exception {
        channel(SECRET).send(TestMessages.page(ContactMethodType.WEBHOOK, "soc-hook"));

        RecordingHttpServer.Request request = receiver.requests().get(0);
        assertThat(request.method()).isEqualTo("POST");
        assertThat(request.path()).as("the URL set for the name").isEqualTo("/hooks/pager/" + TOKEN);
        assertThat(request.header("Content-Type")).isEqualTo("application/json");
        assertThat(request.header("X-Pager-Delivery-Id")).isEqualTo("c1:a-42/round-0/step-0/lead/webhook");
        JsonNode body = new ObjectMapper().readTree(request.body());
        assertThat(body.get("alertKey").asText()).isEqualTo("c1:a-42");
        assertThat(body.get("severity").asText()).isEqualTo("HIGH");
        assertThat(body.get("facts").get("Also paged").asText()).isEqualTo("analyst");
        assertThat(body.get("actions").get(0).get("label").asText()).isEqualTo("Acknowledge");
        assertThat(body.get("actions").get(0).get("method").asText()).isEqualTo("POST");
        assertThat(request.body()).doesNotContain(SECRET).doesNotContain(TOKEN);
    }

    @Test
    void aReceiverThatRejectsTheSignatureIsAPermanentFailure() {
        assertThatThrownBy(() -> channel("not-the-shared-secret").send(
                TestMessages.page(ContactMethodType.WEBHOOK, "soc-hook")))
                .isInstanceOfSatisfying(DeliveryFailure.class, f -> {
                    assertThat(f.kind()).isEqualTo(DeliveryFailure.Kind.PERMANENT);
                    assertThat(f.getMessage()).isEqualTo("webhook answered 401: {\"error\":\"bad signature\"}")
                            .doesNotContain("hooks/pager", TOKEN);
                });
    }

    @Test
    void serverErrorsAndThrottlingAreRetriableWithTheirRetryAfter() {
        receiver.failNext(new RecordingHttpServer.Response(503, "text/plain", "down", Map.of("Retry-After", "7")),
                new RecordingHttpServer.Response(429, "text/plain", "", Map.of("Retry-After", "30")));
        WebhookChannel channel = channel(SECRET);
        Message page = TestMessages.page(ContactMethodType.WEBHOOK, "soc-hook");

        assertThatThrownBy(() -> channel.send(page)).isInstanceOfSatisfying(DeliveryFailure.class, f -> {
            assertThat(f.kind()).isEqualTo(DeliveryFailure.Kind.TRANSIENT);
            assertThat(f.retryAfter()).contains(Duration.ofSeconds(7));
        });
        assertThatThrownBy(() -> channel.send(page)).isInstanceOfSatisfying(DeliveryFailure.class, f -> {
            assertThat(f.kind()).isEqualTo(DeliveryFailure.Kind.RATE_LIMITED);
            assertThat(f.retryAfter()).contains(Duration.ofSeconds(30));
        });
    }

    @Test
    void anUnreachableReceiverIsTransient() {
        WebhookChannel channel = channel(SECRET);
        receiver.close();

        assertThatThrownBy(() -> channel.send(TestMessages.page(ContactMethodType.WEBHOOK, "soc-hook")))
                .isInstanceOfSatisfying(DeliveryFailure.class, f -> {
                    assertThat(f.kind()).isEqualTo(DeliveryFailure.Kind.TRANSIENT);
                    assertThat(f.getMessage()).doesNotContain(TOKEN, "127.0.0.1");
                });
    }

    @Test
    void aNameWithoutAUrlIsPermanentAndSaysWhichSettingToSet() {
        assertThatThrownBy(() -> channel(SECRET).send(TestMessages.page(ContactMethodType.WEBHOOK, "Other-Hook")))
                .isInstanceOfSatisfying(DeliveryFailure.class, f -> {
                    assertThat(f.kind()).isEqualTo(DeliveryFailure.Kind.PERMANENT);
                    assertThat(f.getMessage()).isEqualTo("no webhook URL is configured under the name 'Other-Hook':"
                            + " set notify.webhook.secret.url.other-hook");
                });
        assertThat(receiver.requests()).isEmpty();
    }

    @Test
    void aUrlLeftAsAnAddressIsNeitherCalledNorRepeated() {
        // What config.users may still hold from before addresses were names.
        String literal = hookUrl();

        assertThatThrownBy(() -> channel(SECRET).send(TestMessages.page(ContactMethodType.WEBHOOK, literal)))
                .isInstanceOfSatisfying(DeliveryFailure.class, f -> {
                    assertThat(f.kind()).isEqualTo(DeliveryFailure.Kind.PERMANENT);
                    assertThat(f.getMessage()).isEqualTo("the address of this contact method is not a name; give it"
                            + " one and set notify.webhook.secret.url.<name> to the webhook URL");
                });
        assertThat(receiver.requests()).isEmpty();
    }

    @Test
    void namedUrlsAreCheckedAtStartUpAndNeverShown() {
        PagerConfig signed = PagerConfig.empty().with("notify.webhook.signing.secret", SECRET);

        assertThat(WebhookChannel.Config.from(signed.with("notify.webhook.secret.url.SOC", hookUrl())))
                .hasValueSatisfying(c -> assertThat(c.urls().names()).containsExactly("soc"));
        assertThat(signed.with("notify.webhook.secret.url.soc", hookUrl()).describe())
                .containsEntry("notify.webhook.secret.url.soc", "****")
                .containsEntry("notify.webhook.signing.secret", "****");
        assertThatThrownBy(() -> WebhookChannel.Config.from(signed.with("notify.webhook.secret.url.soc",
                "ftp://files.example/" + TOKEN)))
                .isInstanceOf(ConfigException.class)
                .hasMessage("setting notify.webhook.secret.url.soc is ****, expected an http(s) URL");
        assertThatThrownBy(() -> WebhookChannel.Config.from(PagerConfig.empty().with(
                "notify.webhook.secret.url.soc", hookUrl())))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("notify.webhook.signing.secret").hasMessageContaining("[soc]")
                .hasMessageNotContaining(TOKEN);
        assertThat(WebhookChannel.Config.from(PagerConfig.empty())).isEmpty();
        assertThat(channel(SECRET).describe()).as("what start-up logs").isEqualTo("webhook [soc-hook]");
        assertThat(WebhookChannel.Config.from(PagerConfig.load(Optional.empty(), Map.of(
                "PAGER_NOTIFY_WEBHOOK_SIGNING_SECRET", SECRET, "PAGER_NOTIFY_WEBHOOK_SECRET_URL_SOC_HOOK", hookUrl()))))
                .as("set from the environment").hasValueSatisfying(c -> assertThat(c.urls().names())
                        .containsExactly("soc.hook"));
    }
}
