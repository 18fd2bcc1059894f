package io.sentinelpager.e2e;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.sentinelpager.app.DemoConnector;
import io.sentinelpager.app.ApplyCommand;
import io.sentinelpager.app.Services;
import io.sentinelpager.azure.Connectors;
import io.sentinelpager.emulator.AzureEmulator;
import io.sentinelpager.emulator.SampleAlerts;
import io.sentinelpager.emulator.EmulatorOptions;
import io.sentinelpager.emulator.SentinelWorkspace;
import io.sentinelpager.notify.WebPushChannel;
import io.sentinelpager.platform.config.PagerConfig;
import io.sentinelpager.platform.config.Secret;
import io.sentinelpager.platform.local.LocalCluster;
import io.sentinelpager.platform.security.VapidKeys;
import io.sentinelpager.platform.service.ServiceContext;
import io.sentinelpager.platform.service.ServiceRunner;
import io.sentinelpager.responder.ResponderApp;
import io.sentinelpager.responder.ResponderService;
import io.sentinelpager.responder.auth.Accounts;
import io.sentinelpager.responder.auth.Passwords;
import io.sentinelpager.schemas.AlertAction;
import io.sentinelpager.schemas.Topics;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * The whole product as {@code pager demo} runs it — every service on the JVM's shared broker and registry, against
 * the Azure emulator — started once and shared by the end-to-end tests.
 */
final class Pipeline {

    /** The configuration the repository ships and the demo applies. */
    static final Path EXAMPLES = Path.of("..", "examples", "config");
    /**
     * A second connector beside the demo's Graph one: the same emulated tenant's Sentinel workspace, read through ARM
     * ({@code source=sentinel}). Nothing is in the workspace until a test adds an incident.
     */
    static final String SENTINEL = "sentinel";
    static final SentinelWorkspace SENTINEL_WORKSPACE =
            new SentinelWorkspace(DemoConnector.SUBSCRIPTION_ID, "soc-e2e", "sentinel-e2e");

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static Pipeline shared;

    final LocalCluster cluster;
    final AzureEmulator azure;
    final ServiceRunner runner;
    /** The settings every service of this pipeline runs with. */
    final PagerConfig settings;
    final ServiceContext context;
    /** The example configuration and the people only these tests have, as applied at the start. */
    final Path config;
    final Path inbox;
    final Path emulatorCertificate;
    /** Everyone's password in the responder's accounts file; made per run, like the demo's. */
    final String password = "pw-" + UUID.randomUUID();
    /**
     * API tokens by user: the example config's analyst (team soc), an auditor who is in no team, and the manager, an
     * admin, who sees pages of teams that are not configured.
     */
    /** Shared by notify (signs links) and the responder (verifies links and Twilio's signature). */
    final String linksKey = "links-" + UUID.randomUUID();
    final String twilioAuthToken = "twilio-" + UUID.randomUUID();
    /** Where the phones of these tests subscribe: allowed by the settings, though on loopback. */
    static final String PUSH_ORIGIN = "https://127.0.0.1:8443";
    /** The VAPID pair notify signs with and the responder hands to the app; made per run, like the demo's. */
    final VapidKeys vapid = VapidKeys.generate();
    final Map<String, String> tokens = Map.of("analyst", "spt_" + UUID.randomUUID(), "auditor", "spt_" + UUID.randomUUID(),
            "manager", "spt_" + UUID.randomUUID());

