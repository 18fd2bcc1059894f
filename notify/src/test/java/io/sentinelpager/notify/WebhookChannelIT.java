package io.sentinelpager.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sentinelpager.platform.config.Secret;
import io.sentinelpager.schemas.ContactMethodType;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The webhook channel against a real HTTP receiver that checks the signature the way a receiver is told to. */
class WebhookChannelIT {

    static final String SECRET = "webhook-secret-for-tests";

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
        return new WebhookChannel(new WebhookChannel.Config(Secret.of(secret), Duration.ofSeconds(2)), TestMessages.CLOCK);
    }

    String hookUrl() {
        return receiver.url().resolve("hooks/pager").toString();
    }

    @Test
    void postsTheSignedPageAsJson() throws Exception {
        channel(SECRET).send(TestMessages.page(ContactMethodType.WEBHOOK, hookUrl()));

        RecordingHttpServer.Request request = receiver.requests().get(0);
        assertThat(request.method()).isEqualTo("POST");
        assertThat(request.path()).isEqualTo("/hooks/pager");
        assertThat(request.header("Content-Type")).isEqualTo("application/json");
        assertThat(request.header("X-Pager-Delivery-Id")).isEqualTo("c1:a-42/round-0/step-0/lead/webhook");
        JsonNode body = new ObjectMapper().readTree(request.body());
        assertThat(body.get("alertKey").asText()).isEqualTo("c1:a-42");
        assertThat(body.get("severity").asText()).isEqualTo("HIGH");
        assertThat(body.get("facts").get("Also paged").asText()).isEqualTo("analyst");
        assertThat(body.get("actions").get(0).get("label").asText()).isEqualTo("Acknowledge");
        assertThat(body.get("actions").get(0).get("method").asText()).isEqualTo("POST");
        assertThat(request.body()).doesNotContain(SECRET);
    }

    @Test
    void aReceiverThatRejectsTheSignatureIsAPermanentFailure() {
        assertThatThrownBy(() -> channel("not-the-shared-secret").send(
                TestMessages.page(ContactMethodType.WEBHOOK, hookUrl())))
                .isInstanceOfSatisfying(DeliveryFailure.class, f -> {
                    assertThat(f.kind()).isEqualTo(DeliveryFailure.Kind.PERMANENT);
                    assertThat(f.getMessage()).isEqualTo("webhook answered 401: {\"error\":\"bad signature\"}")
                            .doesNotContain("hooks/pager");
                });
    }

    @Test
    void serverErrorsAndThrottlingAreRetriableWithTheirRetryAfter() {
        receiver.failNext(new RecordingHttpServer.Response(503, "text/plain", "down", Map.of("Retry-After", "7")),
                new RecordingHttpServer.Response(429, "text/plain", "", Map.of("Retry-After", "30")));
        WebhookChannel channel = channel(SECRET);
        Message page = TestMessages.page(ContactMethodType.WEBHOOK, hookUrl());

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
    void anUnreachableReceiverIsTransientAndABadAddressPermanent() throws Exception {
        String closed = hookUrl();
        receiver.close();

        assertThatThrownBy(() -> channel(SECRET).send(TestMessages.page(ContactMethodType.WEBHOOK, closed)))
                .isInstanceOfSatisfying(DeliveryFailure.class,
                        f -> assertThat(f.kind()).isEqualTo(DeliveryFailure.Kind.TRANSIENT));
        assertThatThrownBy(() -> channel(SECRET).send(TestMessages.page(ContactMethodType.WEBHOOK, "ftp://x/y")))
                .isInstanceOfSatisfying(DeliveryFailure.class,
                        f -> assertThat(f.kind()).isEqualTo(DeliveryFailure.Kind.PERMANENT));
    }
}
