package io.sentinelpager.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.sentinelpager.app.ApplyCommand;
import io.sentinelpager.platform.config.PagerConfig;
import io.sentinelpager.platform.local.LocalCluster;
import io.sentinelpager.platform.service.ServiceContext;
import io.sentinelpager.schemas.AlertSource;
import io.sentinelpager.schemas.NotificationRequest;
import io.sentinelpager.schemas.SecurityAlert;
import io.sentinelpager.schemas.Topics;
import io.sentinelpager.testkit.Alerts;
import io.sentinelpager.testkit.process.ChildJvm;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
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
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 of the escalate process while 1,000 alerts wait for their next step: after a restart with empty local
 * state (everything restored from the changelogs) every step fires exactly once and on time. Time is the test's:
 * when its read-committed consumer sees each page, not the time escalate stamps on it.
 *
 * <p>This test has a cluster of its own: the shared one runs the whole pipeline, whose escalate would take part of
 * these alerts.
 */
class EscalateCrashIT {

    static final int ALERTS = 1000;
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
    void everyEscalationFiresOnceAndOnTimeAfterAKillDashNine() throws Exception {
        ServiceContext context = ServiceContext.of(PagerConfig.empty().with(cluster.settings()),
                new SimpleMeterRegistry(), Clock.systemUTC());
        Path config = writeConfig();
        PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
        Process escalate = startEscalate(dir.resolve("state-1"), "first");
        try {
            assertThat(ApplyCommand.apply(context, config, false, quiet, System.err)).isTrue();
            Map<String, Instant> produced = produceRoutedAlerts(context);

            Pages pages = new Pages();
            try (KafkaConsumer<String, SpecificRecord> consumer = new KafkaConsumer<>(
                    context.consumerConfig("crash-it-" + UUID.randomUUID()), context.serdes().key().deserializer(),
                    context.serdes().anyValue().deserializer())) {
                consumer.subscribe(List.of(Topics.NOTIFICATIONS_OUT.name(), Topics.NOTIFICATIONS_URGENT.name()));
                pages.readUntil(consumer, () -> pages.firstSeen.size() == ALERTS, Duration.ofSeconds(90));
                assertThat(pages.firstSeen).hasSize(ALERTS);
                assertThat(pages.next).as("nothing may be due yet").isEmpty();

                ChildJvm.kill(escalate);
                // A new, empty state directory: the restarted process must restore its timers from the changelog.
                escalate = startEscalate(dir.resolve("state-2"), "second");

                pages.readUntil(consumer, () -> pages.next.size() >= ALERTS, Duration.ofSeconds(150));
                // Give a doubled page, of either step, the chance to show up.
                pages.readUntil(consumer, () -> false, Duration.ofSeconds(5));
            }

            assertThat(pages.firstRepeated).as("alerts paged twice at step 0").isEmpty();
            Set<String> alertsEscalated = new HashSet<>();
            List<Long> lateness = new ArrayList<>();
            long worstLatenessMs = Long.MIN_VALUE;
            for (Page page : pages.next) {
                String key = page.request().getAlertKey();
                assertThat(alertsEscalated.add(key)).as("escalated twice: %s", key).isTrue();
                // No sooner than a minute after the test sent the alert: escalate cannot have paged it before.
                assertThat(page.seen()).as("%s escalated before it was due", key)
                        .isAfterOrEqualTo(produced.get(key).plus(Duration.ofMinutes(1)));
                // Late by how long after a minute past the first page the test saw the second; at most the first
                // page's own commit delay too early.
                long late = Duration.between(pages.firstSeen.get(key).plus(Duration.ofMinutes(1)), page.seen())
                        .toMillis();
                lateness.add(late);
                worstLatenessMs = Math.max(worstLatenessMs, late);
            }
            assertThat(alertsEscalated).as("alerts escalated to step 2").hasSize(ALERTS);
            assertThat(pages.next).allSatisfy(page -> assertThat(page.request().getUserId()).isEqualTo("lead"));
            lateness.sort(null);
            System.out.printf("EscalateCrashIT: %d escalations after kill -9; lateness after due time, as the test's"
                    + " consumer saw it: median %d ms, p95 %d ms, p99 %d ms, max %d ms%n", alertsEscalated.size(),
                    lateness.get(lateness.size() / 2), lateness.get(lateness.size() * 95 / 100),
                    lateness.get(lateness.size() * 99 / 100), worstLatenessMs);
            // The promise to the person who is waiting for the escalation: none more than 2 s late.
            assertThat(worstLatenessMs).as("latest escalation after its due time, ms").isLessThanOrEqualTo(2000);
        } finally {
            escalate.destroyForcibly();
        }
    }