    private Pipeline(LocalCluster cluster) throws IOException {
        this.cluster = cluster;
        Path work = Files.createTempDirectory("pager-e2e-");
        inbox = work.resolve("inbox");
        azure = AzureEmulator.start(EmulatorOptions.defaults());
        Path certificate = work.resolve("emulator-ca.pem");
        azure.writeCertificatePem(certificate);
        emulatorCertificate = certificate;
        settings = PagerConfig.empty().with(cluster.settings()).with(Map.of(
                "state.dir", work.resolve("state").toString(),
                "health.port", "0",
                "responder.port", "0",
                "responder.accounts.file", writeAccounts(work).toString(),
                "notify.inbox.dir", inbox.toString(),
                "ingest.poll.interval", "500ms",
                // Shared by every responder instance a test starts beside the pipeline's, as in production.
                "responder.session.key", "session-" + UUID.randomUUID(),
                VapidKeys.PUBLIC_KEY.name(), vapid.publicKeyBase64(),
                VapidKeys.PRIVATE_KEY.name(), vapid.privateKeyBase64().reveal(),
                WebPushChannel.Config.SUBJECT.name(), "mailto:soc@contoso.example")).with(Map.of(
                "links.key", linksKey,
                "twilio.auth.token", twilioAuthToken,
                // Sign-in with the emulated Entra ID, beside the local accounts.
                "responder.oidc.issuer", azure.oidcIssuer(),
                "responder.oidc.client.id", azure.options().clientId(),
                "responder.oidc.client.secret", azure.options().clientSecret(),
                "responder.oidc.trust.pem", certificate.toString())).with(Map.of(
                // Phones in these tests subscribe with a push service on loopback, where nothing listens: the one
                // exemption from the rule that push endpoints resolve to public addresses, which tests alone set.
                "push.hosts", "fcm.googleapis.com,127.0.0.1",
                "push.unsafe.local.origin", PUSH_ORIGIN,
                // A TLS proxy's address, which only ResponderAbuseIT connects from; every other test's requests come
                // from 127.0.0.1 or 127.0.0.2, whose X-Forwarded-For is still ignored.
                "responder.trusted.proxies", ResponderAbuseIT.PROXY.getHostAddress())).with(DemoConnector.settings(azure, certificate))
                .with(sentinelConnector(azure, certificate));
        context = ServiceContext.of(settings, new SimpleMeterRegistry(), Clock.systemUTC());
        runner = ServiceRunner.start(settings, Services.ALL, Clock.systemUTC());
        config = Files.createDirectories(work.resolve("config"));
        copyExamples(config);
        // Accounts of people in no team are on-call users all the same: only those may log in.
        Files.writeString(config.resolve("e2e-people.yaml"), """
                users:
                  - {id: auditor, name: Audrey Auditor, email: auditor@contoso.example}
                  - {id: intern, name: Ira Intern, email: intern@contoso.example}
                """);
        if (!ApplyCommand.apply(context, config, false, System.out, System.err)) {
            throw new IllegalStateException("the example configuration did not apply");
        }
        // Only on-call users may log in: the tests start once the responder knows them, from each file applied.
        await("on-call users known to the responder").atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(200)).ignoreExceptions()
                .until(() -> isOnCallUser("analyst") && isOnCallUser("auditor"));
    }

    /** Whether the responder names the user as the on-call config does, asked with the user's API token. */
    private boolean isOnCallUser(String user) throws Exception {
        HttpResponse<String> me = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + responderPort()
                + "/api/me")).header("Authorization", "Bearer " + tokens.get(user)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        return me.statusCode() == 200 && !JSON.readTree(me.body()).path("name").asText().equals(user);
    }

    /**
     * Another responder instance on the same cluster, with the same keys and accounts, its state in this directory and
     * its time from this clock; started, and closed by the caller. A second one with the first one's directory is that
     * instance restarted.
     */
    ResponderService anotherResponder(Path stateDir, Clock clock) {
        ResponderService responder = (ResponderService) ResponderApp.create(ServiceContext.of(
                settings.with(Map.of("state.dir", stateDir.toString())), new SimpleMeterRegistry(), clock));
        responder.start();
        return responder;
    }

    /**
     * Applies the example configuration together with one file of a test's own, e.g. a policy that matches only that
     * test's alerts, so that the other tests on this shared pipeline route as before.
     */
    void applyExamplesWith(Path dir, String fileName, String yaml) throws IOException {
        copyExamples(dir);
        Files.writeString(dir.resolve(fileName), yaml);
        if (!ApplyCommand.apply(context, dir, false, new PrintStream(OutputStream.nullOutputStream()), System.err)) {
            throw new IllegalStateException(fileName + " did not apply with the example configuration");
        }
    }

    private static void copyExamples(Path dir) throws IOException {
        try (var files = Files.list(EXAMPLES)) {
            for (Path f : files.toList()) {
                Files.copy(f, dir.resolve(f.getFileName()));
            }
        }
    }

    private static Map<String, String> sentinelConnector(AzureEmulator azure, Path certificate) {
        EmulatorOptions app = azure.options();
        Map<String, String> settings = new LinkedHashMap<>(Connectors.settings(SENTINEL, app.tenantId(),
                app.clientId(), Secret.of(app.clientSecret()), azure.authorityHost(), azure.graphBaseUrl(), certificate));
        settings.put(Connectors.source(SENTINEL).name(), "sentinel");
        settings.put(Connectors.managementUrl(SENTINEL).name(), azure.managementUrl());
        settings.put(Connectors.subscriptionId(SENTINEL).name(), SENTINEL_WORKSPACE.subscriptionId());
        settings.put(Connectors.resourceGroup(SENTINEL).name(), SENTINEL_WORKSPACE.resourceGroup());
        settings.put(Connectors.workspaceName(SENTINEL).name(), SENTINEL_WORKSPACE.workspaceName());
        return settings;
    }

    /**
     * Everyone logs in with {@link #password}; manager is an admin; auditor and intern are in no team; leaver is an
     * on-call user only while a test applies one.
     */
    private Path writeAccounts(Path work) throws IOException {
        String hash = Passwords.hash(password.toCharArray());
        StringBuilder yaml = new StringBuilder("accounts:\n");
        for (String user : List.of("analyst", "lead", "auditor", "intern", "manager", "leaver")) {
            yaml.append("  - {user: ").append(user).append(", password: \"").append(hash).append("\"")
                    .append(user.equals("manager") ? ", admin: true" : "").append("}\n");
        }
        yaml.append("tokens:\n");
        tokens.forEach((user, token) -> yaml.append("  - {name: ").append(user).append("-token, user: ").append(user)
                .append(", sha256: \"").append(Accounts.digest(token)).append("\"}\n"));
        return Files.writeString(work.resolve("accounts.yaml"), yaml);
    }

    static synchronized Pipeline shared(LocalCluster cluster) {
        if (shared == null) {
            try {
                shared = new Pipeline(cluster);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            cluster.closeBeforeStopping(shared.azure);
            cluster.closeBeforeStopping(shared.runner);
        }
        return shared;
    }

    /** The records with this key on the topic, from its start to its end as of now, read with the value deserializer. */
    <V> List<ConsumerRecord<String, V>> records(String topic, String key, Deserializer<V> values) {
        return records(context, topic, key, values);
    }

    /** The same, for a test that runs its own processes and so has only their context. */
    static <V> List<ConsumerRecord<String, V>> records(ServiceContext context, String topic, String key,
                                                       Deserializer<V> values) {
        List<ConsumerRecord<String, V>> out = new ArrayList<>();
        try (KafkaConsumer<String, V> consumer = new KafkaConsumer<>(context.consumerConfig(null),
                new StringDeserializer(), values)) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                consumer.poll(Duration.ofMillis(500)).forEach(r -> {
                    if (r.key().equals(key)) {
                        out.add(r);
                    }
                });
            }
        }
        return out;
    }

    /** The actions on alert.actions for the alert that came through the channel (api, app, sms, link, voice). */
    List<AlertAction> actions(String alertKey, String channel) {
        return records(Topics.ALERT_ACTIONS.name(), alertKey, context.serdes().value(AlertAction.class).deserializer())
                .stream().map(ConsumerRecord::value).filter(a -> channel.equals(a.getChannel())).toList();
    }

    /** A new alert in the emulated tenant, once the responder shows it paged: its key. */
    String pagedAlert() {
        String key = DemoConnector.ID + ":" + azure.alerts().add(SampleAlerts.defenderEndpoint()).get("id").asText();
        await("alert paged").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .until(() -> "triggered".equals(status(key)));
        return key;
    }

    /** The alert's status as the analyst sees it in the responder, or {@code http <code>} when it is not shown. */
    String status(String key) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + responderPort()
                        + "/api/alerts/" + key)).header("Authorization", "Bearer " + tokens.get("analyst")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        return r.statusCode() == 200 ? JSON.readTree(r.body()).path("status").asText() : "http " + r.statusCode();
    }

    int responderPort() {
        return runner.services().stream().filter(s -> s instanceof ResponderService)
                .map(s -> ((ResponderService) s).port()).findFirst().orElseThrow();
    }

    /** Every page delivered so far, whoever received it. */
    String inboxText() throws IOException {
        if (!Files.isDirectory(inbox)) {
            return "";
        }
        StringBuilder out = new StringBuilder();
        try (var files = Files.list(inbox)) {
            for (Path file : files.sorted().toList()) {
                out.append(Files.readString(file));
            }
        }
        return out.toString();
    }
}
