package io.sentinelpager.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.sentinelpager.app.ApplyCommand;
import io.sentinelpager.app.Services;
import io.sentinelpager.escalate.EscalateApp;
import io.sentinelpager.notify.NotifyApp;
import io.sentinelpager.platform.config.PagerConfig;
import io.sentinelpager.platform.kafka.DeadLetters;
import io.sentinelpager.platform.local.LocalCluster;
import io.sentinelpager.platform.service.ServiceContext;
import io.sentinelpager.platform.service.ServiceRunner;
import io.sentinelpager.responder.ResponderApp;
import io.sentinelpager.responder.ResponderService;
import io.sentinelpager.responder.auth.Accounts;
import io.sentinelpager.schemas.ActionType;
import io.sentinelpager.schemas.AlertAction;
import io.sentinelpager.schemas.RecordLimits;
import io.sentinelpager.schemas.RoutedAlert;
import io.sentinelpager.schemas.SecurityAlert;
import io.sentinelpager.schemas.Severity;
import io.sentinelpager.schemas.Topics;
import io.sentinelpager.testkit.Alerts;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * No input stops paging: oversized comments, a comment written straight to the topic past the API's limit, an alert
 * near the broker's record limit, an incident of 5,000 alerts, and a restart after all of them. After each, a
 * ransomware alert still reaches the on-call person's inbox.
 *
 * <p>A cluster of its own, running escalate, notify and the responder, so that the broker's real record limit applies
 * and the test can restart them: the shared pipeline's escalate would take part of these alerts.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PoisonInputIT {

    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newHttpClient();
    static final String TOKEN = "spt_" + UUID.randomUUID();
    static LocalCluster cluster;
    static ServiceContext context;
    static PagerConfig settings;
    static ServiceRunner runner;
    static Path inbox;

    @TempDir
    static Path work;

    @BeforeAll
    static void start() throws Exception {
        cluster = LocalCluster.start();
        inbox = work.resolve("inbox");
        Path accounts = Files.writeString(work.resolve("accounts.yaml"), "accounts: []\ntokens:\n"
                + "  - {name: ana-token, user: ana, sha256: \"" + Accounts.digest(TOKEN) + "\"}\n");
        settings = PagerConfig.empty().with(cluster.settings()).with(Map.of(
                "state.dir", work.resolve("state").toString(),
                "health.port", "0",
                "responder.port", "0",
                "responder.accounts.file", accounts.toString(),
                "notify.inbox.dir", inbox.toString()));
        context = ServiceContext.of(settings, new SimpleMeterRegistry(), Clock.systemUTC());
        Path config = Files.createDirectories(work.resolve("config"));
        Files.writeString(config.resolve("oncall.yaml"), """
                users:
                  - id: ana
                    name: Ana Analyst
                    contactMethods: [{type: inbox, address: ana}]
                teams:
                  - id: soc
                    name: SOC
                    members: [ana]
                    escalation: default
                escalations:
                  - id: default
                    name: Default
                    steps:
                      - notify: [{user: ana}]
                        waitMinutes: 5
                policies:
                  - id: everything
                    name: Everything pages the SOC
                    order: 1
                    route: {team: soc, escalation: default, urgency: high}
                """);
        runner = startServices();
        assertThat(ApplyCommand.apply(context, config, false, new PrintStream(OutputStream.nullOutputStream()),
                System.err)).isTrue();
        await("the responder knows ana").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .until(() -> get("/api/me").body().contains("Ana Analyst"));
    }

    static ServiceRunner startServices() {
        Map<String, io.sentinelpager.platform.service.ServiceFactory> services = new LinkedHashMap<>();
        for (String name : List.of(EscalateApp.NAME, NotifyApp.NAME, ResponderApp.NAME)) {
            services.put(name, Services.ALL.get(name));
        }
        ServiceRunner started = ServiceRunner.start(settings, services, Clock.systemUTC());
        await("every service ready").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200))
                .until(started::ready);
        return started;
    }

    @AfterAll
    static void stop() {
        if (runner != null) {
            runner.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    @Order(1)
    void twoCommentsOf600000CharactersAreRefusedNamingTheLimitAndPagingGoesOn() throws Exception {
        String key = page("Suspicious sign-in", Severity.MEDIUM);
        String comment = JSON.writeValueAsString(Map.of("comment", "A".repeat(600_000)));

        for (int i = 0; i < 2; i++) {
            HttpResponse<String> refused = post("/api/alerts/" + key + "/comment", comment);
            assertThat(refused.statusCode()).isIn(400, 413);
            assertThat(refused.body()).containsPattern("the limit is [0-9]+ bytes");
        }
        assertThat(get("/api/alerts/" + key).body()).doesNotContain("AAAAAAAAAA");
        ransomwareIsPaged();
    }

    @Test
    @Order(2)
    void anOversizedCommentWrittenStraightToTheTopicIsDeadLetteredWithItsReasonAndTheNextAlertIsPaged()
            throws Exception {
        String key = page("Unusual file download", Severity.MEDIUM);
        // What a client with write access to alert.actions could send, with no responder in the way.
        AlertAction poison = AlertAction.newBuilder().setActionId("poison-" + UUID.randomUUID()).setAlertKey(key)
                .setType(ActionType.ANNOTATE).setActor("ana").setChannel("api").setComment("B".repeat(600_000))
                .setOccurredAt(Instant.now()).build();
        produce(Topics.ALERT_ACTIONS.name(), key, poison);

        ConsumerRecord<String, byte[]> deadLetter = awaitDeadLetter(Topics.ALERT_ACTIONS.deadLetterTopic(),
                poison.getActionId());
        assertThat(header(deadLetter, DeadLetters.HEADER_SERVICE)).isEqualTo("pager-escalate");
        assertThat(header(deadLetter, DeadLetters.HEADER_MESSAGE))
                .contains("field 'comment' is 600000 bytes in UTF-8; the limit is " + RecordLimits.COMMENT_BYTES);
        assertThat(get("/api/alerts/" + key).body()).doesNotContain("BBBBBBBBBB");
        ransomwareIsPaged();
    }

    @Test
    @Order(3)
    void anAlertNearTheRecordLimitIsPagedWithItsSourceJsonLeftOnAlertsRaw() throws Exception {
        RoutedAlert big = routed("Credential dumping " + UUID.randomUUID(), Severity.HIGH, null);
        big.getEnriched().getAlert().setSourceJson("{\"evidence\":\"" + "x".repeat(950_000) + "\"}");
        String key = big.getEnriched().getAlert().getAlertKey();
        produce(Topics.ALERTS_ROUTED.name(), key, big);

        awaitPaged(key);
        JsonNode detail = JSON.readTree(get("/api/alerts/" + key).body());
        assertThat(detail.path("status").asText()).isEqualTo("triggered");
        assertThat(largestStateRecord(key)).isLessThanOrEqualTo(RecordLimits.MAX_RECORD_BYTES);
    }

    @Test
    @Order(4)
    void anIncidentOf5000AlertsMakesOnePageThatKeepsPagingAndAcknowledging() throws Exception {
        String incident = "incident:" + UUID.randomUUID();
        String pageKey = "poison:" + incident;
        List<ProducerRecord<String, SpecificRecord>> alerts = new ArrayList<>();
        for (int i = 0; i < 5_000; i++) {
            RoutedAlert alert = routed("Mass phishing delivery " + i, Severity.MEDIUM, pageKey);
            alerts.add(new ProducerRecord<>(Topics.ALERTS_ROUTED.name(), alert.getEnriched().getAlert().getAlertKey(),
                    alert));
        }
        produceAll(alerts);

        awaitPaged(pageKey);
        await("5,000 alerts on the page").atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500))
                .until(() -> {
                    JsonNode d = JSON.readTree(get("/api/alerts/" + pageKey).body());
                    return d.path("alerts").size() + d.path("alertsNotListed").asInt() == 5_000;
                });
        JsonNode page = JSON.readTree(get("/api/alerts/" + pageKey).body());
        assertThat(page.path("alerts").size()).isEqualTo(RecordLimits.PAGE_MEMBERS);
        assertThat(page.path("alertsNotListed").asInt()).isEqualTo(5_000 - RecordLimits.PAGE_MEMBERS);
        assertThat(page.path("timeline").findValuesAsText("type")).contains("omitted");
        int largest = largestStateRecord(pageKey);
        System.out.println("PoisonInputIT: the 5,000-alert page's largest alert.state record: " + largest + " bytes");
        assertThat(largest).isLessThanOrEqualTo(RecordLimits.MAX_RECORD_BYTES);

        assertThat(post("/api/alerts/" + pageKey + "/ack", "").statusCode()).isEqualTo(202);
        await("the page acknowledged").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                .until(() -> JSON.readTree(get("/api/alerts/" + pageKey).body()).path("status").asText()
                        .equals("acknowledged"));
        ransomwareIsPaged();
    }

    @Test
    @Order(5)
    void aRestartAfterAPoisonRecordSkipsItAndPagesTheNextAlert() throws Exception {
        String key = page("Impossible travel", Severity.MEDIUM);
        AlertAction poison = AlertAction.newBuilder().setActionId("poison-" + UUID.randomUUID()).setAlertKey(key)
                .setType(ActionType.CLOSE).setActor("ana").setChannel("api").setClassification("C".repeat(100_000))
                .setOccurredAt(Instant.now()).build();
        produce(Topics.ALERT_ACTIONS.name(), key, poison);
        awaitDeadLetter(Topics.ALERT_ACTIONS.deadLetterTopic(), poison.getActionId());

        runner.close();
        runner = startServices();

        ransomwareIsPaged();
        assertThat(runner.ready()).as("no service is failing after the restart").isTrue();
        assertThat(readAll(Topics.ALERT_ACTIONS.deadLetterTopic()).stream().filter(r -> new String(r.value(),
                StandardCharsets.ISO_8859_1).contains(poison.getActionId()))).as("the poison is not read again")
                .hasSize(1);
        assertThat(JSON.readTree(get("/api/alerts/" + key).body()).path("status").asText()).isEqualTo("triggered");
    }

    /** The worst case of the issue: a severe alert after the bad input, which must reach the person on call. */
    private static void ransomwareIsPaged() throws Exception {
        awaitPaged(page("Ransomware behavior detected in the file system " + UUID.randomUUID(), Severity.HIGH));
    }

    private static String page(String title, Severity severity) throws Exception {
        RoutedAlert alert = routed(title, severity, null);
        String key = alert.getEnriched().getAlert().getAlertKey();
        produce(Topics.ALERTS_ROUTED.name(), key, alert);
        awaitPaged(key);
        return key;
    }

    private static void awaitPaged(String key) {
        await(key + " in ana's inbox").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .until(() -> Files.exists(inbox.resolve("ana.log"))
                        && Files.readString(inbox.resolve("ana.log")).contains(key));
        await(key + " on the responder").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .until(() -> get("/api/alerts/" + key).statusCode() == 200);
    }

    static RoutedAlert routed(String title, Severity severity, String groupKey) {
        SecurityAlert alert = Alerts.alert("poison:" + UUID.randomUUID(), Instant.now()).setTitle(title)
                .setSeverity(severity).build();
        return Alerts.routed(alert, "soc", "default").setPolicyId("everything").setGroupKey(groupKey).build();
    }

    private static void produce(String topic, String key, SpecificRecord value) throws Exception {
        produceAll(List.of(new ProducerRecord<>(topic, key, value)));
    }

    private static void produceAll(List<ProducerRecord<String, SpecificRecord>> records) throws Exception {
        Map<String, Object> config = new HashMap<>(context.producerConfig());
        config.putAll(context.serdes().clientConfig());
        try (KafkaProducer<String, SpecificRecord> producer = new KafkaProducer<>(config, new StringSerializer(),
                context.serdes().anyValue().serializer())) {
            for (ProducerRecord<String, SpecificRecord> record : records) {
                producer.send(record);
            }
            producer.flush();
        }
    }

    /** Every record of a topic, read to its end, as raw bytes. */
    private static List<ConsumerRecord<String, byte[]>> readAll(String topic) {
        List<ConsumerRecord<String, byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(context.consumerConfig(null),
                new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            await(topic + " read to its end").atMost(Duration.ofSeconds(30)).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(out::add);
                return partitions.stream().allMatch(p -> consumer.position(p) >= end.get(p));
            });
        }
        return out;
    }

    private static int largestStateRecord(String key) {
        return readAll(Topics.ALERT_STATE.name()).stream().filter(r -> key.equals(r.key()))
                .mapToInt(r -> r.value() == null ? 0 : r.value().length).max().orElseThrow();
    }

    private static ConsumerRecord<String, byte[]> awaitDeadLetter(String topic, String actionId) {
        List<ConsumerRecord<String, byte[]>> found = new ArrayList<>();
        await("the dead letter of " + actionId).atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                .until(() -> {
                    found.clear();
                    readAll(topic).stream().filter(r -> r.value() != null
                                    && new String(r.value(), StandardCharsets.ISO_8859_1).contains(actionId))
                            .forEach(found::add);
                    return !found.isEmpty();
                });
        return found.get(0);
    }

    private static String header(ConsumerRecord<String, byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    private static int responderPort() {
        return runner.services().stream().filter(s -> s instanceof ResponderService)
                .map(s -> ((ResponderService) s).port()).findFirst().orElseThrow();
    }

    private static HttpResponse<String> get(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + responderPort() + path))
                .header("Authorization", "Bearer " + TOKEN).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> post(String path, String body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + responderPort() + path))
                .header("Authorization", "Bearer " + TOKEN).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
