package io.sentinelpager.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.sentinelpager.app.ApplyCommand;
import io.sentinelpager.enrich.EnrichApp;
import io.sentinelpager.escalate.EscalateApp;
import io.sentinelpager.notify.NotifyApp;
import io.sentinelpager.platform.config.PagerConfig;
import io.sentinelpager.platform.local.LocalCluster;
import io.sentinelpager.platform.service.ServiceContext;
import io.sentinelpager.platform.service.ServiceRunner;
import io.sentinelpager.policy.PolicyApp;
import io.sentinelpager.schemas.AlertSource;
import io.sentinelpager.schemas.NotificationRequest;
import io.sentinelpager.schemas.SecurityAlert;
import io.sentinelpager.schemas.Severity;
import io.sentinelpager.schemas.TopicSpec;
import io.sentinelpager.schemas.Topics;
import io.sentinelpager.testkit.Alerts;
import java.io.OutputStream;
import java.io.PrintStream;
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
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 16: a high-urgency page never waits behind a storm of low ones. A storm of low-severity alerts in one tenant,
 * then one high-severity alert in another, go through enrich, policy and escalate while notify is stopped, so that
 * every page is waiting for notify when it starts: the high page must be the person's first line all the same, and
 * every page must be there once.
 *
 * <p>No timing: notify's task waits until it knows both lanes of the person's partition (a task waits for a partition
 * with data on the broker), then takes the urgent one first by timestamp. The test writes the alerts as ingest does,
 * by severity onto alerts.raw or alerts.raw.urgent, and checks that each later stage keeps the high alert, and only
 * it, on its urgent lane. It has a cluster of its own, so that no other test's notify takes these pages.
 */
class PriorityLaneIT {

    static final int STORM = 500;
    static final String USER = "responder";

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
    void aHighAlertAfterAStormOfLowOnesIsTheFirstPageNotifySendsAndEveryPageGoesOutOnce() throws Exception {
        Instant started = Instant.now();
        Path inbox = dir.resolve("inbox");
        PagerConfig settings = PagerConfig.empty().with(cluster.settings()).with(Map.of(
                "state.dir", dir.resolve("state").toString(), "health.port", "0",
                "notify.inbox.dir", inbox.toString()));
        ServiceContext context = ServiceContext.of(settings, new SimpleMeterRegistry(), Clock.systemUTC());
        try (ServiceRunner pipeline = ServiceRunner.start(settings, Map.of(EnrichApp.NAME, EnrichApp::create,
                PolicyApp.NAME, PolicyApp::create, EscalateApp.NAME, EscalateApp::create), Clock.systemUTC())) {
            assertThat(ApplyCommand.apply(context, writeConfig(), false,
                    new PrintStream(OutputStream.nullOutputStream()), System.err)).isTrue();

            List<String> storm = new ArrayList<>();
            for (int i = 0; i < STORM; i++) {
                storm.add("storm-tenant:low-" + i);
            }
            String high = "quiet-tenant:ransomware-1";
            produceAsIngest(context, storm, high);

            await("every page waiting for notify").atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500))
                    .until(() -> count(context, Topics.NOTIFICATIONS_OUT) >= STORM
                            && count(context, Topics.NOTIFICATIONS_URGENT) >= 1);

            for (TopicSpec<String, ?> urgent : List.of(Topics.ALERTS_RAW_URGENT, Topics.ALERTS_ENRICHED_URGENT,
                    Topics.ALERTS_ROUTED_URGENT, Topics.NOTIFICATIONS_URGENT)) {
                // Enrich writes at least once: a restart of its clients may repeat a record, never move it.
                assertThat(alertKeys(context, urgent)).as("alerts on %s", urgent).containsOnly(high);
            }
            for (TopicSpec<String, ?> other : List.of(Topics.ALERTS_RAW, Topics.ALERTS_ENRICHED, Topics.ALERTS_ROUTED,
                    Topics.NOTIFICATIONS_OUT)) {
                assertThat(Set.copyOf(alertKeys(context, other))).as("alerts on %s", other)
                        .isEqualTo(Set.copyOf(storm));
            }

