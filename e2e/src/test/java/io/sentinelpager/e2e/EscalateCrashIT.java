package io.sentinelpager.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.sentinelpager.app.ApplyCommand;
import io.sentinelpager.platform.config.PagerConfig;
import io.sentinelpager.platform.local.LocalCluster;
import io.sentinelpager.platform.service.ServiceContext;
import io.sentinelpager.schemas.AlertSource;
import io.sentinelpager.schemas.EnrichedAlert;
import io.sentinelpager.schemas.EnrichmentStatus;
import io.sentinelpager.schemas.NotificationRequest;
import io.sentinelpager.schemas.RoutedAlert;
import io.sentinelpager.schemas.SecurityAlert;
import io.sentinelpager.schemas.Severity;
import io.sentinelpager.schemas.SourceStatus;
import io.sentinelpager.schemas.Topics;
import io.sentinelpager.schemas.Urgency;
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
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.avro.specific.SpecificRecord;
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
 * kill -9 of the escalate process while 1,000 alerts wait for their next step: after a restart with empty local
 * state (everything restored from the changelogs) every next step fires exactly once and on time.
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
            produceRoutedAlerts(context);

            Map<String, Instant> firstPage = new HashMap<>();
            List<NotificationRequest> secondPages = new ArrayList<>();
            try (KafkaConsumer<String, SpecificRecord> consumer = new KafkaConsumer<>(
                    context.consumerConfig("crash-it-" + UUID.randomUUID()), context.serdes().key().deserializer(),
                    context.serdes().anyValue().deserializer())) {
                consumer.subscribe(List.of(Topics.NOTIFICATIONS_OUT.name()));
                readUntil(consumer, firstPage, secondPages, () -> firstPage.size() == ALERTS, Duration.ofSeconds(90));
                assertThat(firstPage).hasSize(ALERTS);
                assertThat(secondPages).as("nothing may be due yet").isEmpty();

                escalate.destroyForcibly(); // SIGKILL: no shutdown hook, no commit, no close
                assertThat(escalate.waitFor(30, TimeUnit.SECONDS)).isTrue();
                // A new, empty state directory: the restarted process must restore its timers from the changelog.
                escalate = startEscalate(dir.resolve("state-2"), "second");

                readUntil(consumer, firstPage, secondPages, () -> secondPages.size() >= ALERTS, Duration.ofSeconds(150));
                // Give a doubled escalation the chance to show up.
                readUntil(consumer, firstPage, secondPages, () -> false, Duration.ofSeconds(5));
            }

            Set<String> alertsEscalated = new HashSet<>();
            List<Long> lateness = new ArrayList<>();
            long worstLatenessMs = 0;
            for (NotificationRequest n : secondPages) {
                assertThat(alertsEscalated.add(n.getAlertKey())).as("escalated twice: %s", n.getAlertKey()).isTrue();
                Instant due = firstPage.get(n.getAlertKey()).plus(Duration.ofMinutes(1));
                long late = Duration.between(due, n.getRequestedAt()).toMillis();
                assertThat(late).as("%s escalated before it was due", n.getAlertKey()).isGreaterThanOrEqualTo(0);
                lateness.add(late);
                worstLatenessMs = Math.max(worstLatenessMs, late);
            }
            assertThat(alertsEscalated).as("alerts escalated to step 2").hasSize(ALERTS);
            assertThat(secondPages).allSatisfy(n -> assertThat(n.getUserId()).isEqualTo("lead"));
            lateness.sort(null);
            System.out.printf("EscalateCrashIT: %d escalations after kill -9; lateness after due time: median %d ms,"
                    + " p95 %d ms, p99 %d ms, max %d ms%n", alertsEscalated.size(), lateness.get(lateness.size() / 2),
                    lateness.get(lateness.size() * 95 / 100), lateness.get(lateness.size() * 99 / 100),
                    worstLatenessMs);
            // The promise to the person who is waiting for the escalation: none more than 2 s late.
            assertThat(worstLatenessMs).as("latest escalation after its due time, ms").isLessThanOrEqualTo(2000);
        } finally {
            escalate.destroyForcibly();
        }
    }

    private static void readUntil(KafkaConsumer<String, SpecificRecord> consumer, Map<String, Instant> firstPage,
                                  List<NotificationRequest> secondPages, java.util.function.BooleanSupplier done,
                                  Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!done.getAsBoolean() && System.nanoTime() < deadline) {
            for (ConsumerRecord<String, SpecificRecord> r : consumer.poll(Duration.ofMillis(200))) {
                NotificationRequest n = (NotificationRequest) r.value();
                if (n.getEscalationStep() == 0) {
                    firstPage.putIfAbsent(n.getAlertKey(), n.getRequestedAt());
                } else {
                    secondPages.add(n);
                }
            }
        }
    }

    private Process startEscalate(Path stateDir, String name) throws Exception {
        Path settings = dir.resolve("escalate-" + name + ".properties");
        Files.writeString(settings, String.join("\n",
                "kafka.bootstrap.servers=" + cluster.bootstrapServers(),
                "registry.url=" + cluster.registryUrl(),
                "topics.replication.factor=1",
                "state.dir=" + stateDir,
                "health.port=0",
                // Static membership: the restarted process takes over the dead one's partitions at once instead
                // of waiting for its session to time out.
                "kafka.group.instance.id=escalate-crash-it",
                // One stream thread per core, as an operator would run it on this 2-core machine: the three tasks'
                // timers then fire in parallel instead of queueing behind one thread.
                "kafka.num.stream.threads=2") + "\n");
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new ProcessBuilder(java, "-Xmx512m", "-cp", classpath, "io.sentinelpager.app.PagerCommand",
                "escalate", "--config", settings.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("escalate-" + name + ".log").toFile()).start();
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

    private static void produceRoutedAlerts(ServiceContext context) throws Exception {
        Map<String, Object> config = new HashMap<>(context.kafkaClientConfig());
        config.putAll(context.serdes().clientConfig());
        config.put("acks", "all");
        Instant now = Instant.now();
        try (KafkaProducer<String, SpecificRecord> producer = new KafkaProducer<>(config, new StringSerializer(),
                context.serdes().anyValue().serializer())) {
            for (int i = 0; i < ALERTS; i++) {
                String key = "crash:" + i;
                SecurityAlert alert = SecurityAlert.newBuilder().setAlertKey(key).setConnectorId("crash")
                        .setSource(AlertSource.PAGER).setAlertId(String.valueOf(i)).setTitle("Alert " + i)
                        .setSeverity(Severity.HIGH).setStatus(SourceStatus.NEW).setCreatedAt(now)
                        .setLastUpdatedAt(now).setIngestedAt(now).setSourceJson("{}").build();
                RoutedAlert routed = RoutedAlert.newBuilder().setEnriched(EnrichedAlert.newBuilder().setAlert(alert)
                                .setStatus(EnrichmentStatus.NOT_APPLICABLE).setEnrichedAt(now).build())
                        .setTeamId("soc").setEscalationChainId("two-steps").setUrgency(Urgency.HIGH)
                        .setPolicyId("test").setPolicyVersion(1).setRoutedAt(now).build();
                producer.send(new ProducerRecord<>(Topics.ALERTS_ROUTED.name(), key, routed));
            }
            producer.flush();
        }
    }
}
