package io.sentinelpager.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.sentinelpager.app.ApplyCommand;
import io.sentinelpager.escalate.EscalateApp;
import io.sentinelpager.platform.config.PagerConfig;
import io.sentinelpager.platform.local.LocalCluster;
import io.sentinelpager.platform.service.ServiceContext;
import io.sentinelpager.platform.service.ServiceRunner;
import io.sentinelpager.schemas.AlertLifecycle;
import io.sentinelpager.schemas.AlertSource;
import io.sentinelpager.schemas.DeliveryOutcome;
import io.sentinelpager.schemas.DeliveryReceipt;
import io.sentinelpager.schemas.NotificationRequest;
import io.sentinelpager.schemas.SecurityAlert;
import io.sentinelpager.schemas.TimelineEvent;
import io.sentinelpager.schemas.Topics;
import io.sentinelpager.testkit.Alerts;
import io.sentinelpager.testkit.MutableClock;
import io.sentinelpager.testkit.process.ChildJvm;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 12's crash: kill -9 of notify right after it wrote a page's inbox line, before it could record that it did.
 * After a restart the person has that page once, one line, and the page's escalation waits the step's 5 minutes as
 * planned, instead of paging the next step at once as it did when the restart reported the outcome unknown and its
 * fallback failed.
 *
 * The same with the kill right before the line, after the mark: the restart writes the line, once.
 *
 * <p>notify runs as a real process ({@link NotifyStoppedInSend}: the real inbox channel, with the process stopped
 * right after the line is on disk, or right before it is written, so the kill lands there every time, not by timing
 * luck). escalate runs in this JVM with a clock the test moves, so "not before 5 minutes" is checked on its clock,
 * not by waiting. Each test has a cluster of its own: the shared pipeline's notify and escalate would take part of
 * these records, and one test's processes would replay the other's.
 */
class InboxCrashIT {

    LocalCluster cluster;

    @TempDir
    Path dir;

    @BeforeEach
    void startCluster() {
        cluster = LocalCluster.start();
    }

    @AfterEach
    void stopCluster() {
        cluster.close();
    }

    @Test
    void killedRightAfterTheInboxLineTheRestartPagesOnceAndTheStepWaitsItsFiveMinutes() throws Exception {
        killInTheInboxSendAndRestart("after-line", 1, "found in the inbox after a restart");
    }

    @Test
    void killedRightBeforeTheInboxLineTheRestartWritesItOnceAndTheStepWaitsItsFiveMinutes() throws Exception {
        killInTheInboxSendAndRestart("before-line", 0, "not in the inbox after a restart that cut its send short");
    }

