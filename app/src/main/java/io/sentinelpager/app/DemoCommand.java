package io.sentinelpager.app;

import io.sentinelpager.emulator.AzureEmulator;
import io.sentinelpager.emulator.EmulatorOptions;
import io.sentinelpager.emulator.SampleAlerts;
import io.sentinelpager.notify.WebPushChannel;
import io.sentinelpager.platform.config.PagerConfig;
import io.sentinelpager.platform.local.LocalCluster;
import io.sentinelpager.platform.security.VapidKeys;
import io.sentinelpager.platform.service.ServiceContext;
import io.sentinelpager.platform.service.ServiceRunner;
import io.sentinelpager.responder.ResponderService;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
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
 * registry, the Azure emulator seeded with Microsoft's published example alerts (and a new one every few seconds),
 * every service, and the responder API. Ctrl-C stops everything.
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

    @Option(names = "--inbox", defaultValue = "pager-inbox", description = "directory of the inbox channel")
    Path inbox;

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
        System.out.println("Starting Kafka broker, schema registry and Azure emulator...");
        LocalCluster cluster = LocalCluster.start();
        AzureEmulator azure = AzureEmulator.start(EmulatorOptions.defaults());
        Path work = Files.createTempDirectory("pager-demo-");
        Path certificate = work.resolve("emulator-ca.pem");
        azure.writeCertificatePem(certificate);
        seed(azure);
        DemoAccounts logins = DemoAccounts.write(work, List.of("analyst", "lead", "manager"), "manager");

        PagerConfig settings = given.with(cluster.settings()).with(Map.of(
                "state.dir", work.resolve("state").toString(),
                "health.port", String.valueOf(healthPort),
                "responder.port", String.valueOf(responderPort),
                "responder.accounts.file", logins.file().toString(),
                "notify.inbox.dir", inbox.toAbsolutePath().toString(),
                "ingest.poll.interval", "2s",
                "escalate.responder.url", "http://127.0.0.1:" + responderPort,
                "notify.responder.url", "http://127.0.0.1:" + responderPort,
                // Pages in the inbox carry one-click links (acknowledge, take ownership) the responder honours.
                "links.key", logins.linksKey()))
                .with(demoVapid(given))
                .with(DemoConnector.settings(azure, certificate));
        ServiceContext context = ServiceContext.of(settings, io.micrometer.core.instrument.Metrics.globalRegistry,
                Clock.systemUTC());

        ServiceRunner runner = ServiceRunner.start(settings, Services.ALL, Clock.systemUTC());
        if (!ApplyCommand.apply(context, onCall, false, System.out, System.err)) {
            runner.close();
            azure.close();
            cluster.close();
            return 1;
        }
        FlowTrace trace = new FlowTrace(context, System.out);
        ScheduledExecutorService newAlerts = Executors.newSingleThreadScheduledExecutor();
        if (!alertEvery.isZero()) {
            Random random = new Random();
            newAlerts.scheduleAtFixedRate(() -> azure.alerts().add(SampleAlerts.random(random)),
                    alertEvery.toMillis(), alertEvery.toMillis(), TimeUnit.MILLISECONDS);
        }

        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("\nStopping...");
            newAlerts.shutdownNow();
            trace.close();
            runner.close();
            azure.close();
            cluster.close();
            stopped.countDown();
        }, "demo-stop"));

        awaitReady(runner);
        int port = runner.services().stream().filter(s -> s instanceof ResponderService)
                .map(s -> ((ResponderService) s).port()).findFirst().orElse(responderPort);
        printBanner(cluster, azure, port, runner.healthPort(), logins, Duration.ofNanos(System.nanoTime() - started));
        stopped.await();
        return 0;
    }

    /**
     * A VAPID pair made at each start, so that the app's push opt-in works in the demo (browsers allow push from
     * http://127.0.0.1); phones subscribed in an earlier run must turn push on again. A pair in --config or the
     * environment wins.
     */
    private static Map<String, String> demoVapid(PagerConfig given) {
        if (given.optional(VapidKeys.PUBLIC_KEY).isPresent()) {
            return Map.of();
        }
        VapidKeys keys = VapidKeys.generate();
        return Map.of(VapidKeys.PUBLIC_KEY.name(), keys.publicKeyBase64(),
                VapidKeys.PRIVATE_KEY.name(), keys.privateKeyBase64().reveal(),
                WebPushChannel.Config.SUBJECT.name(), "mailto:demo@sentinel-pager.invalid");
    }

    private static void seed(AzureEmulator azure) {
        DemoConnector.seedWorkspace(azure);
        azure.alerts().add(SampleAlerts.defenderEndpoint());
        azure.alerts().add(DemoConnector.sentinelSampleAlert());
    }

    private static void awaitReady(ServiceRunner runner) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (!runner.ready() && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
    }

    private void printBanner(LocalCluster cluster, AzureEmulator azure, int responder, int health, DemoAccounts logins,
                             Duration took) {
        String lib = Path.of("app", "target", "lib").toAbsolutePath() + "/*";
        System.out.printf("""

                Sentinel Pager demo is running (ready in %.1f s). Ctrl-C stops it.
                  Kafka broker       %s
                  Schema registry    %s   (Confluent-compatible: %s)
                  Azure emulator     %s   (Graph: %s)
                  Responder app      http://127.0.0.1:%d/   (log in as %s, password %s; manager is an admin)
                  Health, metrics    http://127.0.0.1:%d/health/ready   http://127.0.0.1:%d/metrics
                  Inbox              %s

                Read the pages:       tail -f %s/*.log
                The API with a token: curl -H 'Authorization: Bearer %s' http://127.0.0.1:%d/api/alerts
                Acknowledge one:      curl -X POST -H 'Authorization: Bearer %s' http://127.0.0.1:%d/api/alerts/<key>/ack
                Tail a topic:         ./pager tail alerts.raw --bootstrap-server %s --registry-url %s
                Kafka console consumer:
                  java -cp '%s' org.apache.kafka.tools.consumer.ConsoleConsumer --bootstrap-server %s \\
                    --topic alerts.raw --from-beginning --formatter-property print.key=true \\
                    --formatter-property value.deserializer=io.apicurio.registry.serde.avro.AvroKafkaDeserializer \\
                    --formatter-property value.deserializer.apicurio.registry.url=%s

                """, took.toMillis() / 1000.0, cluster.bootstrapServers(), cluster.registryUrl(), cluster.ccompatUrl(),
                azure.baseUrl(), azure.graphBaseUrl(), responder, String.join(" / ", logins.users()), logins.password(),
                health, health, inbox.toAbsolutePath(), inbox.toAbsolutePath(), logins.token(), responder,
                logins.token(), responder, cluster.bootstrapServers(), cluster.registryUrl(), lib,
                cluster.bootstrapServers(), cluster.registryUrl());
    }
}
