package io.sentinelpager.notify;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.sentinelpager.platform.config.PagerConfig;
import io.sentinelpager.platform.config.Secret;
import io.sentinelpager.platform.kafka.TopicProvisioner;
import io.sentinelpager.platform.local.LocalCluster;
import io.sentinelpager.platform.security.PushSubscriptionSeal;
import io.sentinelpager.platform.security.VapidKeys;
import io.sentinelpager.platform.service.ServiceContext;
import io.sentinelpager.platform.service.StreamsService;
import io.sentinelpager.schemas.ContactMethod;
import io.sentinelpager.schemas.ContactMethodType;
import io.sentinelpager.schemas.DeliveryOutcome;
import io.sentinelpager.schemas.DeliveryReceipt;
import io.sentinelpager.schemas.NotificationRequest;
import io.sentinelpager.schemas.PushSubscription;
import io.sentinelpager.schemas.Severity;
import io.sentinelpager.schemas.Topics;
import io.sentinelpager.schemas.Urgency;
import io.sentinelpager.schemas.UserConfig;
import io.sentinelpager.testkit.LocalClusterExtension;
import io.sentinelpager.testkit.MutableClock;
import io.sentinelpager.testkit.providers.PushServiceEmulator;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * A page to a phone through the notify topology as NotifyApp wires it from settings (VAPID keys, subject, link key),
 * with subscriptions from the push.subscriptions global table and the push-service emulator, which checks VAPID and
 * decrypts each message with the subscription's private key as the phone's browser would. A subscription the push
 * service says is gone (410) gets its tombstone on the real broker, and the page falls back to the user's inbox.
 * Subscriptions arrive as the responder writes them, sealed under links.key, as the very bytes the test checks hold
 * no endpoint or key; one sealed under another links.key is skipped with a warning that names no secret.
 *
 * <p>The emulator listens on loopback, so the settings name its host in push.hosts and its origin in
 * push.unsafe.local.origin, the one exemption from the address rule, which tests alone set.
 */
@ExtendWith(LocalClusterExtension.class)
class WebPushChannelIT {

    static final Instant T0 = Instant.parse("2026-11-29T03:00:00Z");

    @TempDir
    Path stateDir;
    MutableClock clock;
    VapidKeys vapid;
    PushServiceEmulator pushService;
    ServiceContext context;
    Map<ContactMethodType, Channel> channels;
    TopologyTestDriver driver;
    KafkaSendLog sendLog;
    TestInputTopic<String, NotificationRequest> requests;
    TestInputTopic<String, byte[]> subscriptions;
    /** What the responder seals with, from the same links.key as notify's settings below. */
    final PushSubscriptionSeal seal = new PushSubscriptionSeal(Secret.of("link-key-for-tests-with-32-characters-or-more"));
    final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    TestInputTopic<String, UserConfig> users;
    TestOutputTopic<String, DeliveryReceipt> receipts;
    String user;

    @BeforeEach
    void start(LocalCluster cluster) throws Exception {
        clock = new MutableClock(T0);
        vapid = VapidKeys.generate();
        pushService = new PushServiceEmulator(clock, WebPushEncryption::decrypt);
        user = "responder-" + UUID.randomUUID();
        PagerConfig settings = PagerConfig.empty().with(cluster.settings()).with(Map.of(
                "state.dir", stateDir.toString(),
                "notify.inbox.dir", stateDir.resolve("inbox").toString(),
                "notify.responder.url", "https://pager.example",
                "links.key", "link-key-for-tests-with-32-characters-or-more",
                VapidKeys.PUBLIC_KEY.name(), vapid.publicKeyBase64(),
                VapidKeys.PRIVATE_KEY.name(), vapid.privateKeyBase64().reveal(),
                WebPushChannel.Config.SUBJECT.name(), "mailto:soc@contoso.example",
                "push.hosts", "127.0.0.1",
                "push.unsafe.local.origin", pushService.origin()));
        context = ServiceContext.of(settings, new SimpleMeterRegistry(), clock);
        try (Admin admin = Admin.create(context.kafkaClientConfig())) {
            new TopicProvisioner(admin, (short) 1).ensure(List.of(Topics.PUSH_SUBSCRIPTIONS, Topics.NOTIFY_SENDS));
        }
        NotifyConfig config = NotifyConfig.from(settings);
        channels = NotifyApp.channels(context, config);
        assertThat(channels).containsKey(ContactMethodType.PUSH);
        sendLog = new KafkaSendLog(context);
        driver = new TopologyTestDriver(NotifyTopology.build(context.serdes(), channels, sendLog, config, clock,
                context.metrics()),
                StreamsService.properties("notify-webpush-test", context), T0);
        requests = driver.createInputTopic(Topics.NOTIFICATIONS_OUT.name(), context.serdes().key().serializer(),
                context.serdes().value(NotificationRequest.class).serializer());
        subscriptions = driver.createInputTopic(Topics.PUSH_SUBSCRIPTIONS.name(), context.serdes().key().serializer(),
                new ByteArraySerializer());
        users = driver.createInputTopic(Topics.CONFIG_USERS.name(), context.serdes().key().serializer(),
                context.serdes().value(UserConfig.class).serializer());
        receipts = driver.createOutputTopic(Topics.NOTIFICATIONS_RECEIPTS.name(), context.serdes().key().deserializer(),
                context.serdes().value(DeliveryReceipt.class).deserializer());
        users.pipeInput(user, UserConfig.newBuilder().setId(user).setName("Pat").setContactMethods(List.of(
                method(ContactMethodType.PUSH, "phone"), method(ContactMethodType.INBOX, user))).build(), T0);
        logs.start();
        webPushLogger().addAppender(logs);
    }

