package io.sentinelpager.app;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sentinelpager.emulator.AzureEmulator;
import io.sentinelpager.emulator.SampleAlerts;
import io.sentinelpager.platform.config.PagerConfig;
import io.sentinelpager.platform.local.LocalCluster;
import io.sentinelpager.responder.ResponderService;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code pager demo}: the whole product on this machine, no Azure account needed. A real Kafka broker and schema
 * registry, the Azure emulator seeded with Microsoft's published example alerts (and a new one every few seconds), a
 * mail server that saves the e-mail pages as files, every service, the responder API, and an analyst who acknowledges
 * and closes alerts through that API now and then. Ctrl-C stops everything.
 */
@Command(name = "demo", description = "Run broker, registry, emulated Azure, every service and the responder API"
        + " on this machine, with a live trace of the alert flow.")
final class DemoCommand implements Callable<Integer> {

    @Option(names = "--responder-port", defaultValue = "8080", description = "port of the responder API (default 8080)")
    int responderPort;

    @Option(names = "--health-port", defaultValue = "8081", description = "port of health and metrics (default 8081)")
    int healthPort;

    @Option(names = "--alert-every", defaultValue = "PT20S",
            description = "add a new emulated alert this often (ISO-8601, default PT20S; PT0S for none)")
    Duration alertEvery;

    @Option(names = "--analyst-every", defaultValue = "PT1M",
            description = "the demo's analyst closes an acknowledged alert and acknowledges a new one this often,"
                    + " through the responder API (ISO-8601, default PT1M; PT0S for never)")
    Duration analystEvery;

    @Option(names = "--inbox", defaultValue = "pager-inbox", description = "directory of the inbox channel")
    Path inbox;

    @Option(names = "--mail", defaultValue = "pager-mail",
            description = "directory where the demo's mail server saves each e-mail page as an .eml file")
    Path mail;

    @Option(names = {"-c", "--config"}, description = "extra settings (properties or YAML) on top of the demo's")
    Path config;

    @Option(names = {"-f", "--file"},
            description = "on-call configuration to apply (users, teams, schedules, escalations, policies);"
                    + " default the checkout's examples/config")
    Path directory;

