package io.sentinelpager.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.sentinelpager.platform.config.PagerConfig;
import io.sentinelpager.platform.kafka.TopicProvisioner;
import io.sentinelpager.platform.local.LocalCluster;
import io.sentinelpager.platform.service.ServiceContext;
import io.sentinelpager.schemas.ContactMethod;
import io.sentinelpager.schemas.ContactMethodType;
import io.sentinelpager.schemas.DeliveryOutcome;
import io.sentinelpager.schemas.DeliveryReceipt;
import io.sentinelpager.schemas.NotificationRequest;
import io.sentinelpager.schemas.Severity;
import io.sentinelpager.schemas.Topics;
import io.sentinelpager.schemas.Urgency;
import io.sentinelpager.schemas.UserConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 of notify in the middle of a burst of 500 pages, then a restart with an empty state directory: no phone
 * gets the same SMS twice, every webhook page arrives, sent a second time only with the same delivery id (which the
 * receiver deduplicates) and only where the receipt says so, and every request has exactly one receipt.
 *
 * <p>The pages go to real servers speaking the real protocols: the Twilio emulator and an HTTP receiver of the
 * signed webhook. The first process commits only once a second, so the kill lands with many sends that the providers
 * accepted but whose completion was never committed: the window the send log exists for.
 */
class NotifyCrashIT {

    static final int USERS = 5;
    static final int ALERTS = 250;
    static final String SID = "AC00000000000000000000000000000003";
    static final Pattern ALERT_IN_SMS = Pattern.compile("Crash alert (\\d{4})");

    static LocalCluster cluster;

    @TempDir
    Path dir;

    @BeforeAll
    static void startCluster() {
        cluster = LocalCluster.start();
    }

    @AfterAll
    static void stopCluster() {
        cluster.close();
    }