            try (ServiceRunner notify = ServiceRunner.start(settings, Map.of(NotifyApp.NAME, NotifyApp::create),
                    Clock.systemUTC())) {
                Path lines = inbox.resolve(USER + ".log");
                await("every page in the inbox").atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500))
                        .until(() -> Files.exists(lines) && Files.readAllLines(lines).size() >= STORM + 1);

                List<String> pages = Files.readAllLines(lines).stream().map(PriorityLaneIT::alertKeyOf).toList();
                assertThat(pages.get(0)).as("the first page notify sent").isEqualTo(high);
                Map<String, Long> times = pages.stream().collect(Collectors.groupingBy(Function.identity(),
                        Collectors.counting()));
                assertThat(times.keySet()).containsExactlyInAnyOrderElementsOf(concat(storm, high));
                assertThat(times).as("pages per alert").allSatisfy((alert, count) -> assertThat(count).isOne());
            }

            // A month-early timestamp is how a task reads an urgent record, never what a stage writes.
            for (TopicSpec<String, ?> written : List.of(Topics.ALERTS_ROUTED_URGENT, Topics.NOTIFICATIONS_URGENT,
                    Topics.ALERT_STATE, Topics.NOTIFICATIONS_RECEIPTS)) {
                assertThat(records(context, written)).as("records on %s", written).isNotEmpty()
                        .allSatisfy(r -> assertThat(Instant.ofEpochMilli(r.timestamp()))
                                .isAfterOrEqualTo(started.minusSeconds(1)));
            }
        }
    }

    /** Each page's line ends with "(id <alert key>/round-0/step-0/<user>/inbox)". */
    private static String alertKeyOf(String line) {
        String id = line.substring(line.lastIndexOf("(id ") + 4, line.length() - 1);
        return id.substring(0, id.indexOf('/'));
    }

    private static List<String> concat(List<String> storm, String high) {
        List<String> all = new ArrayList<>(storm);
        all.add(high);
        return all;
    }

    /** The storm onto alerts.raw, then the high alert onto alerts.raw.urgent, as ingest's severity rule puts them. */
    private static void produceAsIngest(ServiceContext context, List<String> storm, String high) throws Exception {
        Map<String, Object> config = new HashMap<>(context.kafkaClientConfig());
        config.putAll(context.serdes().clientConfig());
        config.put("acks", "all");
        try (KafkaProducer<String, SpecificRecord> producer = new KafkaProducer<>(config, new StringSerializer(),
                context.serdes().anyValue().serializer())) {
            for (String key : storm) {
                producer.send(new ProducerRecord<>(Topics.ALERTS_RAW.name(), key, alert(key, Severity.LOW,
                        "Unusual sign-in")));
            }
            producer.flush();
            producer.send(new ProducerRecord<>(Topics.ALERTS_RAW_URGENT.name(), high, alert(high, Severity.HIGH,
                    "Ransomware encrypting files on a file server"))).get();
        }
    }

    private static SecurityAlert alert(String key, Severity severity, String title) {
        return Alerts.alert(key, Instant.now()).setSource(AlertSource.PAGER).setSeverity(severity).setTitle(title)
                .build();
    }

    /** One person on call for everything; high severity pages at high urgency, the rest at low. */
    private Path writeConfig() throws Exception {
        Path config = Files.createDirectories(dir.resolve("config"));
        Files.writeString(config.resolve("oncall.yaml"), """
                users:
                  - {id: responder, name: Robin Responder, contactMethods: [{type: inbox, address: responder}]}
                teams:
                  - {id: soc, name: SOC, members: [responder], escalation: one-step}
                escalations:
                  - id: one-step
                    name: The responder
                    steps:
                      - {notify: [{user: responder}], waitMinutes: 30}
                policies:
                  - id: high
                    name: High severity pages at high urgency
                    order: 10
                    when: {severity: high}
                    route: {team: soc, escalation: one-step, urgency: high}
                  - id: everything-else
                    name: The rest at low urgency
                    order: 20
                    route: {team: soc, escalation: one-step, urgency: low}
                """);
        return config;
    }

    private static long count(ServiceContext context, TopicSpec<String, ?> topic) {
        return records(context, topic).size();
    }

    /** The alerts a topic's records are about: the key, or on the notification topics the request's alert. */
    private static List<String> alertKeys(ServiceContext context, TopicSpec<String, ?> topic) {
        return records(context, topic).stream().map(r -> r.value() instanceof NotificationRequest n ? n.getAlertKey()
                : r.key()).toList();
    }

    /** Every committed record on the topic, read to its end as of now. */
    private static List<ConsumerRecord<String, SpecificRecord>> records(ServiceContext context,
                                                                         TopicSpec<String, ?> topic) {
        List<ConsumerRecord<String, SpecificRecord>> out = new ArrayList<>();
        try (KafkaConsumer<String, SpecificRecord> consumer = new KafkaConsumer<>(context.consumerConfig(null),
                context.serdes().key().deserializer(), context.serdes().anyValue().deserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic.name()).stream()
                    .map(p -> new TopicPartition(topic.name(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                consumer.poll(Duration.ofMillis(500)).forEach(out::add);
            }
        }
        return out;
    }
}
