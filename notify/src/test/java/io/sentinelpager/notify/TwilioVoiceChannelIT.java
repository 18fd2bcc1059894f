package io.sentinelpager.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sentinelpager.platform.config.Secret;
import io.sentinelpager.platform.security.ActionLinks;
import io.sentinelpager.schemas.ActionType;
import io.sentinelpager.schemas.ContactMethodType;
import io.sentinelpager.schemas.NotificationRequest;
import io.sentinelpager.schemas.Severity;
import io.sentinelpager.schemas.Urgency;
import io.sentinelpager.testkit.providers.RecordingHttpServer;
import io.sentinelpager.testkit.providers.TwilioEmulator;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The voice channel against the Twilio emulator, which parses the call's TwiML as Twilio would: what the phone says,
 * and that the keypress goes to the responder with a token the responder accepts for exactly this acknowledgement.
 */
class TwilioVoiceChannelIT {

    static final String SID = "AC00000000000000000000000000000004";
    static final String TOKEN = "twilio-token-for-voice-tests";

    TwilioEmulator twilio;

    @BeforeEach
    void start() throws Exception {
        twilio = new TwilioEmulator(SID, TOKEN, Set.of());
    }

    @AfterEach
    void stop() {
        twilio.close();
    }

    TwilioVoiceChannel channel(String token) {
        return new TwilioVoiceChannel(new TwilioSmsChannel.Config(twilio.url(), SID, Secret.of(token), "+15550100",
                Duration.ofSeconds(2)), TestMessages.CLOCK);
    }

    @Test
    void theCallSaysTheAlertAndPressing1GoesToTheRespondersVoiceWebhook() throws Exception {
        channel(TOKEN).send(TestMessages.page(ContactMethodType.VOICE, "+1 (555) 000-1234"));

        TwilioEmulator.Call call = twilio.callsTo("+15550001234").get(0);
        assertThat(twilio.callsTo("+15550001234")).hasSize(1);
        assertThat(call.from()).isEqualTo("+15550100");
        assertThat(call.said().get(0)).startsWith("Sentinel Pager. HIGH: Impossible travel for jdoe@contoso.example.")
                .contains("sign-ins from Berlin and Lagos").endsWith("Press 1 to acknowledge.");
        URI action = URI.create(call.gatherAction().orElseThrow());
        assertThat(action.getScheme() + "://" + action.getAuthority() + action.getPath())
                .isEqualTo("https://pager.example/webhooks/twilio/voice");
        String token = URLDecoder.decode(action.getRawQuery().substring("token=".length()), StandardCharsets.UTF_8);
        // What the responder will do with it: the token acknowledges this alert for this user, once.
        ActionLinks.Claims claims = TestMessages.LINKS.check(token);
        assertThat(claims.action()).isEqualTo(ActionType.ACKNOWLEDGE);
        assertThat(claims.alertKey()).isEqualTo("c1:a-42");
        assertThat(claims.userId()).isEqualTo("lead");
        assertThat(twilio.http().requests().get(0).body()).doesNotContain(TOKEN);
    }

    @Test
    void withoutALinkKeyTheCallOnlySaysTheAlert() throws Exception {
        NotificationRequest request = NotificationRequest.newBuilder()
                .setNotificationId("c1:a-7/round-0/step-0/lead/voice").setAlertKey("c1:a-7").setUserId("lead")
                .setContactMethod(ContactMethodType.VOICE).setAddress("+15550001234").setSeverity(Severity.MEDIUM)
                .setUrgency(Urgency.HIGH).setTitle("Mass download <by> \"svc\" & co").setAlsoPaged(List.of())
                .setBody("unused").setRequestedAt(TestMessages.T0).build();
        Message page = new Messages("https://pager.example", Optional.empty(), Duration.ofHours(1))
                .page(request, request.getNotificationId(), "+15550001234");

        channel(TOKEN).send(page);

        TwilioEmulator.Call call = twilio.callsTo("+15550001234").get(0);
        assertThat(call.gatherAction()).isEmpty();
        assertThat(call.said()).singleElement().asString()
                .startsWith("Sentinel Pager. MEDIUM: Mass download <by> \"svc\" & co.")
                .as("reply codes are keyed by links.key too").doesNotContain("Reply code");
    }

    @Test
    void aWrongAuthTokenIsPermanentAndNeverShown() {
        assertThatThrownBy(() -> channel("wrong-token").send(TestMessages.page(ContactMethodType.VOICE, "+15550001234")))
                .isInstanceOfSatisfying(DeliveryFailure.class, f -> {
                    assertThat(f.kind()).isEqualTo(DeliveryFailure.Kind.PERMANENT);
                    assertThat(f.getMessage()).startsWith("Twilio answered 401").doesNotContain("wrong-token");
                });
    }

    @Test
    void notAPhoneNumberIsRefusedBeforeCallingTwilio() {
        assertThatThrownBy(() -> channel(TOKEN).send(TestMessages.page(ContactMethodType.VOICE, "lead@contoso.example")))
                .isInstanceOfSatisfying(DeliveryFailure.class,
                        f -> assertThat(f.kind()).isEqualTo(DeliveryFailure.Kind.PERMANENT));
        assertThat(twilio.http().requests()).isEmpty();
    }

    @Test
    void twilioOutagesAreRetriable() {
        twilio.http().failNext(RecordingHttpServer.Response.json(503, "{\"code\":20500,\"status\":503}"));
        assertThatThrownBy(() -> channel(TOKEN).send(TestMessages.page(ContactMethodType.VOICE, "+15550001234")))
                .isInstanceOfSatisfying(DeliveryFailure.class,
                        f -> assertThat(f.kind()).isEqualTo(DeliveryFailure.Kind.TRANSIENT));
        assertThat(twilio.callsTo("+15550001234")).isEmpty();
    }

    @Test
    void theEmulatorRefusesTwimlTwilioCouldNotRun() {
        assertThatThrownBy(() -> TwilioEmulator.twiml("<Response><Gather action=\"/relative\"><Say>x</Say></Gather>"
                + "</Response>")).hasMessageContaining("absolute");
        assertThatThrownBy(() -> TwilioEmulator.twiml("<Response><Gather action=\"https://x.example/\"><Dial>1</Dial>"
                + "</Gather></Response>")).hasMessageContaining("cannot nest <Dial>");
        assertThatThrownBy(() -> TwilioEmulator.twiml("<Response><Speak>x</Speak></Response>"))
                .hasMessageContaining("unknown verb");
        assertThatThrownBy(() -> TwilioEmulator.twiml("<Response><Say>a & b</Say></Response>"))
                .hasMessageContaining("not well-formed");
    }
}
