package io.sentinelpager.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.sentinelpager.app.ApplyCommand;
import io.sentinelpager.app.DemoConnector;
import io.sentinelpager.app.PagerCommand;
import io.sentinelpager.emulator.AzureEmulator;
import io.sentinelpager.emulator.EmulatorOptions;
import io.sentinelpager.emulator.SampleAlerts;
import io.sentinelpager.notify.WebPushChannel;
import io.sentinelpager.platform.config.PagerConfig;
import io.sentinelpager.platform.local.EmbeddedKafka;
import io.sentinelpager.platform.security.VapidKeys;
import io.sentinelpager.platform.service.ServiceContext;
import io.sentinelpager.responder.auth.Accounts;
import io.sentinelpager.schemas.NotificationRequest;
import io.sentinelpager.schemas.Topics;
import io.sentinelpager.testkit.process.LocalProcesses;
import io.sentinelpager.testkit.process.LocalProcesses.Child;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * The product as a streaming cluster under chaos: three brokers, the registry and two instances of every service,
 * each a process of its own, against the Azure emulator. While 5,000 alerts come in through Graph and responders
 * acknowledge and close a part of them through both responder instances, every service instance is killed with
 * kill -9 and restarted, one after another, and then one broker. What a SOC would check afterwards: every alert was
 * paged, each page reached its person once, every acknowledgement and close reached Graph once and in order, both
 * responders show the same open alerts, and nothing was dead-lettered.
 *
 * <p>Prints, for each kill, the time from the kill until the restarted process handled its next record, and the
 * run's totals. Nothing here asserts how long anything took.
 */
class ClusterChaosIT {

    /** 5,000, or what {@code -Dchaos.alerts} says for a shorter run while working on it. */
    private static final int ALERTS = Integer.getInteger("chaos.alerts", 5_000);
    /** Alerts are added at this pace, so that they keep coming while the instances are killed one by one. */
    private static final Duration ADD_EVERY = Duration.ofMillis(50);
    /** Every 10th alert is acknowledged, every 20th then closed, through the two responders in turn. */
    private static final int ACK_EVERY = 10;
    /** How long an alert may take to be shown paged before the responders' actions on it give up. */
    private static final Duration PAGED_WITHIN = Duration.ofMinutes(20);
    private static final int CLOSE_EVERY = 20;
    private static final List<String> SERVICES =
            List.of("ingest", "enrich", "policy", "escalate", "notify", "syncback", "responder");
    private static final Pattern DELIVERY_IDS = Pattern.compile("\\(ids? ([^)]+)\\)$");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    /**
     * Teams of one on-call analyst each, so that pages, keyed by person, spread over notify's partitions as a SOC's
     * do; every team's lead is the same person. An alert's title names its team ({@code [t3]}); one in ten is marked
     * {@code [esc]} and escalates to the lead after a minute unless acknowledged, so that second steps fire while the
     * services are killed. The others wait an hour before their second step, past the end of the run.
     */
    private static final int TEAMS = 6;
    private static final int ESCALATE_EVERY = 10;