    @AfterEach
    void stop() throws Exception {
        webPushLogger().detachAppender(logs);
        driver.close();
        sendLog.close();
        // NotifyApp hands the channels' tombstone producer to the StreamsService, which the driver does not have.
        for (Channel channel : channels.values()) {
            if (channel instanceof AutoCloseable closeable) {
                closeable.close();
            }
        }
        pushService.close();
    }

    @Test
    void aPageReachesEveryPhoneEncryptedAndSignedWithAOneClickAcknowledge() throws Exception {
        PushServiceEmulator.Browser phone = subscribe(vapid.publicKeyBase64());
        PushServiceEmulator.Browser tablet = subscribe(vapid.publicKeyBase64());

        requests.pipeInput(user, request(user, "c1:a-7", Urgency.HIGH), T0);

        assertThat(pushService.refusals()).isEmpty();
        assertThat(pushService.received()).extracting(PushServiceEmulator.Received::subscription)
                .containsExactlyInAnyOrder(phone.id(), tablet.id());
        assertThat(pushService.received()).allSatisfy(r -> {
            assertThat(r.payload().path("title").asText()).isEqualTo("HIGH: Impossible travel c1:a-7");
            assertThat(r.payload().path("body").asText()).contains("Facts: sign-ins from Berlin and Lagos")
                    .doesNotContain("/act/");
            assertThat(r.payload().path("alertKey").asText()).isEqualTo("c1:a-7");
            assertThat(r.payload().path("ackUrl").asText()).startsWith("https://pager.example/act/");
            assertThat(r.ttl()).isEqualTo(1800);
            assertThat(r.urgency()).isEqualTo("high");
        });
        assertThat(receipts.readValuesToList()).singleElement().satisfies(receipt -> {
            assertThat(receipt.getOutcome()).isEqualTo(DeliveryOutcome.SENT);
            assertThat(receipt.getContactMethod()).isEqualTo(ContactMethodType.PUSH);
        });
    }

    @Test
    void aLowUrgencyPageDoesNotAskToWakeThePhone() {
        subscribe(vapid.publicKeyBase64());
        requests.pipeInput(user, request(user, "c1:a-8", Urgency.LOW), T0);
        assertThat(pushService.received()).singleElement()
                .satisfies(r -> assertThat(r.urgency()).isEqualTo("normal"));
    }

    @Test
    void aGoneSubscriptionIsRemovedAndThePageFallsBackToTheNextContactMethod() throws Exception {
        PushServiceEmulator.Browser phone = subscribe(vapid.publicKeyBase64());
        pushService.unsubscribe(phone);

        requests.pipeInput(user, request(user, "c1:a-9", Urgency.HIGH), T0);

        List<DeliveryReceipt> out = receipts.readValuesToList();
        assertThat(out).extracting(DeliveryReceipt::getOutcome).containsExactly(DeliveryOutcome.FAILED,
                DeliveryOutcome.SENT);
        assertThat(out.get(0).getDetail()).contains("gone (404/410)").endsWith("falling back to inbox")
                .doesNotContain(phone.endpoint(), phone.auth(), phone.p256dh());
        assertThat(out.get(1).getContactMethod()).isEqualTo(ContactMethodType.INBOX);
        assertThat(Files.readString(stateDir.resolve("inbox").resolve(user + ".log"))).contains("c1:a-9");
        assertThat(tombstones()).as("the tombstone on the broker's push.subscriptions")
                .containsExactly(PushSubscriptionSeal.key(user, PushSubscriptionSeal.id(phone.endpoint())));
    }

