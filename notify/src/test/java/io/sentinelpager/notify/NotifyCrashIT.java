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
import io.sentinelpager.testkit.process.ChildJvm;
import io.sentinelpager.testkit.providers.RecordingHttpServer;
import io.sentinelpager.testkit.providers.TwilioEmulator;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
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
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 of notify in the middle of a burst of 500 pages, then a restart with an empty state directory: no phone
 * gets the same SMS twice, every webhook page arrives, and it arrives a second time (with the same delivery id, which
 * the receiver deduplicates) only where its send was in flight at the kill; every request has exactly one receipt.
 *
 * <p>The pages go to real servers speaking the real protocols: the Twilio emulator and an HTTP receiver of the
 * signed webhook. The first process commits only once a second, so the kill lands with many sends that the providers
 * accepted but whose completion was never committed: the window the send log exists for. Which sends were in flight
 * is judged from outside notify, at the kill: the webhook calls the receiver had, less those whose receipt was
 * already committed.
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
                ChildJvm.kill(notify);
                int beforeKill = received(twilio, hooks);
                assertThat(beforeKill).as("deliveries when notify was killed").isBetween(150, 2 * ALERTS - 1);
                // Let the receiver finish the calls whose bytes were sent before the kill, and the broker a commit
                // that was under way: then the webhook log and the committed receipts are as they stood at the kill.
                Thread.sleep(2000);
                Set<String> hookedAtKill = hooks.requests().stream()
                        .map(r -> r.header(WebhookChannel.DELIVERY_ID_HEADER)).collect(Collectors.toSet());
                Set<String> receiptedAtKill = committedReceipts(context).keySet();
                Set<String> inFlightAtKill = new HashSet<>(hookedAtKill);
                inFlightAtKill.removeAll(receiptedAtKill);

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
                        // A second call only for a send the receiver had and notify had not committed at the kill.
                        assertThat(calls).as("webhook calls with delivery id %s (%s); in flight at the kill: %s", id,
                                last, inFlightAtKill.contains(id))
                                .isBetween(1L, inFlightAtKill.contains(id) ? 2L : 1L);
                        hooksResent += calls > 1 ? 1 : 0;
                        assertThat(last.getOutcome()).isEqualTo(DeliveryOutcome.SENT);
                    }
                }
                Set<String> requested = requests.stream().map(r -> r.getAlertKey().substring("crash:".length()))
                        .collect(Collectors.toSet());
                assertThat(twilio.http().requests()).as("SMS bodies, each about one requested alert")
                        .allSatisfy(r -> assertThat(TwilioEmulator.form(r.body()).get("Body")).matches(
                                b -> ALERT_IN_SMS.matcher(b).find(), "names a crash alert"));
                assertThat(smsPerAlert.keySet()).as("SMS about alerts never requested").isSubsetOf(requested);
                assertThat(hooksPerDelivery.keySet()).as("webhook delivery ids")
                        .hasSize(ALERTS);
                System.out.printf("NotifyCrashIT: %d of %d pages at the providers when notify was killed, %d webhook"
                                + " sends in flight; after the restart: SMS sent twice 0, SMS of unknown outcome %d (of"
                                + " which %d had reached the phone; all fell back to the webhook), webhook calls sent"
                                + " again with the same delivery id %d%n", beforeKill, requests.size(),
                        inFlightAtKill.size(), smsUnknown, smsUnknownArrived, hooksResent);
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

    /**
     * The receipts committed so far, by notification id: read to the last stable offset, which a read-committed
     * consumer does not pass while the dead process's transaction is open.
     */
    private static Map<String, List<DeliveryReceipt>> committedReceipts(ServiceContext context) {
        Map<String, List<DeliveryReceipt>> receipts = new HashMap<>();
        try (KafkaConsumer<String, SpecificRecord> consumer = new KafkaConsumer<>(
                context.consumerConfig(null), context.serdes().key().deserializer(),
                context.serdes().anyValue().deserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(Topics.NOTIFICATIONS_RECEIPTS.name()).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> stable = consumer.endOffsets(partitions);
            poll(consumer, receipts, () -> partitions.stream().allMatch(p -> consumer.position(p) >= stable.get(p)),
                    Duration.ofSeconds(60));
            assertThat(partitions).as("receipts read to the last stable offset")
                    .allMatch(p -> consumer.position(p) >= stable.get(p));
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
        Map<String, String> settings = new LinkedHashMap<>(cluster.settings());
        settings.put("state.dir", stateDir.toString());
        settings.put("health.port", "0");
        // Static membership: the restarted process takes over the dead one's partitions at once.
        settings.put("kafka.group.instance.id", "notify-crash-it");
        // A transaction a second long: at the kill, many sends have reached the providers uncommitted.
        settings.put("kafka.commit.interval.ms", "1000");
        settings.put("notify.inbox.dir", dir.resolve("inbox").toString());
        settings.put("notify.sms.min.interval", "0s");
        settings.put("notify.twilio.url", twilio.url().toString());
        settings.put("notify.twilio.account.sid", SID);
        settings.put("twilio.auth.token", "twilio-token");
        settings.put("notify.twilio.from", "+15550100");
        settings.put("notify.webhook.signing.secret", "webhook-secret");
        for (int u = 0; u < USERS; u++) {
            settings.put("notify.webhook.secret.url.hook-user" + u, hooks.url().resolve("hook/user" + u).toString());
        }
        ChildJvm jvm = new ChildJvm(dir);
        return jvm.service("notify-" + name, NotifyApp.class, jvm.settings("notify-" + name, settings));
    }
}