    private static String config() {
        StringBuilder yaml = new StringBuilder("users:\n  - {id: lead, name: Lee Lead, email: lead@contoso.example,"
                + " contactMethods: [{type: inbox, address: lead}]}\n");
        for (int t = 0; t < TEAMS; t++) {
            yaml.append("  - {id: a").append(t).append(", name: Analyst ").append(t).append(", email: a").append(t)
                    .append("@contoso.example, contactMethods: [{type: inbox, address: a").append(t).append("}]}\n");
        }
        yaml.append("schedules:\n");
        for (int t = 0; t < TEAMS; t++) {
            yaml.append("  - {id: s").append(t).append(", name: Primary ").append(t).append(", timeZone: UTC,"
                    + " participants: [a").append(t).append("], shiftLength: P7D, handoffStart: 2026-01-05T09:00}\n");
        }
        yaml.append("escalations:\n");
        for (int t = 0; t < TEAMS; t++) {
            for (String chain : List.of("fast", "slow")) {
                yaml.append("  - {id: ").append(chain).append(t).append(", name: ").append(chain).append(" ").append(t)
                        .append(", steps: [{notify: [{schedule: s").append(t).append("}], waitMinutes: ")
                        .append(chain.equals("fast") ? 1 : 60).append("}, {notify: [{user: lead}], waitMinutes: 60}]}\n");
            }
        }
        yaml.append("teams:\n");
        for (int t = 0; t < TEAMS; t++) {
            yaml.append("  - {id: t").append(t).append(", name: Team ").append(t).append(", members: [a").append(t)
                    .append(", lead], schedules: [s").append(t).append("], escalation: slow").append(t).append("}\n");
        }
        yaml.append("policies:\n");
        for (int t = 0; t < TEAMS; t++) {
            yaml.append("  - {id: t").append(t).append("-esc, name: Team ").append(t).append(" escalating, order: ")
                    .append(2 * t + 1).append(", when: {all: [{title: {contains: \"[t").append(t)
                    .append("]\"}}, {title: {contains: \"[esc]\"}}]}, route: {team: t").append(t)
                    .append(", escalation: fast").append(t).append(", urgency: high}}\n");
            yaml.append("  - {id: t").append(t).append(", name: Team ").append(t).append(", order: ").append(2 * t + 2)
                    .append(", when: {title: {contains: \"[t").append(t).append("]\"}}, route: {team: t").append(t)
                    .append(", escalation: slow").append(t).append(", urgency: high}}\n");
        }
        return yaml.toString();
    }

    /** The n-th alert of the run: a Defender alert whose title names its team, and for one in ten [esc]. */
    private static ObjectNode alert(int n) {
        ObjectNode alert = SampleAlerts.defenderEndpoint();
        alert.put("title", "[t" + n % TEAMS + "]" + (n % ESCALATE_EVERY == 1 ? "[esc] " : " ") + n + " "
                + alert.path("title").asText());
        return alert;
    }

    /** Kept when the test fails: every process's output and settings are there to read. */
    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    static Path dir;

    static LocalProcesses processes;
    static AzureEmulator azure;

    @AfterAll
    static void stop() throws Exception {
        try {
            if (processes != null) {
                processes.close();
            }
        } finally {
            if (azure != null) {
                azure.close();
            }
        }
    }

