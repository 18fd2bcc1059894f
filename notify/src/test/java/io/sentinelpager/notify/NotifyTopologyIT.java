package io.sentinelpager.notify;

import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetupTest;
import io.sentinelpager.platform.kafka.TopicProvisioner;
import io.sentinelpager.platform.local.LocalCluster;
import io.sentinelpager.schemas.ContactMethod;
import io.sentinelpager.schemas.ContactMethodType;
import io.sentinelpager.schemas.DeliveryOutcome;
import io.sentinelpager.schemas.DeliveryReceipt;
import io.sentinelpager.schemas.NotificationRequest;
import io.sentinelpager.schemas.Severity;
import io.sentinelpager.schemas.Topics;
import io.sentinelpager.schemas.Urgency;
import io.sentinelpager.schemas.UserConfig;
import io.sentinelpager.testkit.LocalClusterExtension;
import io.sentinelpager.testkit.TopologyHarness;
import io.sentinelpager.testkit.providers.RecordingHttpServer;
import io.sentinelpager.testkit.providers.TwilioEmulator;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The notify topology as NotifyApp wires it from settings, with the real registry serdes (the queue store included),
 * the users global table, the Twilio emulator, GreenMail and a webhook receiver: a burst of pages to one phone, a
 * number Twilio refuses falling back to e-mail, and a webhook reached by its name while its URL stays out of every
 * topic. Wall-clock time and the injected clock advance together, by hand.
 */
@ExtendWith(LocalClusterExtension.class)
class NotifyTopologyIT {

    static final Instant T0 = Instant.parse("2026-11-29T03:00:00Z");
    static final String SID = "AC00000000000000000000000000000002";
    static final String HOOK_TOKEN = "hook-token-5d1e8b";

    @RegisterExtension
    static final GreenMailExtension SMTP = new GreenMailExtension(ServerSetupTest.SMTP.dynamicPort())
            .withPerMethodLifecycle(true);

    @TempDir
    Path stateDir;
    TwilioEmulator twilio;
    RecordingHttpServer hooks;
    TopologyHarness harness;
    KafkaSendLog sendLog;
    TestInputTopic<String, NotificationRequest> requests;
    TestOutputTopic<String, DeliveryReceipt> receipts;

    @BeforeEach
    void start(LocalCluster cluster) throws Exception {
        twilio = new TwilioEmulator(SID, "twilio-token", Set.of("+15550666"));
        hooks = new RecordingHttpServer(request -> RecordingHttpServer.Response.json(200, "{}"));
        Map<String, String> settings = new TreeMap<>(Map.of(
                "notify.webhook.signing.secret", "webhook-signing-secret",
                "notify.webhook.secret.url.soc-hook", hookUrl()));
        settings.putAll(Map.of(
                "notify.inbox.dir", stateDir.resolve("inbox").toString(),
                "notify.twilio.url", twilio.url().toString(),
                "notify.twilio.account.sid", SID,
                "twilio.auth.token", "twilio-token",
                "notify.twilio.from", "+15550100",
                "notify.email.smtp.host", "127.0.0.1",
                "notify.email.smtp.port", String.valueOf(SMTP.getSmtp().getPort()),
                "notify.email.smtp.starttls", "false"));
        harness = TopologyHarness.start("notify-test", cluster, stateDir, T0, settings, context -> {
            NotifyConfig config = NotifyConfig.from(context.config());
            // The send log is the real one, on the real broker: its marks are what a restart would read back.
            try (Admin admin = Admin.create(context.kafkaClientConfig())) {
                new TopicProvisioner(admin, (short) 1).ensure(List.of(Topics.NOTIFY_SENDS));
            }
            sendLog = new KafkaSendLog(context);
            return NotifyTopology.build(context.serdes(), NotifyApp.channels(context, config), sendLog, config,
                    context.clock(), context.metrics());
        });
        requests = harness.input(Topics.NOTIFICATIONS_OUT);
        receipts = harness.output(Topics.NOTIFICATIONS_RECEIPTS);
        TestInputTopic<String, UserConfig> users = harness.input(Topics.CONFIG_USERS);
        users.pipeInput("ben", UserConfig.newBuilder().setId("ben").setName("Ben").setContactMethods(List.of(
                method(ContactMethodType.SMS, "+15550666"), method(ContactMethodType.EMAIL, "ben@contoso.example")))
                .build(), T0);
        users.pipeInput("cy", UserConfig.newBuilder().setId("cy").setName("Cy").setContactMethods(List.of(
                method(ContactMethodType.WEBHOOK, "soc-hook"), method(ContactMethodType.WEBHOOK, "old-hook"),
                method(ContactMethodType.EMAIL, "cy@contoso.example"))).build(), T0);
    }