    /**
     * Pages the analyst by inbox, kills notify at the stop point with kill -9 (a mark on notify.sends, no outcome
     * recorded), restarts it, and follows the page to the next step.
     */
    private void killInTheInboxSendAndRestart(String stopAt, int linesAtKill, String receiptDetail) throws Exception {
        MutableClock clock = new MutableClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));
        Instant t0 = clock.instant();
        PagerConfig settings = PagerConfig.empty().with(cluster.settings());
        ServiceContext context = ServiceContext.of(settings, new SimpleMeterRegistry(), Clock.systemUTC());
        Path inbox = dir.resolve("inbox");
        Path signal = dir.resolve("stopped-" + stopAt);
        String alertKey = "crash:inbox-1";

        try (ServiceRunner escalate = ServiceRunner.start(settings.with(Map.of(
                "state.dir", dir.resolve("escalate-state").toString(), "health.port", "0")),
                Map.of(EscalateApp.NAME, EscalateApp::create), clock);
             Outputs outputs = new Outputs(context)) {
            Process notify = startNotify(inbox, "first", List.of(stopAt, signal.toString()));
            try {
                assertThat(ApplyCommand.apply(context, writeConfig(), false,
                        new PrintStream(OutputStream.nullOutputStream()), System.err)).isTrue();
                produceRoutedAlert(context, alertKey, t0);

                Process first = notify;
                await("notify stopped in the inbox send, " + stopAt).atMost(Duration.ofSeconds(90))
                        .pollInterval(Duration.ofMillis(20)).until(() -> Files.exists(signal) || !first.isAlive());
                assertThat(first.isAlive()).as("notify is stopped in the send, not dead").isTrue();
                ChildJvm.kill(notify);

                NotificationRequest page = outputs.await(() -> outputs.requests.stream().findFirst());
                String id = page.getNotificationId();
                assertThat(page.getUserId()).isEqualTo("analyst");
                assertThat(Files.readString(signal)).isEqualTo(id);
                assertThat(linesFor(inbox, "analyst", id)).as("lines written before the kill").isEqualTo(linesAtKill);
                outputs.poll();
                assertThat(outputs.receipts).as("no outcome was recorded before the kill: the window under test")
                        .isEmpty();

                // The restart: a new process with an empty state directory, as after losing the host's disk state.
                notify = startNotify(inbox, "second", List.of());

                DeliveryReceipt receipt = outputs.await(() -> outputs.receipts.stream()
                        .filter(r -> r.getNotificationId().equals(id)).findFirst());
                assertThat(receipt.getOutcome()).isEqualTo(DeliveryOutcome.SENT);
                assertThat(receipt.getDetail()).startsWith(receiptDetail);
                AlertLifecycle state = outputs.await(() -> outputs.state(alertKey)
                        .filter(s -> "sent".equals(s.getStepDeliveries().get(id))));
                assertThat(state.getNextEscalationAt()).as("the step's wait runs as planned")
                        .isEqualTo(t0.plus(Duration.ofMinutes(5)));
                assertThat(state.getTimeline()).extracting(TimelineEvent::getType).doesNotContain("escalating-now");
                assertThat(outputs.requests).as("nobody else paged while escalate's clock stands at the first page")
                        .extracting(NotificationRequest::getUserId).containsExactly("analyst");

                clock.advance(Duration.ofMinutes(5));
                NotificationRequest next = outputs.await(() -> outputs.requests.stream()
                        .filter(r -> r.getEscalationStep() == 1).findFirst());
                assertThat(next.getUserId()).isEqualTo("lead");
                assertThat(next.getRequestedAt()).as("the next step, on escalate's clock")
                        .isAfterOrEqualTo(t0.plus(Duration.ofMinutes(5)));
                outputs.await(() -> outputs.receipts.stream()
                        .filter(r -> r.getNotificationId().equals(next.getNotificationId())).findFirst());
                assertThat(linesFor(inbox, "lead", next.getNotificationId())).as("the lead's page").isEqualTo(1);

                outputs.poll();
                assertThat(outputs.requests).as("one page to the analyst, then one to the lead")
                        .extracting(NotificationRequest::getUserId).containsExactly("analyst", "lead");
                assertThat(outputs.receipts).as("one receipt per page, none unknown")
                        .extracting(DeliveryReceipt::getNotificationId)
                        .containsExactlyInAnyOrder(id, next.getNotificationId());
                assertThat(Files.readAllLines(inbox.resolve("analyst.log"))).as("the analyst's inbox").hasSize(1);
            } finally {
                notify.destroyForcibly();
            }
        }
    }

    private static long linesFor(Path inbox, String user, String id) throws Exception {
        Path file = inbox.resolve(user + ".log");
        return Files.exists(file) ? Files.readAllLines(file).stream().filter(l -> l.endsWith("(id " + id + ")")).count()
                : 0;
    }

    /** Both lanes of notifications, notifications.receipts and alert.state as committed, read from the start. */
    private static final class Outputs implements AutoCloseable {
        final KafkaConsumer<String, SpecificRecord> consumer;
        final List<NotificationRequest> requests = new ArrayList<>();
        final List<DeliveryReceipt> receipts = new ArrayList<>();
        final Map<String, AlertLifecycle> states = new HashMap<>();

        Outputs(ServiceContext context) {
            consumer = new KafkaConsumer<>(context.consumerConfig("inbox-crash-it-" + UUID.randomUUID()),
                    context.serdes().key().deserializer(), context.serdes().anyValue().deserializer());
            consumer.subscribe(List.of(Topics.NOTIFICATIONS_OUT.name(), Topics.NOTIFICATIONS_URGENT.name(),
                    Topics.NOTIFICATIONS_RECEIPTS.name(), Topics.ALERT_STATE.name()));
        }

        void poll() {
            consumer.poll(Duration.ofMillis(200)).forEach(r -> {
                if (r.value() instanceof NotificationRequest n) {
                    requests.add(n);
                } else if (r.value() instanceof DeliveryReceipt d) {
                    receipts.add(d);
                } else if (r.value() instanceof AlertLifecycle s) {
                    states.put(r.key(), s);
                }
            });
        }

        Optional<AlertLifecycle> state(String key) {
            return Optional.ofNullable(states.get(key));
        }

        /** Polls until what is looked for is there. */
        <T> T await(Supplier<Optional<T>> what) {
            return Awaitility.await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(1))
                    .until(() -> {
                        poll();
                        return what.get();
                    }, Optional::isPresent).orElseThrow();
        }

        @Override
        public void close() {
            consumer.close();
        }
    }

    private Process startNotify(Path inbox, String name, List<String> stopAt) throws Exception {
        Map<String, String> settings = new LinkedHashMap<>(cluster.settings());
        settings.put("state.dir", dir.resolve("notify-state-" + name).toString());
        settings.put("health.port", "0");
        // Static membership: the restarted process takes over the dead one's partitions at once.
        settings.put("kafka.group.instance.id", "notify-inbox-crash-it");
        settings.put("notify.inbox.dir", inbox.toString());
        ChildJvm jvm = new ChildJvm(dir);
        Path file = jvm.settings("notify-" + name, settings);
        if (stopAt.isEmpty()) {
            return jvm.main("notify-" + name, ChildJvm.HEAP, "io.sentinelpager.app.PagerCommand", "notify", "--config",
                    file.toString());
        }
        List<String> args = new ArrayList<>(List.of(file.toString()));
        args.addAll(stopAt);
        return jvm.main("notify-" + name, ChildJvm.HEAP, NotifyStoppedInSend.class.getName(),
                args.toArray(String[]::new));
    }

    private Path writeConfig() throws Exception {
        Path config = Files.createDirectories(dir.resolve("config"));
        Files.writeString(config.resolve("oncall.yaml"), """
                users:
                  - {id: analyst, name: Alex Analyst, contactMethods: [{type: inbox, address: analyst}]}
                  - {id: lead, name: Lee Lead, contactMethods: [{type: inbox, address: lead}]}
                teams:
                  - {id: soc, name: SOC, members: [analyst, lead], escalation: two-steps}
                escalations:
                  - id: two-steps
                    name: Analyst, then the lead 5 minutes later
                    steps:
                      - {notify: [{user: analyst}], waitMinutes: 5}
                      - {notify: [{user: lead}], waitMinutes: 5}
                """);
        return config;
    }

    private static void produceRoutedAlert(ServiceContext context, String key, Instant now) throws Exception {
        Map<String, Object> config = new HashMap<>(context.kafkaClientConfig());
        config.putAll(context.serdes().clientConfig());
        config.put("acks", "all");
        try (KafkaProducer<String, SpecificRecord> producer = new KafkaProducer<>(config, new StringSerializer(),
                context.serdes().anyValue().serializer())) {
            SecurityAlert alert = Alerts.alert(key, now).setSource(AlertSource.PAGER).build();
            producer.send(new ProducerRecord<>(Topics.ALERTS_ROUTED.name(), key,
                    Alerts.routed(alert, "soc", "two-steps").build())).get();
        }
    }
}