    @Test
    void everyAlertIsPagedOnceAndEveryResponseReachesGraphOnceWhileEveryProcessIsKilledInTurn() throws Exception {
        long runStarted = System.nanoTime();
        processes = new LocalProcesses(dir, PagerCommand.class);
        List<Child> brokers = processes.brokers(3);
        processes.registry();
        azure = AzureEmulator.start(EmulatorOptions.defaults());
        Path certificate = dir.resolve("emulator-ca.pem");
        azure.writeCertificatePem(certificate);
        Path inbox = dir.resolve("inbox");
        String token = "spt_" + UUID.randomUUID();
        VapidKeys vapid = VapidKeys.generate();
        Map<String, String> settings = new LinkedHashMap<>(DemoConnector.settings(azure, certificate));
        settings.put("topics.alert.partitions", "6");
        settings.put("ingest.poll.interval", "500ms");
        settings.put("notify.inbox.dir", inbox.toString());
        settings.put("links.key", "links-" + UUID.randomUUID());
        settings.put("responder.session.key", "session-" + UUID.randomUUID());
        settings.put("responder.accounts.file", Files.writeString(dir.resolve("accounts.yaml"), "tokens:\n  - {name: chaos,"
                + " user: lead, sha256: \"" + Accounts.digest(token) + "\"}\n").toString());
        settings.put(VapidKeys.PUBLIC_KEY.name(), vapid.publicKeyBase64());
        settings.put(VapidKeys.PRIVATE_KEY.name(), vapid.privateKeyBase64().reveal());
        settings.put(WebPushChannel.Config.SUBJECT.name(), "mailto:soc@contoso.example");

        ServiceContext context = ServiceContext.of(PagerConfig.empty().with(processes.settings()).with(settings),
                new SimpleMeterRegistry(), Clock.systemUTC());
        Path config = Files.createDirectories(dir.resolve("config"));
        Files.writeString(config.resolve("chaos.yaml"), config());
        assertThat(ApplyCommand.apply(context, config, false, new PrintStream(OutputStream.nullOutputStream()),
                System.err)).as("the chaos configuration applied").isTrue();

        // Two of each, started side by side; a responder each with a port of its own.
        Map<String, Child> instances = new LinkedHashMap<>();
        Map<Child, Integer> responderPorts = new HashMap<>();
        for (String service : SERVICES) {
            for (int i = 1; i <= 2; i++) {
                Map<String, String> own = new LinkedHashMap<>(settings);
                int port = EmbeddedKafka.freePort();
                own.put("responder.port", String.valueOf(port));
                Child child = processes.startService(service + "-" + i, service, own);
                instances.put(child.name(), child);
                if (service.equals("responder")) {
                    responderPorts.put(child, port);
                }
            }
        }
        for (Child child : instances.values()) {
            child.awaitReady();
        }
        List<Responder> responders = responderPorts.entrySet().stream()
                .map(e -> new Responder(e.getKey().name(), e.getValue(), token)).sorted((a, b) -> a.name.compareTo(b.name))
                .toList();
        long clusterUp = System.nanoTime();

        ExecutorService load = Executors.newFixedThreadPool(2);
        List<String> alertIds = Collections.synchronizedList(new ArrayList<>());
        LinkedBlockingQueue<Integer> toRespond = new LinkedBlockingQueue<>();
        AtomicBoolean added = new AtomicBoolean();
        Future<?> adding = load.submit(() -> {
            for (int n = 0; n < ALERTS; n++) {
                alertIds.add(azure.alerts().add(alert(n)).get("id").asText());
                if (n % ACK_EVERY == 0) {
                    toRespond.add(n);
                }
                TimeUnit.NANOSECONDS.sleep(ADD_EVERY.toNanos());
            }
            added.set(true);
            return null;
        });
        Map<String, String> responded = new ConcurrentHashMap<>();
        Future<?> responding = load.submit(() -> {
            while (!added.get() || !toRespond.isEmpty()) {
                Integer n = toRespond.poll(1, TimeUnit.SECONDS);
                if (n == null) {
                    continue;
                }
                String key = DemoConnector.ID + ":" + alertIds.get(n);
                // Through one responder, then the other: each must know every alert.
                Responder first = responders.get(n / ACK_EVERY % 2);
                Responder second = responders.get((n / ACK_EVERY + 1) % 2);
                first.actWhen(key, "triggered", "ack", second);
                responded.put(key, "acknowledged");
                if (n % CLOSE_EVERY == 0) {
                    second.actWhen(key, "acknowledged", "close", first);
                    responded.put(key, "resolved");
                }
            }
            return null;
        });

        // Every instance once, one after another, while alerts come in; one broker half-way. The next kill follows
        // as soon as the restarted instance is ready; how long it took to handle its next record is measured aside.
        ExecutorService watching = Executors.newCachedThreadPool();
        Map<String, Future<String>> recoveries = new LinkedHashMap<>();
        List<Child> order = new ArrayList<>(instances.values());
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                processes.bootstrapServers()))) {
            for (int i = 0; i < order.size(); i++) {
                if (i == order.size() / 2) {
                    Child broker = brokers.get(1);
                    long killed = System.nanoTime();
                    long before = sum(deliveries(inbox));
                    broker.kill();
                    long deliveredWithout = awaitMore(() -> sum(deliveries(inbox)), before);
                    broker.restart();
                    long serving = System.nanoTime();
                    recoveries.put(broker.name(), CompletableFuture.completedFuture(String.format(
                            "serving %d ms after kill -9 (restarted once a page was delivered without it); the"
                                    + " next page was delivered %s", millis(killed, serving), deliveredWithout < 0
                                    ? "not within 60 s" : millis(killed, deliveredWithout) + " ms after the kill")));
                }
                Child child = order.get(i);
                String service = child.name().substring(0, child.name().indexOf('-'));
                Responder responder = responders.stream().filter(r -> r.name.equals(child.name())).findFirst()
                        .orElse(null);
                long killed = System.nanoTime();
                child.kill();
                child.restart();
                long ready = System.nanoTime();
                recoveries.put(child.name(), watching.submit(() -> {
                    long handled = awaitHandled(child, service, responder);
                    return String.format("ready %d ms after kill -9; next record handled %s", millis(killed, ready),
                            handled < 0 ? "none within 60 s of ready (it held no work)"
                                    : millis(killed, handled) + " ms after the kill");
                }));
            }

            adding.get(15, TimeUnit.MINUTES);
            responding.get(15, TimeUnit.MINUTES);
            load.shutdown();
            watching.shutdown();
            long loadDone = System.nanoTime();

            // Every alert paged to the on-call analyst at the first step.
            await("every alert paged at its first step").atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofSeconds(2))
                    .until(() -> paged(deliveries(inbox), alertIds, "/round-0/step-0/").size() == ALERTS);
            // Every alert marked [esc] paged to the lead at its second step: nobody acknowledged those.
            await("every escalating alert paged at its second step").atMost(Duration.ofMinutes(5))
                    .pollInterval(Duration.ofSeconds(2))
                    .until(() -> paged(deliveries(inbox), alertIds, "/round-0/step-1/").size() == ALERTS / ESCALATE_EVERY);
            // Every acknowledgement and close in Graph.
            await("every response in Graph").atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofSeconds(2))
                    .until(() -> responded.entrySet().stream().allMatch(e -> lastStatus(e.getKey()).equals(e.getValue())));
            // The same open alerts on both responders: every alert but the closed ones.
            long closed = responded.values().stream().filter("resolved"::equals).count();
            Set<String> expectedOpen = new TreeSet<>();
            synchronized (alertIds) {
                alertIds.forEach(id -> expectedOpen.add(DemoConnector.ID + ":" + id));
            }
            responded.forEach((key, status) -> {
                if (status.equals("resolved")) {
                    expectedOpen.remove(key);
                }
            });
            try {
                await("both responders list every open alert").atMost(Duration.ofMinutes(3))
                        .pollInterval(Duration.ofSeconds(2)).until(() -> responders.stream()
                                .allMatch(r -> r.openAlerts().equals(expectedOpen)));
            } catch (ConditionTimeoutException notYet) {
                for (Responder r : responders) {
                    Listing listing = r.listing();
                    Set<String> listed = listing.keys();
                    assertThat(difference(expectedOpen, listed)).as("open alerts %s does not list (%s)", r.name,
                            listing.answer()).isEmpty();
                    assertThat(difference(listed, expectedOpen)).as("alerts %s lists that are not open", r.name)
                            .isEmpty();
                }
                throw notYet;
            }

            // Each page escalate asked for, delivered: what notifications.out holds now is in the inbox once.
            Map<String, Integer> requested = requested(context);
            await("every page asked for delivered").atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofSeconds(2))
                    .until(() -> deliveries(inbox).keySet().containsAll(requested.keySet()));
            Map<String, Integer> delivered = deliveries(inbox);
            assertThat(duplicates(requested)).as("pages escalate asked for twice").isEmpty();
            assertThat(duplicates(delivered)).as("pages delivered twice to the same inbox").isEmpty();
            assertThat(delivered.keySet()).as("pages delivered that escalate never asked for")
                    .isSubsetOf(requested(context).keySet());

            // Graph: each response written once, the acknowledgement before the close. An acknowledgement still
            // waiting in syncback when the close comes (its instance just killed, say) is merged into the close, as
            // README's "Write-back to Azure" says, and never reaches Graph on its own: then the close is the only write.
            Map<String, List<String>> writes = new TreeMap<>();
            for (Map.Entry<String, String> e : responded.entrySet()) {
                writes.put(e.getKey(), statusWrites(e.getKey()));
            }
            writes.forEach((key, statuses) -> {
                List<List<String>> expected = responded.get(key).equals("resolved")
                        ? List.of(List.of("inProgress", "resolved"), List.of("resolved")) : List.of(List.of("inProgress"));
                // When it fails, what the services wrote for the alert tells which of them repeated or lost a write.
                String trail = expected.contains(statuses) ? "" : trail(context, key);
                assertThat(statuses).as("status writes to Graph for %s; its records:%n%s", key, trail)
                        .isIn(expected);
            });

            Map<String, Long> deadLetters = deadLetters(admin);
            assertThat(deadLetters).as("records in dead-letter topics").allSatisfy((topic, n) -> assertThat(n).isZero());

            long step2 = requested.keySet().stream().filter(id -> id.contains("/step-1/")).count();
            System.out.printf("ClusterChaosIT: 3 brokers, the registry and 2 instances of each of %s, as processes%n"
                            + "  cluster up in %d ms; load (%d alerts, one per %d ms) and kills done after %d ms;"
                            + " converged %d ms later%n"
                            + "  pages asked for: %d (%d first steps, %d second steps); delivered: %d, none twice%n"
                            + "  responses: %d acknowledged, %d of them closed; Graph status writes: %d (%d acknowledgements merged into their close)%n"
                            + "  dead letters: %s%n"
                            + "  recovery after kill -9:%n    %s%n",
                    SERVICES, millis(runStarted, clusterUp), ALERTS, ADD_EVERY.toMillis(), millis(clusterUp, loadDone),
                    millis(loadDone, System.nanoTime()), requested.size(), requested.size() - step2, step2,
                    delivered.size(), responded.size(), closed, writes.values().stream().mapToInt(List::size).sum(),
                    writes.values().stream().filter(List.of("resolved")::equals).count(), deadLetters.isEmpty() ? "no .dlq topic" : deadLetters,
                    recoveryLines(recoveries));
        }
    }

    /**
     * When the restarted instance handled its next record: a record counted in its metrics (Graph alerts written by
     * ingest, alerts enriched, records processed by a Streams service), or for a responder the first list of alerts
     * it served. -1 when none came within 60 s: an instance that holds no partition, or ingest's second instance
     * while the first polls the one connector, has nothing to handle.
     */
    private static long awaitHandled(Child child, String service, Responder responder) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            if (responder != null ? !responder.openAlerts().isEmpty() : handled(child, service) > 0) {
                return System.nanoTime();
            }
            // Another process, on its own time: nothing to advance.
            Thread.sleep(100);
        }
        return -1;
    }

    /** The records the instance has handled since it started, from its /metrics. */
    private static double handled(Child child, String service) {
        String metric = switch (service) {
            case "ingest" -> "pager_ingest_alerts_total";
            case "enrich" -> "pager_enrich_records_total";
            default -> "kafka_stream_thread_process_total";
        };
        try {
            String text = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + child.healthPort()
                    + "/metrics")).timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString()).body();
            return text.lines().filter(l -> l.startsWith(metric + "{") || l.startsWith(metric + " "))
                    .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
        } catch (IOException | InterruptedException notNow) {
            return 0;
        }
    }

    /** Up to 20 of the elements of {@code a} that {@code b} does not have, and how many there are in all. */
    private static List<String> difference(Set<String> a, Set<String> b) {
        List<String> missing = a.stream().filter(e -> !b.contains(e)).toList();
        List<String> shown = new ArrayList<>(missing.subList(0, Math.min(20, missing.size())));
        if (missing.size() > shown.size()) {
            shown.add("… " + missing.size() + " in all");
        }
        return shown;
    }

    private static long sum(Map<String, Integer> counts) {
        return counts.values().stream().mapToLong(Integer::longValue).sum();
    }

    private static String recoveryLines(Map<String, Future<String>> recoveries) throws Exception {
        List<String> lines = new ArrayList<>();
        for (Map.Entry<String, Future<String>> e : recoveries.entrySet()) {
            lines.add(String.format("%-12s %s", e.getKey(), e.getValue().get(2, TimeUnit.MINUTES)));
        }
        return String.join("\n    ", lines);
    }

    /** When {@code count} first exceeded {@code before}, or -1 if not within 60 s. */
    private static long awaitMore(java.util.function.LongSupplier count, long before) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            if (count.getAsLong() > before) {
                return System.nanoTime();
            }
            Thread.sleep(100);
        }
        return -1;
    }

    /** Every delivery id in the inbox files, with how often it is there, per inbox ({@code <inbox> <id>}). */
    private static Map<String, Integer> deliveries(Path inbox) {
        Map<String, Integer> ids = new HashMap<>();
        if (!Files.isDirectory(inbox)) {
            return ids;
        }
        try (var files = Files.list(inbox)) {
            for (Path file : files.toList()) {
                for (String line : Files.readAllLines(file)) {
                    Matcher m = DELIVERY_IDS.matcher(line);
                    if (m.find()) {
                        for (String id : m.group(1).split(" ")) {
                            ids.merge(id, 1, Integer::sum);
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return ids;
    }

    /** The alerts of the run with a page at this step ({@code /round-0/step-0/}) among the deliveries. */
    private static Set<String> paged(Map<String, Integer> deliveries, List<String> alertIds, String step) {
        Set<String> wanted = new HashSet<>();
        synchronized (alertIds) {
            alertIds.forEach(id -> wanted.add(DemoConnector.ID + ":" + id));
        }
        Set<String> paged = new HashSet<>();
        for (String id : deliveries.keySet()) {
            int at = id.indexOf(step);
            if (at > 0 && wanted.contains(id.substring(0, at))) {
                paged.add(id.substring(0, at));
            }
        }
        return paged;
    }

    /** The notification ids on notifications.out and its urgent lane, committed, with how often each is there. */
    private static Map<String, Integer> requested(ServiceContext context) {
        Map<String, Integer> ids = new HashMap<>();
        try (KafkaConsumer<String, NotificationRequest> consumer = new KafkaConsumer<>(context.consumerConfig(null),
                new StringDeserializer(), context.serdes().value(NotificationRequest.class).deserializer())) {
            List<TopicPartition> partitions = Stream.of(Topics.NOTIFICATIONS_OUT, Topics.NOTIFICATIONS_URGENT)
                    .flatMap(topic -> consumer.partitionsFor(topic.name()).stream())
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                for (ConsumerRecord<String, NotificationRequest> r : consumer.poll(Duration.ofMillis(500))) {
                    ids.merge(r.value().getNotificationId(), 1, Integer::sum);
                }
            }
        }
        return ids;
    }

    /** Every record under the alert's key on the topics between a response and Graph, with where it is. */
    private static String trail(ServiceContext context, String key) {
        StringBuilder out = new StringBuilder();
        for (String topic : List.of(Topics.ALERT_ACTIONS.name(), Topics.SYNC_COMMANDS.name(),
                Topics.SYNC_RESULTS.name())) {
            for (ConsumerRecord<String, SpecificRecord> r : Pipeline.records(context, topic, key,
                    context.serdes().anyValue().deserializer())) {
                out.append(r.topic()).append('-').append(r.partition()).append('@').append(r.offset())
                        .append(' ').append(r.value()).append(System.lineSeparator());
            }
        }
        return out.toString();
    }

    private static Set<String> duplicates(Map<String, Integer> counts) {
        Set<String> twice = new TreeSet<>();
        counts.forEach((id, n) -> {
            if (n > 1) {
                twice.add(id + " (" + n + " times)");
            }
        });
        return twice;
    }

    /** The statuses syncback wrote to the alert in Graph, in order. */
    private static List<String> statusWrites(String key) {
        String id = key.substring(DemoConnector.ID.length() + 1);
        return azure.alerts().history(id).orElseThrow().stream().map(entry -> entry.path("changes").path("status"))
                .filter(JsonNode::isTextual).map(JsonNode::asText).toList();
    }

    private static String lastStatus(String key) {
        List<String> writes = statusWrites(key);
        String status = writes.isEmpty() ? "" : writes.get(writes.size() - 1);
        return status.equals("inProgress") ? "acknowledged" : status;
    }

    /** Records in each dead-letter topic. */
    private static Map<String, Long> deadLetters(Admin admin) throws Exception {
        Map<String, Long> counts = new TreeMap<>();
        for (String topic : admin.listTopics().names().get()) {
            if (topic.endsWith(".dlq")) {
                var partitions = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions();
                Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
                partitions.forEach(p -> latest.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest()));
                long n = admin.listOffsets(latest).all().get().values().stream().mapToLong(o -> o.offset()).sum();
                counts.put(topic, n);
            }
        }
        return counts;
    }

    private static long millis(long from, long to) {
        return Duration.ofNanos(to - from).toMillis();
    }

    /** A responder's answer to a list of open alerts: the keys, and what it said. */
    private record Listing(Set<String> keys, String answer) {
    }

    /** One responder instance, asked as the lead, who is in every team, with an API token. */
    private record Responder(String name, int port, String token) {

        /** The keys of the open alerts it lists; empty when it does not answer. */
        Set<String> openAlerts() {
            return listing().keys();
        }

        /** What it answers to a list of the open alerts: their keys, or why there are none. */
        Listing listing() {
            try {
                HttpResponse<String> r = HTTP.send(request("/api/alerts").timeout(Duration.ofSeconds(30)).GET().build(),
                        HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() != 200) {
                    return new Listing(Set.of(), "HTTP " + r.statusCode() + ": " + r.body());
                }
                Set<String> keys = new TreeSet<>();
                JSON.readTree(r.body()).forEach(a -> keys.add(a.required("key").asText()));
                return new Listing(keys, "HTTP 200 with " + keys.size() + " alerts");
            } catch (IOException | InterruptedException down) {
                return new Listing(Set.of(), down.toString());
            }
        }

        /**
         * Once it shows the alert in {@code status}, {@code action}s it; asks {@code other} while it is down (being
         * killed and restarted). One Idempotency-Key for the action, so a retry after a lost answer is applied once.
         */
        void actWhen(String key, String status, String action, Responder other) throws InterruptedException {
            String idempotencyKey = UUID.randomUUID().toString();
            // Generous: the first minutes of a run, cold JVMs restarted one after another on two cores, have held
            // the first pages for six minutes; this bounds a hang, not the pipeline's speed.
            long deadline = System.nanoTime() + PAGED_WITHIN.toNanos();
            Responder at = this;
            while (System.nanoTime() < deadline) {
                try {
                    HttpResponse<String> shown = HTTP.send(at.request("/api/alerts/" + key).GET().build(),
                            HttpResponse.BodyHandlers.ofString());
                    if (shown.statusCode() == 200 && JSON.readTree(shown.body()).path("status").asText().equals(status)) {
                        int code = HTTP.send(at.request("/api/alerts/" + key + "/" + action)
                                .header("Idempotency-Key", idempotencyKey).POST(HttpRequest.BodyPublishers.noBody())
                                .build(), HttpResponse.BodyHandlers.ofString()).statusCode();
                        if (code == 202) {
                            return;
                        }
                    }
                } catch (IOException down) {
                    at = at == this ? other : this;
                }
                // Waiting for the alert to be paged, or the instance to come back: other processes' time.
                Thread.sleep(200);
            }
            throw new AssertionError(action + " of " + key + " through " + name + " or " + other.name
                    + " not accepted within " + PAGED_WITHIN.toMinutes() + " minutes");
        }

        private HttpRequest.Builder request(String path) {
            return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .timeout(Duration.ofSeconds(10)).header("Authorization", "Bearer " + token);
        }
    }
}