    /** A URL with a token in it, as incoming webhooks have; the contact method knows it only as soc-hook. */
    String hookUrl() {
        return hooks.url().resolve("hooks/" + HOOK_TOKEN).toString();
    }

    @AfterEach
    void stop() {
        harness.close();
        sendLog.close();
        twilio.close();
        hooks.close();
    }

    @Test
    void aBurstOfLowUrgencyPagesToOnePhoneIsOneSmsNowAndOneDigestAMinuteLater() {
        for (int i = 1; i <= 4; i++) {
            requests.pipeInput("lead", low(request("c1:a" + i, "lead", ContactMethodType.SMS, "+15550001")), T0);
        }
        assertThat(twilio.messagesTo("+15550001")).hasSize(1);

        harness.advance(Duration.ofSeconds(59));
        assertThat(twilio.messagesTo("+15550001")).hasSize(1);
        harness.advance(Duration.ofSeconds(2));

        assertThat(twilio.messagesTo("+15550001")).hasSize(2);
        assertThat(twilio.messagesTo("+15550001").get(1).body()).startsWith("3 new alerts, worst HIGH:")
                .hasSizeLessThanOrEqualTo(160);
        assertThat(receipts.readValuesToList()).hasSize(4)
                .allSatisfy(r -> assertThat(r.getOutcome()).isEqualTo(DeliveryOutcome.SENT));

        // The same requests again, as after a crash before the consumer offsets were committed: nothing is resent.
        for (int i = 1; i <= 4; i++) {
            requests.pipeInput("lead", low(request("c1:a" + i, "lead", ContactMethodType.SMS, "+15550001")), T0);
        }
        harness.advance(Duration.ofMinutes(2));
        assertThat(twilio.messagesTo("+15550001")).hasSize(2);
        assertThat(receipts.isEmpty()).isTrue();
    }

    @Test
    void aNumberTwilioRefusesFallsBackToTheUsersEmail() throws Exception {
        requests.pipeInput("ben", request("c1:a9", "ben", ContactMethodType.SMS, "+15550666"), T0);

        assertThat(SMTP.getReceivedMessages()).singleElement()
                .satisfies(m -> assertThat(m.getAllRecipients()[0].toString()).isEqualTo("ben@contoso.example"));
        List<DeliveryReceipt> out = receipts.readValuesToList();
        assertThat(out).extracting(DeliveryReceipt::getOutcome)
                .containsExactly(DeliveryOutcome.FAILED, DeliveryOutcome.SENT);
        assertThat(out.get(0).getDetail()).contains("21610").endsWith("falling back to email")
                .doesNotContain("twilio-token");
        assertThat(out.get(1).getNotificationId()).isEqualTo("c1:a9/round-0/step-0/ben/sms");
        assertThat(out.get(1).getContactMethod()).isEqualTo(ContactMethodType.EMAIL);
    }

