package io.sentinelpager.enrich;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sentinelpager.azure.Connectors;
import io.sentinelpager.emulator.AzureEmulator;
import io.sentinelpager.emulator.EmulatorOptions;
import io.sentinelpager.emulator.Fault;
import io.sentinelpager.emulator.SampleAlerts;
import io.sentinelpager.platform.config.PagerConfig;
import io.sentinelpager.platform.config.Secret;
import io.sentinelpager.platform.kafka.AvroSerdes;
import io.sentinelpager.platform.local.LocalCluster;
import io.sentinelpager.platform.service.ServiceRunner;
import io.sentinelpager.schemas.EnrichedAlert;
import io.sentinelpager.schemas.EnrichmentColumn;
import io.sentinelpager.schemas.EnrichmentStatus;
import io.sentinelpager.schemas.SecurityAlert;
import io.sentinelpager.schemas.Topics;
import io.sentinelpager.testkit.LocalClusterExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The enrich service on a real broker and registry, querying two emulated Log Analytics workspaces (one emulator per
 * connector, each its own tenant endpoint, over HTTPS with the real client-secret flow) through Microsoft's
 * LogsQueryClient. Runs with the default deadline of 5 s.
 *
 * <p>Wall-clock times are checked only where a shared, loaded machine cannot make them fail: a page may not come
 * before the configured deadline, since enrich holds it that long; how much later it comes is the machine's business,
 * so the upper bounds are timeouts, not measurements.
 */
@ExtendWith(LocalClusterExtension.class)
class EnrichIT {

    static final String WORKSPACE_A = "c8c99641-985d-4e4e-8e91-fb3466cd0e5b";
    static final String WORKSPACE_B = "5f1c2b9e-7d3a-4a57-9a0e-2c8e1f6b4d21";
    /** SystemAlertIds of the two rows of the published SecurityAlert sample. */
    static final String SAMPLE_ROW_1 = "e9122c20-4ec9-483f-51ce-9039d3a40729";
    static final String SAMPLE_ROW_2 = "30085f40-d418-6b72-bf49-30fe7c3d9b73";
    /** What the sample rows' rule maps, as Sentinel writes it (the captured rows have no entities). */
    static final String ENTITIES = "[{\"$id\":\"2\",\"HostName\":\"srv01\",\"DnsDomain\":\"contoso.com\","
            + "\"Type\":\"host\"},{\"$id\":\"3\",\"Name\":\"jdoe\",\"UPNSuffix\":\"contoso.com\",\"Type\":\"account\"},"
            + "{\"$id\":\"4\",\"Address\":\"203.0.113.7\",\"Type\":\"ip\"},{\"$ref\":\"2\"}]";
    /** Generous: the machine's load, not enrich, decides how long after the deadline a record is read. */
    static final Duration PATIENCE = Duration.ofSeconds(30);
    /** The deadline the runner's configuration gives enrich, as the setting reads, not as enrich interprets it. */
    static Duration deadline;

    static AzureEmulator azureA;
    static AzureEmulator azureB;
    static ServiceRunner runner;
    static KafkaProducer<String, SecurityAlert> producer;
    static KafkaConsumer<String, EnrichedAlert> consumer;
    static Thread collector;
    static final AtomicBoolean collecting = new AtomicBoolean(true);
    /** Every enriched record by key, with the nanoTime it was read. */
    static final Map<String, List<Received>> received = new ConcurrentHashMap<>();

    record Received(long atNanos, EnrichedAlert value) {
    }