    @Test
    void killingNotifyMidBurstAndRestartingSendsNothingTwice() throws Exception {
        ServiceContext context = ServiceContext.of(PagerConfig.empty().with(cluster.settings()),
                new SimpleMeterRegistry(), Clock.systemUTC());
        try (Admin admin = Admin.create(context.kafkaClientConfig())) {
            new TopicProvisioner(admin, (short) 1).ensure(Topics.ALL);
        }
        try (TwilioEmulator twilio = new TwilioEmulator(SID, "twilio-token", Set.of());
             RecordingHttpServer hooks = new RecordingHttpServer(request -> RecordingHttpServer.Response.json(200, "{}"))) {
            List<NotificationRequest> requests = burst();
            produce(context, users(), requests);

            Process notify = startNotify(twilio, hooks, dir.resolve("state-1"), "first");
            try {
                Process first = notify;
                await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(2))
                        .until(() -> received(twilio, hooks) >= 150 || !first.isAlive());
                notify.destroyForcibly(); // SIGKILL: no shutdown hook, no commit, no close
                assertThat(notify.waitFor(30, TimeUnit.SECONDS)).isTrue();
                int beforeKill = received(twilio, hooks);
                assertThat(beforeKill).as("deliveries when notify was killed").isBetween(150, 2 * ALERTS - 1);

                // A new, empty state directory: completed ids and queue are restored from the changelogs, the sends
                // started from notify.sends.
                notify = startNotify(twilio, hooks, dir.resolve("state-2"), "second");
                Map<String, List<DeliveryReceipt>> receipts = readReceipts(context, requests);

                Map<String, Long> smsPerAlert = twilio.http().requests().stream()
                        .map(r -> TwilioEmulator.form(r.body()).get("Body")).map(ALERT_IN_SMS::matcher)
                        .filter(Matcher::find).collect(Collectors.groupingBy(m -> m.group(1), Collectors.counting()));
                Map<String, Long> hooksPerDelivery = hooks.requests().stream()
                        .collect(Collectors.groupingBy(r -> r.header(WebhookChannel.DELIVERY_ID_HEADER),
                                Collectors.counting()));

                int smsUnknown = 0;
                int smsUnknownArrived = 0;
                int hooksResent = 0;
                for (NotificationRequest request : requests) {
                    String id = request.getNotificationId();
                    List<DeliveryReceipt> mine = receipts.getOrDefault(id, List.of());
                    assertThat(mine).as("final receipts of %s", id).hasSize(1);
                    DeliveryReceipt last = mine.get(0);
                    String alert = request.getAlertKey().substring("crash:".length());
                    if (request.getContactMethod() == ContactMethodType.SMS) {
                        long sms = smsPerAlert.getOrDefault(alert, 0L);
                        assertThat(sms).as("SMS of alert %s on the phone", alert).isLessThanOrEqualTo(1);
                        boolean unknown = receipts.containsKey(id + "/unknown/sms");
                        if (unknown) {
                            smsUnknown++;
                            smsUnknownArrived += (int) sms;
                            assertThat(last.getContactMethod()).as("the page fell back to the webhook")
                                    .isEqualTo(ContactMethodType.WEBHOOK);
                        } else {
                            assertThat(sms).as("SMS of alert %s, reported %s", alert, last).isEqualTo(1);
                            assertThat(last.getContactMethod()).isEqualTo(ContactMethodType.SMS);
                        }
                        assertThat(last.getOutcome()).isEqualTo(DeliveryOutcome.SENT);
                    } else {
                        long calls = hooksPerDelivery.getOrDefault(id, 0L);
                        // Sent again for this request, or for the page's SMS request falling back to the webhook.
                        boolean resent = receipts.entrySet().stream()
                                .filter(e -> e.getKey().startsWith(request.getAlertKey() + "/"))
                                .flatMap(e -> e.getValue().stream())
                                .anyMatch(r -> r.getDetail() != null && r.getDetail().contains("sent again after"));
                        assertThat(calls).as("webhook calls with delivery id %s (%s)", id, last)
                                .isEqualTo(resent ? 2 : 1);
                        hooksResent += resent ? 1 : 0;
                        assertThat(last.getOutcome()).isEqualTo(DeliveryOutcome.SENT);
                    }
                }
                assertThat(smsPerAlert.keySet()).as("SMS about alerts never requested").hasSizeLessThanOrEqualTo(ALERTS);
                assertThat(hooksPerDelivery.keySet()).as("webhook delivery ids")
                        .hasSize(ALERTS);
                System.out.printf("NotifyCrashIT: %d of %d pages at the providers when notify was killed; after the"
                                + " restart: SMS sent twice 0, SMS of unknown outcome %d (of which %d had reached the"
                                + " phone; all fell back to the webhook), webhook calls sent again with the same"
                                + " delivery id %d%n", beforeKill, requests.size(), smsUnknown, smsUnknownArrived,
                        hooksResent);
                // The kill must have landed inside the window under test, or the run proved nothing.
                assertThat(smsUnknown + hooksResent).as("sends started but not committed at the kill").isPositive();
            } finally {
                notify.destroyForcibly();
            }
        }
    }

    /** Per alert, one request by SMS and one by webhook, as escalate sends a step to a person with both methods. */
    private static List<NotificationRequest> burst() {
        List<NotificationRequest> out = new ArrayList<>();
        Instant now = Instant.now();
        for (int i = 0; i < ALERTS; i++) {
            String user = "user" + (i % USERS);
            String alertKey = "crash:" + String.format("%04d", i);
            for (ContactMethod method : methods(i % USERS)) {
                out.add(NotificationRequest.newBuilder()
                        .setNotificationId(alertKey + "/round-0/step-0/" + user + "/"
                                + method.getType().name().toLowerCase())
                        .setAlertKey(alertKey).setUserId(user).setContactMethod(method.getType())
                        .setAddress(method.getAddress()).setSeverity(Severity.HIGH).setUrgency(Urgency.HIGH)
                        .setTitle("Crash alert " + String.format("%04d", i)).setBody("unused").setRequestedAt(now)
                        .build());
            }
        }
        return out;
    }

    /** A webhook's address is its name; {@link #startNotify} sets the URL of each. */
    private static List<ContactMethod> methods(int user) {
        return List.of(
                ContactMethod.newBuilder().setType(ContactMethodType.SMS).setAddress("+1555010000" + user).build(),
                ContactMethod.newBuilder().setType(ContactMethodType.WEBHOOK).setAddress("hook-user" + user).build());
    }

    private static List<UserConfig> users() {
        List<UserConfig> out = new ArrayList<>();
        for (int u = 0; u < USERS; u++) {
            out.add(UserConfig.newBuilder().setId("user" + u).setName("User " + u)
                    .setContactMethods(methods(u)).build());
        }
        return out;
    }

    private static int received(TwilioEmulator twilio, RecordingHttpServer hooks) {
        return twilio.http().requests().size() + hooks.requests().size();
    }

    private static void produce(ServiceContext context, List<UserConfig> users, List<NotificationRequest> requests)
            throws Exception {
        Map<String, Object> config = new HashMap<>(context.kafkaClientConfig());
        config.putAll(context.serdes().clientConfig());
        config.put("acks", "all");
        try (KafkaProducer<String, SpecificRecord> producer = new KafkaProducer<>(config, new StringSerializer(),
                context.serdes().anyValue().serializer())) {
            for (UserConfig user : users) {
                producer.send(new ProducerRecord<>(Topics.CONFIG_USERS.name(), user.getId(), user)).get();
            }
            for (NotificationRequest request : requests) {
                producer.send(new ProducerRecord<>(Topics.NOTIFICATIONS_OUT.name(), request.getUserId(), request));
            }
            producer.flush();
        }
    }

    /** The committed receipts, by notification id, until every request has its final one. */
    private static Map<String, List<DeliveryReceipt>> readReceipts(ServiceContext context,
                                                                   List<NotificationRequest> requests) {
        Set<String> ids = requests.stream().map(NotificationRequest::getNotificationId).collect(Collectors.toSet());
        Map<String, List<DeliveryReceipt>> receipts = new HashMap<>();
        try (KafkaConsumer<String, SpecificRecord> consumer = new KafkaConsumer<>(
                context.consumerConfig("crash-it-" + UUID.randomUUID()), context.serdes().key().deserializer(),
                context.serdes().anyValue().deserializer())) {
            consumer.subscribe(List.of(Topics.NOTIFICATIONS_RECEIPTS.name()));
            BooleanSupplier allIn = () -> receipts.keySet().containsAll(ids);
            poll(consumer, receipts, allIn, Duration.ofSeconds(120));
            assertThat(ids).as("requests with a receipt").allMatch(receipts::containsKey);
            // Give a repeated send, and its second receipt, the chance to show up.
            poll(consumer, receipts, () -> false, Duration.ofSeconds(5));
        }
        return receipts;
    }

    private static void poll(KafkaConsumer<String, SpecificRecord> consumer, Map<String, List<DeliveryReceipt>> into,
                             BooleanSupplier done, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!done.getAsBoolean() && System.nanoTime() < deadline) {
            for (ConsumerRecord<String, SpecificRecord> r : consumer.poll(Duration.ofMillis(200))) {
                DeliveryReceipt receipt = (DeliveryReceipt) r.value();
                into.computeIfAbsent(receipt.getNotificationId(), k -> new ArrayList<>()).add(receipt);
            }
        }
    }

    private Process startNotify(TwilioEmulator twilio, RecordingHttpServer hooks, Path stateDir, String name)
            throws Exception {
        Path settings = dir.resolve("notify-" + name + ".properties");
        List<String> hookUrls = new ArrayList<>();
        for (int u = 0; u < USERS; u++) {
            hookUrls.add("notify.webhook.secret.url.hook-user" + u + "=" + hooks.url().resolve("hook/user" + u));
        }
        Files.writeString(settings, String.join("\n",
                "kafka.bootstrap.servers=" + cluster.bootstrapServers(),
                "registry.url=" + cluster.registryUrl(),
                "topics.replication.factor=1",
                "state.dir=" + stateDir,
                "health.port=0",
                // Static membership: the restarted process takes over the dead one's partitions at once.
                "kafka.group.instance.id=notify-crash-it",
                // A transaction a second long: at the kill, many sends have reached the providers uncommitted.
                "kafka.commit.interval.ms=1000",
                "notify.inbox.dir=" + dir.resolve("inbox"),
                "notify.sms.min.interval=0s",
                "notify.twilio.url=" + twilio.url(),
                "notify.twilio.account.sid=" + SID,
                "twilio.auth.token=twilio-token",
                "notify.twilio.from=+15550100",
                "notify.webhook.signing.secret=webhook-secret",
                String.join("\n", hookUrls)) + "\n");
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new ProcessBuilder(java, "-Xmx384m", "-cp", classpath, NotifyProcess.class.getName(), settings.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("notify-" + name + ".log").toFile()).start();
    }
}