    @Test
    void aWebhookIsReachedByItsNameAndItsUrlIsInNoTopic() {
        // The receiver is down at first, so the page waits in the changelogged queue, address and all.
        hooks.failNext(RecordingHttpServer.Response.json(503, "{}"));
        requests.pipeInput("cy", request("c1:a7", "cy", ContactMethodType.WEBHOOK, "soc-hook"), T0);
        harness.advance(DeliveryProcessor.SEND_ACCEPTED);
        assertThat(hooks.requests()).hasSize(1);
        harness.advance(Duration.ofSeconds(10));

        assertThat(hooks.requests()).hasSize(2).allSatisfy(r -> assertThat(r.path()).isEqualTo("/hooks/" + HOOK_TOKEN));
        Map<String, String> written = everythingWritten();
        assertThat(written.keySet()).as("topics notify wrote").contains(Topics.NOTIFICATIONS_RECEIPTS.name())
                .anyMatch(topic -> topic.contains(NotifyTopology.QUEUE_STORE));
        assertThat(written).as("what notify wrote: the name, never the URL")
                .hasEntrySatisfying(Topics.NOTIFICATIONS_RECEIPTS.name(), text -> assertThat(text).contains("c1:a7"))
                .allSatisfy((topic, text) -> assertThat(text).as(topic).doesNotContain(HOOK_TOKEN, "/hooks/"));
        assertThat(written.entrySet()).filteredOn(e -> e.getKey().contains(NotifyTopology.QUEUE_STORE))
                .singleElement().satisfies(e -> assertThat(e.getValue()).contains("soc-hook"));
    }

    @Test
    void aWebhookNameWithoutAUrlFallsBackSayingWhichSettingToSet() throws Exception {
        requests.pipeInput("cy", request("c1:a8", "cy", ContactMethodType.WEBHOOK, "old-hook"), T0);
        harness.advance(DeliveryProcessor.SEND_ACCEPTED);

        assertThat(hooks.requests()).isEmpty();
        assertThat(SMTP.getReceivedMessages()).singleElement()
                .satisfies(m -> assertThat(m.getAllRecipients()[0].toString()).isEqualTo("cy@contoso.example"));
        List<DeliveryReceipt> out = receipts.readValuesToList();
        assertThat(out).extracting(DeliveryReceipt::getOutcome)
                .containsExactly(DeliveryOutcome.FAILED, DeliveryOutcome.SENT);
        assertThat(out.get(0).getDetail()).isEqualTo("webhook failed: no webhook URL is configured under the name"
                + " 'old-hook': set notify.webhook.secret.url.old-hook; falling back to email");
        assertThat(out.get(1).getContactMethod()).isEqualTo(ContactMethodType.EMAIL);
    }

    /**
     * Every record the topology wrote (receipts, and the changelogs of its stores), as text by topic. The send log's
     * notify.sends is left out: its records have no address field at all.
     */
    Map<String, String> everythingWritten() {
        Map<String, String> out = new TreeMap<>();
        for (String topic : harness.driver().producedTopicNames()) {
            StringBuilder text = new StringBuilder();
            harness.driver().createOutputTopic(topic, new ByteArrayDeserializer(), new ByteArrayDeserializer())
                    .readRecordsToList().forEach(r -> {
                        // Avro writes strings as their UTF-8 bytes, so a URL in any field shows up as text.
                        text.append(r.key() == null ? "" : new String(r.key(), StandardCharsets.UTF_8)).append(' ');
                        text.append(r.value() == null ? "" : new String(r.value(), StandardCharsets.UTF_8)).append('\n');
                        r.headers().forEach(h -> text.append(new String(h.value(), StandardCharsets.UTF_8)));
                    });
            out.put(topic, text.toString());
        }
        return out;
    }

    static ContactMethod method(ContactMethodType type, String address) {
        return ContactMethod.newBuilder().setType(type).setAddress(address).build();
    }

    /** A rate limit holds and digests low-urgency pages only. */
    static NotificationRequest low(NotificationRequest request) {
        return NotificationRequest.newBuilder(request).setUrgency(Urgency.LOW).build();
    }

    static NotificationRequest request(String alertKey, String user, ContactMethodType method, String address) {
        return NotificationRequest.newBuilder()
                .setNotificationId(alertKey + "/round-0/step-0/" + user + "/" + method.name().toLowerCase())
                .setAlertKey(alertKey).setUserId(user).setContactMethod(method).setAddress(address)
                .setSeverity(Severity.HIGH).setUrgency(Urgency.HIGH).setTitle("Suspicious sign-in " + alertKey)
                .setBody("unused").setRequestedAt(T0).build();
    }
}