    @Test
    void aSubscriptionSealedUnderAnotherLinksKeyIsSkippedWithAWarningAndTheOtherPhoneGetsThePage() throws Exception {
        PushSubscriptionSeal before = new PushSubscriptionSeal(Secret.of("the-links-key-before-it-changed"));
        PushServiceEmulator.Browser old = subscribe(vapid.publicKeyBase64(), before);
        PushServiceEmulator.Browser phone = subscribe(vapid.publicKeyBase64());

        requests.pipeInput(user, request(user, "c1:a-11", Urgency.HIGH), T0);

        assertThat(pushService.received()).extracting(PushServiceEmulator.Received::subscription)
                .containsExactly(phone.id());
        assertThat(receipts.readValuesToList()).extracting(DeliveryReceipt::getOutcome)
                .containsExactly(DeliveryOutcome.SENT);
        String key = PushSubscriptionSeal.key(user, PushSubscriptionSeal.id(old.endpoint()));
        assertThat(warnings()).singleElement().asString().contains(user, key, "sealed under another links.key");
        assertThat(leaked(String.join("\n", warnings()), old)).as("secrets in the warning").isEmpty();
        assertThat(tombstones()).as("a subscription that does not open is kept: the key may be wrong, not the phone")
                .isEmpty();
    }

    @Test
    void whenNoSubscriptionOpensThePageFallsBackToTheNextContactMethod() throws Exception {
        PushServiceEmulator.Browser old = subscribe(vapid.publicKeyBase64(),
                new PushSubscriptionSeal(Secret.of("the-links-key-before-it-changed")));

        requests.pipeInput(user, request(user, "c1:a-12", Urgency.HIGH), T0);

        assertThat(pushService.received()).isEmpty();
        List<DeliveryReceipt> out = receipts.readValuesToList();
        assertThat(out).extracting(DeliveryReceipt::getOutcome).containsExactly(DeliveryOutcome.FAILED,
                DeliveryOutcome.SENT);
        assertThat(out.get(0).getDetail()).contains("cannot be opened with the current links.key",
                "turn on pages in the app again").endsWith("falling back to inbox");
        assertThat(leaked(out.get(0).getDetail(), old)).as("secrets in the receipt").isEmpty();
        assertThat(out.get(1).getContactMethod()).isEqualTo(ContactMethodType.INBOX);
        assertThat(Files.readString(stateDir.resolve("inbox").resolve(user + ".log"))).contains("c1:a-12");
    }

    @Test
    void aPushServiceRefusingOurVapidKeyIsAFailureNotASilentDrop() {
        // Subscribed under another server's key, as after the VAPID keys were changed without re-subscribing.
        subscribe(VapidKeys.generate().publicKeyBase64());

        requests.pipeInput(user, request(user, "c1:a-10", Urgency.HIGH), T0);

        assertThat(pushService.refusals()).containsExactly(
                "403 k is not the applicationServerKey the subscription was made with");
        assertThat(receipts.readValuesToList()).extracting(DeliveryReceipt::getContactMethod)
                .containsExactly(ContactMethodType.PUSH, ContactMethodType.INBOX);
    }

    @Test
    void whatAPushServiceAnswersNeverReachesTheReceipt() {
        PushServiceEmulator.Browser phone = subscribe(vapid.publicKeyBase64());
        // What an internal server might say, had an endpoint pointed at one.
        pushService.answerWith(phone, 400, "{\"error\":\"db-admin password=hunter2 at 10.20.30.40\"}");

        requests.pipeInput(user, request(user, "c1:a-13", Urgency.HIGH), T0);

        List<DeliveryReceipt> out = receipts.readValuesToList();
        assertThat(out).extracting(DeliveryReceipt::getContactMethod)
                .containsExactly(ContactMethodType.PUSH, ContactMethodType.INBOX);
        assertThat(out.get(0).getDetail()).contains("push service answered 400: the request was malformed")
                .doesNotContain("hunter2", "db-admin", "10.20.30.40", "error");
    }

    @Test
    void anEndpointOnALoopbackAddressIsNeverCalledAndThePageFallsBack() throws Exception {
        // The same host as the allowed emulator, on another port: what a subscription written before the responder
        // checked endpoints, or through another door, could point at.
        try (PushServiceEmulator internal = new PushServiceEmulator(clock, WebPushEncryption::decrypt)) {
            PushServiceEmulator.Browser inside = internal.subscribe(vapid.publicKeyBase64());
            subscribe(inside, seal, T0);

            requests.pipeInput(user, request(user, "c1:a-14", Urgency.HIGH), T0);

            assertThat(internal.received()).as("requests that reached the internal server").isEmpty();
            assertThat(internal.refusals()).isEmpty();
            List<DeliveryReceipt> out = receipts.readValuesToList();
            assertThat(out).extracting(DeliveryReceipt::getOutcome).containsExactly(DeliveryOutcome.FAILED,
                    DeliveryOutcome.SENT);
            // Only the emulator's exact origin is exempt: this one on another port meets the https rule first, which
            // a server on loopback port 443 would pass to be refused by the address rule (PushEndpointsTest).
            assertThat(out.get(0).getDetail()).contains("push subscription refused",
                    "must be the https URL of a push service").endsWith("falling back to inbox");
            assertThat(leaked(out.get(0).getDetail(), inside)).as("secrets in the receipt").isEmpty();
            assertThat(out.get(1).getContactMethod()).isEqualTo(ContactMethodType.INBOX);
        }
    }