    @BeforeAll
    static void start(LocalCluster cluster) throws Exception {
        Path work = Files.createTempDirectory("enrich-it-");
        azureA = AzureEmulator.start(EmulatorOptions.defaults());
        azureB = AzureEmulator.start(EmulatorOptions.defaults());
        for (var azure : List.of(azureA, azureB)) {
            String workspace = azure == azureA ? WORKSPACE_A : WORKSPACE_B;
            azure.logAnalytics().seedSecurityAlerts(workspace, ENTITIES);
            // The published row's rule query is "… union AzureActivity"; its answer, the illustrative rule result.
            azure.logAnalytics().answerMatching(workspace, Pattern.compile("union AzureActivity"),
                    SampleAlerts.published("loganalytics-rule-query-result.illustrative.response.json"));
        }
        Map<String, String> settings = new HashMap<>(cluster.settings());
        settings.put("state.dir", work.resolve("state").toString());
        settings.put("health.port", "0");
        settings.putAll(connector("a", azureA, work, WORKSPACE_A));
        settings.putAll(connector("b", azureB, work, WORKSPACE_B));
        PagerConfig config = PagerConfig.empty().with(settings);
        deadline = config.duration(EnrichConfig.DEADLINE);
        runner = ServiceRunner.start(config, Map.of(EnrichApp.NAME, EnrichApp::create), Clock.systemUTC());
        cluster.closeBeforeStopping(runner);

        AvroSerdes serdes = new AvroSerdes(cluster.registryUrl());
        Map<String, Object> client = new HashMap<>(serdes.clientConfig());
        client.put("bootstrap.servers", cluster.bootstrapServers());
        producer = new KafkaProducer<>(client, new StringSerializer(),
                serdes.value(SecurityAlert.class).serializer());
        Map<String, Object> reader = new HashMap<>(client);
        reader.put("group.id", "enrich-it-" + UUID.randomUUID());
        reader.put("auto.offset.reset", "earliest");
        reader.put("isolation.level", "read_committed");
        consumer = new KafkaConsumer<>(reader, new StringDeserializer(),
                serdes.value(EnrichedAlert.class).deserializer());
        consumer.subscribe(List.of(Topics.ALERTS_ENRICHED.name()));
        collector = new Thread(() -> {
            while (collecting.get()) {
                for (ConsumerRecord<String, EnrichedAlert> r : consumer.poll(Duration.ofMillis(50))) {
                    received.computeIfAbsent(r.key(), k -> new CopyOnWriteArrayList<>())
                            .add(new Received(System.nanoTime(), r.value()));
                }
            }
            consumer.close();
        }, "enrich-it-collector");
        collector.start();
        // Timings below count from the moment enrich can read: wait until it has joined its group and answered once.
        SecurityAlert warmUp = Fixtures.defenderAlert("a");
        send(warmUp);
        awaitRecords(warmUp.getAlertKey(), 1, Duration.ofSeconds(60));
    }

    @AfterAll
    static void stop() throws Exception {
        collecting.set(false);
        collector.join(10_000);
        producer.close();
        runner.close();
        azureA.close();
        azureB.close();
    }

    @AfterEach
    void clearFaults() {
        azureA.faults().clear();
        azureB.faults().clear();
    }

    @Test
    void aSentinelAlertFromThePublishedSamplesCarriesItsRulesRows() {
        SecurityAlert alert = alert("a", SAMPLE_ROW_1);

        send(alert);
        EnrichedAlert enriched = awaitRecords(alert.getAlertKey(), 1, Duration.ofSeconds(30)).get(0).value();

        assertThat(enriched.getStatus()).as(enriched.getDetail()).isEqualTo(EnrichmentStatus.COMPLETE);
        assertThat(enriched.getRevision()).isZero();
        assertThat(enriched.getRuleName()).isEqualTo("Sentinel Test alert");
        assertThat(enriched.getRuleId()).isEqualTo("8a0d8e78-58a9-4d66-af3a-b054778b4aa2");
        assertThat(enriched.getQueryStart()).hasToString("2023-07-24T15:23:59Z");
        assertThat(enriched.getQueryEnd()).hasToString("2023-07-24T20:24:00Z");
        assertThat(enriched.getLink()).startsWith("https://portal.azure.com/#@");
        var table = enriched.getTables().get(0);
        assertThat(table.getColumns()).containsExactly(new EnrichmentColumn("UserPrincipalName", "string"),
                new EnrichmentColumn("IPAddress", "string"), new EnrichmentColumn("Failures", "long"));
        assertThat(table.getRows()).first().isEqualTo(List.of("jdoe@contoso.com", "203.0.113.7", "412"));
        assertThat(table.getTotalRows()).isEqualTo(3);
        assertThat(enriched.getSummary()).as("the alert has no Graph evidence: the row's Entities are the line")
                .isEqualTo("host srv01.contoso.com; user jdoe@contoso.com; ip 203.0.113.7");
        assertThat(azureA.requests().of("loganalytics.query")).isNotEmpty();
        assertThat(azureB.requests().of("loganalytics.query")).as("connector b's workspace is not asked").isEmpty();
    }