    /** A page, and when the test's read-committed consumer saw it. */
    private record Page(NotificationRequest request, Instant seen) {
    }

    /** notifications.out as the test sees it: when each alert's first page came, and every later page. */
    private static final class Pages {
        final Map<String, Instant> firstSeen = new HashMap<>();
        final List<String> firstRepeated = new ArrayList<>();
        final List<Page> next = new ArrayList<>();

        void readUntil(KafkaConsumer<String, SpecificRecord> consumer, BooleanSupplier done, Duration timeout) {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!done.getAsBoolean() && System.nanoTime() < deadline) {
                ConsumerRecords<String, SpecificRecord> records = consumer.poll(Duration.ofMillis(200));
                Instant seen = Instant.now();
                for (ConsumerRecord<String, SpecificRecord> r : records) {
                    NotificationRequest n = (NotificationRequest) r.value();
                    if (n.getEscalationStep() != 0) {
                        next.add(new Page(n, seen));
                    } else if (firstSeen.putIfAbsent(n.getAlertKey(), seen) != null) {
                        firstRepeated.add(n.getAlertKey());
                    }
                }
            }
        }
    }

    private Process startEscalate(Path stateDir, String name) throws Exception {
        Map<String, String> settings = new LinkedHashMap<>(cluster.settings());
        settings.put("state.dir", stateDir.toString());
        settings.put("health.port", "0");
        // Static membership: the restarted process takes over the dead one's partitions at once instead of waiting
        // for its session to time out.
        settings.put("kafka.group.instance.id", "escalate-crash-it");
        // One stream thread per core, as an operator would run it on this 2-core machine: the three tasks' timers
        // then fire in parallel instead of queueing behind one thread.
        settings.put("kafka.num.stream.threads", "2");
        ChildJvm jvm = new ChildJvm(dir);
        return jvm.main("escalate-" + name, "-Xmx512m", "io.sentinelpager.app.PagerCommand", "escalate", "--config",
                jvm.settings("escalate-" + name, settings).toString());
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
                    name: Analyst, then the lead a minute later
                    steps:
                      - {notify: [{user: analyst}], waitMinutes: 1}
                      - {notify: [{user: lead}], waitMinutes: 1}
                """);
        return config;
    }

    /** Sends the alerts; returns, by alert key, the test's time just before each was sent. */
    private static Map<String, Instant> produceRoutedAlerts(ServiceContext context) throws Exception {
        Map<String, Object> config = new HashMap<>(context.kafkaClientConfig());
        config.putAll(context.serdes().clientConfig());
        config.put("acks", "all");
        Map<String, Instant> produced = new HashMap<>();
        try (KafkaProducer<String, SpecificRecord> producer = new KafkaProducer<>(config, new StringSerializer(),
                context.serdes().anyValue().serializer())) {
            for (int i = 0; i < ALERTS; i++) {
                String key = "crash:" + i;
                Instant now = Instant.now();
                produced.put(key, now);
                SecurityAlert alert = Alerts.alert(key, now).setSource(AlertSource.PAGER).setTitle("Alert " + i)
                        .build();
                producer.send(new ProducerRecord<>(Topics.ALERTS_ROUTED.name(), key,
                        Alerts.routed(alert, "soc", "two-steps").build()));
            }
            producer.flush();
        }
        return produced;
    }
}