    @Test
    void aPageGoesToTheNewestTenSubscriptionsOnly() {
        List<PushServiceEmulator.Browser> phones = new ArrayList<>();
        for (int i = 0; i < 11; i++) {
            phones.add(subscribe(pushService.subscribe(vapid.publicKeyBase64()), seal, T0.plusSeconds(i)));
        }

        requests.pipeInput(user, request(user, "c1:a-15", Urgency.HIGH), T0);

        assertThat(pushService.received()).extracting(PushServiceEmulator.Received::subscription)
                .hasSize(10).doesNotContain(phones.get(0).id());
        assertThat(receipts.readValuesToList()).extracting(DeliveryReceipt::getOutcome)
                .containsExactly(DeliveryOutcome.SENT);
    }

    private PushServiceEmulator.Browser subscribe(String applicationServerKey) {
        return subscribe(applicationServerKey, seal);
    }

    private PushServiceEmulator.Browser subscribe(String applicationServerKey, PushSubscriptionSeal sealedWith) {
        return subscribe(pushService.subscribe(applicationServerKey), sealedWith, T0);
    }

    /** A phone subscribes: its record, sealed as the responder seals it, goes to the topic as bytes checked first. */
    private PushServiceEmulator.Browser subscribe(PushServiceEmulator.Browser browser, PushSubscriptionSeal sealedWith,
                                                  Instant at) {
        PushSubscription record = browser.subscription(sealedWith, user, at);
        byte[] bytes = context.serdes().value(PushSubscription.class).serializer()
                .serialize(Topics.PUSH_SUBSCRIPTIONS.name(), record);
        assertThat(leaked(new String(bytes, StandardCharsets.ISO_8859_1), browser))
                .as("secrets in the record's bytes on push.subscriptions").isEmpty();
        subscriptions.pipeInput(PushSubscriptionSeal.key(user, record.getId()), bytes, T0);
        return browser;
    }

    /** The names of the browser's secrets that appear in the text: names only, so a failure prints no secret. */
    static List<String> leaked(String text, PushServiceEmulator.Browser browser) {
        Map<String, String> secrets = Map.of("endpoint", browser.endpoint(), "endpoint token", browser.id(),
                "p256dh", browser.p256dh(), "auth", browser.auth());
        return secrets.entrySet().stream().filter(e -> text.contains(e.getValue())).map(Map.Entry::getKey).sorted()
                .toList();
    }

    private List<String> warnings() {
        return logs.list.stream().filter(e -> e.getLevel() == Level.WARN).map(ILoggingEvent::getFormattedMessage)
                .toList();
    }

    private static Logger webPushLogger() {
        return (Logger) LoggerFactory.getLogger(WebPushChannel.class);
    }

    private List<String> tombstones() {
        Map<String, Object> config = context.consumerConfig(null);
        List<String> keys = new ArrayList<>();
        try (KafkaConsumer<String, PushSubscription> consumer = new KafkaConsumer<>(config,
                context.serdes().key().deserializer(), context.serdes().value(PushSubscription.class).deserializer())) {
            TopicPartition partition = new TopicPartition(Topics.PUSH_SUBSCRIPTIONS.name(), 0);
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            long end = consumer.endOffsets(List.of(partition)).get(partition);
            while (consumer.position(partition) < end) {
                for (ConsumerRecord<String, PushSubscription> r : consumer.poll(Duration.ofMillis(500))) {
                    if (r.key().startsWith(user + "/") && r.value() == null) {
                        keys.add(r.key());
                    }
                }
            }
        }
        return keys;
    }

    static ContactMethod method(ContactMethodType type, String address) {
        return ContactMethod.newBuilder().setType(type).setAddress(address).build();
    }

    static NotificationRequest request(String user, String alertKey, Urgency urgency) {
        return NotificationRequest.newBuilder()
                .setNotificationId(alertKey + "/round-0/step-0/" + user + "/push")
                .setAlertKey(alertKey).setUserId(user).setContactMethod(ContactMethodType.PUSH)
                .setAddress("phone").setSeverity(Severity.HIGH).setUrgency(urgency)
                .setTitle("Impossible travel " + alertKey).setSummary("sign-ins from Berlin and Lagos 5 min apart")
                .setBody("unused").setRequestedAt(T0).build();
    }
}