    @Test
    void aThrottledWorkspaceDelaysTheEnrichmentButNotThePage() {
        // Two 429s with Retry-After 4 s: the SDK obeys them, so the enrichment takes at least 8 s.
        azureA.faults().inject("loganalytics.query", Fault.throttle(Duration.ofSeconds(4)).times(2));
        SecurityAlert alert = alert("a", SAMPLE_ROW_2);

        // From before the send: enrich may read the alert, and start its deadline, before the send's ack is back.
        long beforeSend = System.nanoTime();
        send(alert);
        Received page = awaitRecords(alert.getAlertKey(), 1, deadline.plus(PATIENCE)).get(0);

        Duration pageAfter = Duration.ofNanos(page.atNanos() - beforeSend);
        System.out.printf("EnrichIT: throttled alert paged after %d ms, marked %s%n", pageAfter.toMillis(),
                page.value().getStatus());
        assertThat(pageAfter).as("held for the configured deadline, %s", deadline).isGreaterThanOrEqualTo(deadline);
        // Released by the deadline, not by the enrichment: the page carries no rows yet.
        assertThat(page.value().getStatus()).isEqualTo(EnrichmentStatus.TIMED_OUT);
        assertThat(page.value().getRevision()).isZero();

        Received update = awaitRecords(alert.getAlertKey(), 2, Duration.ofSeconds(40)).get(1);
        System.out.printf("EnrichIT: its update after %d ms%n", Duration.ofNanos(update.atNanos() - beforeSend).toMillis());
        assertThat(update.value().getStatus()).as(update.value().getDetail()).isEqualTo(EnrichmentStatus.COMPLETE);
        assertThat(update.value().getRevision()).isEqualTo(1);
        assertThat(update.value().getTables().get(0).getTotalRows()).isEqualTo(3);
        assertThat(update.value().getAlert().getAlertKey()).isEqualTo(alert.getAlertKey());
        // A third record would come after the update, so give it a deadline's time to show before counting.
        await("one page, one update, for a deadline after the update").during(deadline).atMost(deadline.plus(PATIENCE))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> received.get(alert.getAlertKey()).size(), size -> size == 2);
    }

    @Test
    void aSlowWorkspaceOfOneConnectorDoesNotStallAnother() {
        azureA.faults().inject("loganalytics.query", Fault.latency(Duration.ofSeconds(8)).percent(100));
        SecurityAlert slow = alert("a", SAMPLE_ROW_1);
        SecurityAlert quick = alert("b", SAMPLE_ROW_1);

        long sent = send(slow);
        send(quick);
        Received b = awaitRecords(quick.getAlertKey(), 1, deadline).get(0);

        Duration bAfter = Duration.ofNanos(b.atNanos() - sent);
        System.out.printf("EnrichIT: connector b enriched after %d ms while a's workspace is slow%n", bAfter.toMillis());
        assertThat(b.value().getStatus()).as(b.value().getDetail()).isEqualTo(EnrichmentStatus.COMPLETE);
        assertThat(bAfter).isLessThan(deadline);
        assertThat(received.getOrDefault(slow.getAlertKey(), List.of())).as("a is still waiting for its workspace")
                .isEmpty();
        Received a = awaitRecords(slow.getAlertKey(), 1, deadline.plusSeconds(1)).get(0);
        assertThat(a.value().getStatus()).isEqualTo(EnrichmentStatus.TIMED_OUT);
    }

    /** The published Sentinel alert as ingest normalizes it, new id, pointing at a sample SecurityAlert row. */
    private static SecurityAlert alert(String connectorId, String systemAlertId) {
        String id = "da" + UUID.randomUUID().toString().replace("-", "").substring(0, 18) + "_-334257894";
        return SecurityAlert.newBuilder(Fixtures.sentinelAlert(connectorId, systemAlertId))
                .setAlertId(id).setAlertKey(connectorId + ":" + id).build();
    }

    private static long send(SecurityAlert alert) {
        try {
            producer.send(new ProducerRecord<>(Topics.ALERTS_RAW.name(), alert.getAlertKey(), alert)).get();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        return System.nanoTime();
    }

    private static List<Received> awaitRecords(String key, int count, Duration atMost) {
        await(count + " record(s) of " + key).atMost(atMost.plusMillis(200)).pollInterval(Duration.ofMillis(20))
                .until(() -> received.getOrDefault(key, List.of()).size() >= count);
        return new ArrayList<>(received.get(key));
    }

    private static Map<String, String> connector(String id, AzureEmulator azure, Path dir, String workspaceId) {
        EmulatorOptions app = azure.options();
        Path pem = dir.resolve(id + ".pem");
        azure.writeCertificatePem(pem);
        Map<String, String> out = new HashMap<>(Connectors.settings(id, app.tenantId(), app.clientId(),
                Secret.of(app.clientSecret()), azure.authorityHost(), azure.graphBaseUrl(), pem));
        out.put(Connectors.logAnalyticsUrl(id).name(), azure.logAnalyticsUrl());
        out.put(Connectors.subscriptionId(id).name(), "d0cfe6b2-9ac0-4464-9919-dccaee2e48c0");
        out.put(Connectors.resourceGroup(id).name(), "soc-" + id);
        out.put(Connectors.workspaceName(id).name(), "workspace-" + id);
        out.put(Connectors.workspaceId(id).name(), workspaceId);
        return out;
    }
}