    @Override
    public Integer call() throws Exception {
        long started = System.nanoTime();
        PagerConfig given = Services.settings(config);
        // Not a default value of the option: those resolve against the caller's directory, and this is the checkout's.
        Path onCall = directory != null ? directory : Path.of("examples", "config");
        System.out.println("Starting Kafka broker, schema registry, Azure emulator and mail server...");
        Clock clock = Clock.systemUTC();
        DemoMailbox mailbox = DemoMailbox.start(mail.toAbsolutePath(), clock);
        Map<String, String> own = new HashMap<>(mailbox.settings());
        own.putAll(Map.of(
                "health.port", String.valueOf(healthPort),
                "responder.port", String.valueOf(responderPort),
                "notify.inbox.dir", inbox.toAbsolutePath().toString(),
                "escalate.responder.url", "http://127.0.0.1:" + responderPort,
                "notify.responder.url", "http://127.0.0.1:" + responderPort));
        EmbeddedPager pager = EmbeddedPager.start(given, own, 1, clock);
        AzureEmulator azure = pager.azure();
        seed(azure);
        if (!pager.apply(onCall, System.out, System.err)) {
            pager.close();
            mailbox.close();
            return 1;
        }
        FlowTrace trace = new FlowTrace(pager.context(), System.out);
        ScheduledExecutorService generator = Executors.newSingleThreadScheduledExecutor();
        if (!alertEvery.isZero()) {
            Random random = new Random();
            generator.scheduleAtFixedRate(() -> addInItsIncident(azure, SampleAlerts.random(random)),
                    alertEvery.toMillis(), alertEvery.toMillis(), TimeUnit.MILLISECONDS);
        }

        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("\nStopping...");
            generator.shutdownNow();
            trace.close();
            pager.close();
            // After notify, which may be sending to it.
            mailbox.close();
            stopped.countDown();
        }, "demo-stop"));

        pager.awaitReady();
        int port = pager.runner().services().stream().filter(s -> s instanceof ResponderService)
                .map(s -> ((ResponderService) s).port()).findFirst().orElse(responderPort);
        if (!analystEvery.isZero()) {
            generator.scheduleAtFixedRate(new DemoAnalyst("http://127.0.0.1:" + port, pager.logins().token()),
                    analystEvery.toMillis(), analystEvery.toMillis(), TimeUnit.MILLISECONDS);
        }
        printBanner(pager.cluster(), azure, mailbox, port, pager.runner().healthPort(), pager.logins(),
                Duration.ofNanos(System.nanoTime() - started));
        stopped.await();
        return 0;
    }

    /** Microsoft's published example alerts, so that the first poll has something to page. */
    private static void seed(AzureEmulator azure) {
        addInItsIncident(azure, SampleAlerts.defenderEndpoint());
        addInItsIncident(azure, DemoConnector.sentinelSampleAlert());
    }

    /**
     * Adds the alert to the tenant with an incident of its own, as Defender files every alert under an incident:
     * syncback rolls an acknowledged or closed alert up to its incident, and one the tenant does not have is refused.
     */
    private static void addInItsIncident(AzureEmulator azure, ObjectNode alert) {
        String incident = azure.graphIncidents().add(JsonNodeFactory.instance.objectNode()
                .put("displayName", alert.path("title").asText())
                .put("severity", alert.path("severity").asText())).get("id").asText();
        azure.alerts().add(alert.put("incidentId", incident));
    }

    private void printBanner(LocalCluster cluster, AzureEmulator azure, DemoMailbox mailbox, int responder, int health,
                             DemoAccounts logins, Duration took) {
        String lib = Path.of("app", "target", "lib").toAbsolutePath() + "/*";
        String analyst = analystEvery.isZero() ? "off (--analyst-every)" : "with the token above, closes an"
                + " acknowledged alert and acknowledges a new one every " + analystEvery.toSeconds() + " s";
        System.out.printf("""

                Sentinel Pager demo is running (ready in %.1f s). Ctrl-C stops it.
                  Kafka broker       %s
                  Schema registry    %s   (Confluent-compatible: %s)
                  Azure emulator     %s   (Graph: %s)
                  Responder app      http://127.0.0.1:%d/   (log in as %s, password %s; manager is an admin)
                  Health, metrics    http://127.0.0.1:%d/health/ready   http://127.0.0.1:%d/metrics
                  Inbox              %s
                  Mail               %s   (SMTP 127.0.0.1:%d; each e-mail page saved as an .eml file)

                Read the pages:       tail -f %s/*.log
                Read the mails:       ls %s   (open one with any mail client)
                The API with a token: curl -H 'Authorization: Bearer %s' http://127.0.0.1:%d/api/alerts
                Acknowledge one:      curl -X POST -H 'Authorization: Bearer %s' http://127.0.0.1:%d/api/alerts/<key>/ack
                The demo's analyst:   %s
                Tail a topic:         ./pager tail alerts.raw --bootstrap-server %s --registry-url %s
                Kafka console consumer:
                  java -cp '%s' org.apache.kafka.tools.consumer.ConsoleConsumer --bootstrap-server %s \\
                    --include 'alerts\\.raw(\\.urgent)?' --from-beginning --formatter-property print.key=true \\
                    --formatter-property value.deserializer=io.apicurio.registry.serde.avro.AvroKafkaDeserializer \\
                    --formatter-property value.deserializer.apicurio.registry.url=%s

                """, took.toMillis() / 1000.0, cluster.bootstrapServers(), cluster.registryUrl(), cluster.ccompatUrl(),
                azure.baseUrl(), azure.graphBaseUrl(), responder, String.join(" / ", logins.users()), logins.password(),
                health, health, inbox.toAbsolutePath(), mailbox.directory(), mailbox.port(), inbox.toAbsolutePath(),
                mailbox.directory(), logins.token(), responder, logins.token(), responder, analyst,
                cluster.bootstrapServers(), cluster.registryUrl(), lib,
                cluster.bootstrapServers(), cluster.registryUrl());
    }
}
