package io.sentinelpager.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sentinelpager.platform.config.Secret;
import io.sentinelpager.schemas.ContactMethodType;
import io.sentinelpager.testkit.GuessedReplyCodes;
import io.sentinelpager.testkit.providers.RecordingHttpServer;
import io.sentinelpager.testkit.providers.TwilioEmulator;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The SMS channel against the Twilio emulator: what a phone receives, and how Twilio's refusals are classified. */
class TwilioSmsChannelIT {

    static final String SID = "AC00000000000000000000000000000001";
    static final String TOKEN = "twilio-token-for-tests";

    TwilioEmulator twilio;

    @BeforeEach
    void start() throws Exception {
        twilio = new TwilioEmulator(SID, TOKEN, Set.of("+15550666"));
    }

    @AfterEach
    void stop() {
        twilio.close();
    }

    TwilioSmsChannel channel(String token) {
        return new TwilioSmsChannel(new TwilioSmsChannel.Config(twilio.url(), SID, Secret.of(token), "+15550100",
                Duration.ofSeconds(2)), TestMessages.CLOCK);
    }

    @Test
    void thePhoneGetsOneShortSmsWithTheReplyCode() throws Exception {
        channel(TOKEN).send(TestMessages.page(ContactMethodType.SMS, "+1 (555) 000-1234"));

        String code = TestMessages.LINKS.replyCodes().of("c1:a-42", "lead");
        assertThat(twilio.messagesTo("+15550001234")).singleElement().satisfies(sms -> {
            assertThat(sms.from()).isEqualTo("+15550100");
            assertThat(sms.body()).startsWith("HIGH: Impossible travel for jdoe@contoso.example")
                    .endsWith("Reply ack " + code).hasSizeLessThanOrEqualTo(160);
        });
        assertThat(code).as("the code is the lead's, keyed by links.key: not one anybody can work out from the alert"
                        + " key, nor the code another person got for the same alert")
                .isNotEqualTo(GuessedReplyCodes.fromAlertKey("c1:a-42"))
                .isNotEqualTo(TestMessages.LINKS.replyCodes().of("c1:a-42", "analyst"));
        assertThat(twilio.http().requests().get(0).header("Content-Type"))
                .isEqualTo("application/x-www-form-urlencoded");
    }

    @Test
    void aWrongAuthTokenIsPermanentAndNeverShown() {
        assertThatThrownBy(() -> channel("wrong-token").send(TestMessages.page(ContactMethodType.SMS, "+15550001234")))
                .isInstanceOfSatisfying(DeliveryFailure.class, f -> {
                    assertThat(f.kind()).isEqualTo(DeliveryFailure.Kind.PERMANENT);
                    assertThat(f.getMessage()).startsWith("Twilio answered 401").doesNotContain("wrong-token");
                });
    }

    @Test
    void anUnsubscribedNumberIsPermanentWithTwiliosReason() {
        assertThatThrownBy(() -> channel(TOKEN).send(TestMessages.page(ContactMethodType.SMS, "+15550666")))
                .isInstanceOfSatisfying(DeliveryFailure.class, f -> {
                    assertThat(f.kind()).isEqualTo(DeliveryFailure.Kind.PERMANENT);
                    assertThat(f.getMessage()).contains("21610", "unsubscribed recipient");
                });
    }

    @Test
    void notAPhoneNumberIsRefusedBeforeCallingTwilio() {
        assertThatThrownBy(() -> channel(TOKEN).send(TestMessages.page(ContactMethodType.SMS, "lead@contoso.example")))
                .isInstanceOfSatisfying(DeliveryFailure.class,
                        f -> assertThat(f.kind()).isEqualTo(DeliveryFailure.Kind.PERMANENT));
        assertThat(twilio.http().requests()).isEmpty();
    }

    @Test
    void twilioOutagesAndThrottlingAreRetriable() {
        twilio.http().failNext(RecordingHttpServer.Response.json(503, "{\"code\":20500,\"status\":503}"),
                new RecordingHttpServer.Response(429, "application/json", "{\"code\":20429,\"status\":429}",
                        Map.of("Retry-After", "2")));
        TwilioSmsChannel channel = channel(TOKEN);
        Message page = TestMessages.page(ContactMethodType.SMS, "+15550001234");

        assertThatThrownBy(() -> channel.send(page)).isInstanceOfSatisfying(DeliveryFailure.class,
                f -> assertThat(f.kind()).isEqualTo(DeliveryFailure.Kind.TRANSIENT));
        assertThatThrownBy(() -> channel.send(page)).isInstanceOfSatisfying(DeliveryFailure.class, f -> {
            assertThat(f.kind()).isEqualTo(DeliveryFailure.Kind.RATE_LIMITED);
            assertThat(f.retryAfter()).contains(Duration.ofSeconds(2));
        });
        assertThat(twilio.messagesTo("+15550001234")).isEmpty();
    }
}
