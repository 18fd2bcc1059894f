package io.sentinelpager.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sentinelpager.platform.local.EmbeddedKafka;
import io.sentinelpager.platform.security.Tls;
import io.sentinelpager.schemas.Topics;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's "From an empty cluster to pages", line by line as an operator types it: the lines and the pager.yaml
 * are read from the README, so the two cannot drift apart. Each {@code pager} line is a process of its own, the
 * broker and the registry included, started as the ./pager script starts it: from the checkout, with the directory
 * the operator stands in as {@code PAGER_CALLER_DIR}. Only the README's ports are replaced, by free ones.
 */
class OperatorPathIT {

    private static final Path CHECKOUT = Path.of("..").toAbsolutePath().normalize();
    private static final String SECTION = "### From an empty cluster to pages";
    private static final String PASSWORD = "operator-path-password";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private final List<Process> processes = new ArrayList<>();
    private final Map<Process, Path> logs = new LinkedHashMap<>();
    private final Map<String, String> ports = new LinkedHashMap<>();
    private int launched;

    @BeforeEach
    void operatorsDirectory() throws IOException {
        // The README's ports, each replaced by a free one: other tests and demos run on this machine.
        for (String port : List.of("9092", "9093", "8085", "8443", "8080")) {
            ports.put(port, String.valueOf(EmbeddedKafka.freePort()));
        }
        copy(CHECKOUT.resolve("examples").resolve("config"), dir.resolve("examples").resolve("config"));
        Files.writeString(dir.resolve("pager.yaml"), withPorts(readmeBlock("yaml")));
    }

    @AfterEach
    void stopEverything() throws InterruptedException {
        List<Process> newestFirst = new ArrayList<>(processes);
        Collections.reverse(newestFirst);
        for (Process process : newestFirst) {
            process.destroy(); // SIGTERM, as Ctrl-C: each stops cleanly
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }

    @Test
    void theReadmeTakesAnEmptyClusterToPagesOfAlertsThatWereThereBeforeApply() throws Exception {
        List<String> script = readmeBlock("bash").lines().filter(line -> !line.isBlank()).toList();
        assertThat(script).as("the README's lines").hasSizeGreaterThanOrEqualTo(5)
                .allSatisfy(line -> assertThat(line).startsWith("pager "));

        for (int i = 0; i < script.size(); i++) {
            String line = withPorts(script.get(i));
            List<String> words = Arrays.asList(line.replaceFirst("\\s*&$", "").split("\\s+"));
            List<String> args = words.subList(1, words.size()); // after "pager"
            if (args.get(0).equals("topics") && args.get(1).equals("create")) {
                applyBeforeTheTopicsExistStopsNamingTopicsCreate();
            }
            if (line.endsWith("&")) {
                awaitReady(start(Map.of(), args));
            } else if (i == script.size() - 1) {
                start(Map.of(), args); // the services: they run until stopped
            } else {
                Run run = run(Map.of(), args, Duration.ofSeconds(120));
                assertThat(run.exitCode()).as("exit code of %s; it printed:%n%s", line, run.output()).isZero();
            }
        }

        // The emulated tenant held its alerts before anything was applied: each is paged once the services run.
        List<String> before = alertKeys();
        assertThat(before).as("alerts in the emulated tenant from its start").isNotEmpty();
        await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(500))
                .untilAsserted(() -> assertThat(inbox()).contains(before.stream().map(k -> "(id " + k + "/")
                        .toArray(String[]::new)));

        // And one that arrives while they run.
        String added = addAlert("{\"title\": \"OperatorPathIT: credential dumping on srv02\", \"severity\": \"high\"}");
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500))
                .untilAsserted(() -> assertThat(inbox()).contains("(id " + added + "/"));

        Run check = run(Map.of(), List.of("topics", "check", "-c", "pager.yaml"), Duration.ofSeconds(60));
        assertThat(check.exitCode()).as("pager topics check printed:%n%s", check.output()).isZero();
        // Each topic of the catalog and its dead-letter topic.
        assertThat(check.output()).contains("all " + Topics.ALL.size() * 2 + " topics as the catalog says");
    }

    @Test
    void applyOnAClusterWithoutTopicsCreatesThemAndATooHighReplicationFactorIsRefused() throws Exception {
        List<String> script = readmeBlock("bash").lines().toList();
        for (String line : script.subList(0, 2)) { // the broker and the registry
            String command = withPorts(line).replaceFirst("\\s*&$", "");
            List<String> args = Arrays.asList(command.split("\\s+"));
            assertThat(args.get(1)).isIn("broker", "registry");
            awaitReady(start(Map.of(), args.subList(1, args.size())));
        }

        Run refused = run(Map.of("PAGER_TOPICS_REPLICATION_FACTOR", "3"),
                List.of("topics", "create", "-c", "pager.yaml"), Duration.ofSeconds(60));
        assertThat(refused.exitCode()).isNotZero();
        assertThat(refused.output()).contains("setting topics.replication.factor is 3 but the cluster has 1 broker(s)",
                "PAGER_TOPICS_REPLICATION_FACTOR=1").doesNotContain("\tat ");

        // An operator who wants more instances of each alert service to share the work gives the count at creation.
        Map<String, String> fourPartitions = Map.of("PAGER_TOPICS_ALERT_PARTITIONS", "4");
        Run applied = run(fourPartitions, List.of("apply", "-f", "examples/config", "-c", "pager.yaml"),
                Duration.ofSeconds(120));
        assertThat(applied.exitCode()).as("pager apply printed:%n%s", applied.output()).isZero();
        assertThat(applied.output()).contains("created config.policies (replication factor 1)",
                Topics.ALL.size() * 2 + " topics created, as pager topics create does",
                "applied: 11 created, 0 updated, 0 deleted");

        Run check = run(fourPartitions, List.of("topics", "check", "-c", "pager.yaml"), Duration.ofSeconds(60));
        assertThat(check.exitCode()).as("pager topics check printed:%n%s", check.output()).isZero();

        // Without the setting the cluster differs from it; the report says what to set, and nothing is re-partitioned.
        Run differs = run(Map.of(), List.of("topics", "check", "-c", "pager.yaml"), Duration.ofSeconds(60));
        assertThat(differs.exitCode()).as("pager topics check printed:%n%s", differs.output()).isEqualTo(1);
        assertThat(differs.output()).contains(
                "alerts.raw: 4 partitions, topics.alert.partitions says 3: set topics.alert.partitions to the count"
                        + " the cluster has (PAGER_TOPICS_ALERT_PARTITIONS=4)",
                "alert.state: 4 partitions, topics.alert.partitions says 3")
                .doesNotContain("config.users:", "ingest.seen:");
    }

    /** With topic creation off, as where only administrators create topics: a message at once, never a hang. */
    private void applyBeforeTheTopicsExistStopsNamingTopicsCreate() throws Exception {
        Process apply = start(Map.of("PAGER_TOPICS_PROVISION", "false"),
                List.of("apply", "-f", "examples/config", "-c", "pager.yaml"));
        // The promise: within 10 s, where the producer used to block 60 s per record.
        assertThat(apply.waitFor(10, TimeUnit.SECONDS)).as("apply ended within 10 s").isTrue();
        String output = output(apply);
        assertThat(apply.exitValue()).as("apply printed:%n%s", output).isEqualTo(1);
        assertThat(output).contains("nothing was applied", "has no topic config.users", "config.policies",
                "pager topics create -c").doesNotContain("\tat ");
    }

    private record Run(int exitCode, String output) {
    }

    private Run run(Map<String, String> environment, List<String> args, Duration timeout) throws Exception {
        Process process = start(environment, args);
        assertThat(process.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)).as("pager %s ended", args).isTrue();
        return new Run(process.exitValue(), output(process));
    }

    /**
     * {@code pager <args>} as the ./pager script runs it (from the checkout, with the caller's directory), with the
     * product's own logging rather than the tests', and a password on standard input for pager passwd.
     */
    private Process start(Map<String, String> environment, List<String> args) throws IOException {
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "-Xmx384m", "-XX:+UseSerialGC",
                "-Dlogback.configurationFile=logback.xml", "-cp", classpath, "io.sentinelpager.app.PagerCommand"));
        command.addAll(args);
        Path log = dir.resolve("logs").resolve(++launched + "-" + String.join("-", args.subList(0, 1)) + ".log");
        Files.createDirectories(log.getParent());
        ProcessBuilder builder = new ProcessBuilder(command).directory(CHECKOUT.toFile())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().put("PAGER_CALLER_DIR", dir.toString());
        builder.environment().put("PAGER_HEALTH_PORT", "0"); // the services' default 8081 may be taken here
        builder.environment().putAll(environment);
        Process process = builder.start();
        processes.add(process);
        logs.put(process, log);
        try (OutputStream in = process.getOutputStream()) {
            in.write((PASSWORD + "\n").getBytes(StandardCharsets.UTF_8));
        } catch (IOException exitedAlready) {
            // a command that reads nothing may be gone before its input is written
        }
        return process;
    }

    private String output(Process process) throws IOException {
        return Files.readString(logs.get(process));
    }

    /** A command that runs until stopped says so once it listens. */
    private void awaitReady(Process process) {
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200)).until(() -> {
            String output = output(process);
            if (!process.isAlive()) {
                throw new AssertionError("exited with " + process.exitValue() + ":\n" + output);
            }
            return output.contains("Ctrl-C stops it.");
        });
    }

    /** The fenced block of this language in the README's section, e.g. its commands or its pager.yaml. */
    private static String readmeBlock(String language) throws IOException {
        String readme = Files.readString(CHECKOUT.resolve("README.md"));
        int section = readme.indexOf(SECTION);
        assertThat(section).as("README.md has the section %s", SECTION).isNotNegative();
        Matcher block = Pattern.compile("```" + language + "\n(.*?)```", Pattern.DOTALL).matcher(readme);
        assertThat(block.find(section)).as("a ```%s block in %s", language, SECTION).isTrue();
        return block.group(1);
    }

    private String withPorts(String text) {
        String out = text;
        for (Map.Entry<String, String> port : ports.entrySet()) {
            out = out.replaceAll("\\b" + port.getKey() + "\\b", port.getValue());
        }
        return out;
    }

    private String inbox() throws IOException {
        Path inbox = dir.resolve("pager-inbox");
        if (!Files.isDirectory(inbox)) {
            return "";
        }
        StringBuilder all = new StringBuilder();
        try (Stream<Path> files = Files.list(inbox)) {
            for (Path file : files.sorted().toList()) {
                all.append(Files.readString(file));
            }
        }
        return all.toString();
    }

    /** The alert keys of the emulated tenant's alerts, read through its admin API as an operator would. */
    private List<String> alertKeys() throws Exception {
        JsonNode alerts = JSON.readTree(emulator(HttpRequest.newBuilder(emulatorUri("/admin/graph/alerts")).GET()));
        String connector = connectorId();
        List<String> keys = new ArrayList<>();
        alerts.forEach(alert -> keys.add(connector + ":" + alert.get("id").asText()));
        return keys;
    }

    private String addAlert(String json) throws Exception {
        JsonNode stored = JSON.readTree(emulator(HttpRequest.newBuilder(emulatorUri("/admin/graph/alerts"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json))));
        return connectorId() + ":" + stored.get("id").asText();
    }

    private String emulator(HttpRequest.Builder request) throws Exception {
        HttpClient http = HttpClient.newBuilder()
                .sslContext(Tls.trusting(Optional.of(dir.resolve("emulator-ca.pem"))).context()).build();
        HttpResponse<String> response = http.send(request.timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as("emulator said %s", response.body()).isBetween(200, 299);
        return response.body();
    }

    private URI emulatorUri(String path) {
        return URI.create("https://127.0.0.1:" + ports.get("8443") + path);
    }

    /** The connector id the README's emulator line chooses. */
    private static String connectorId() throws IOException {
        Matcher id = Pattern.compile("--connector-id (\\S+)").matcher(readmeBlock("bash"));
        assertThat(id.find()).as("the README's emulator line names its connector id").isTrue();
        return id.group(1);
    }

    private static void copy(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path source : files.toList()) {
                Path target = to.resolve(from.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(source, target);
                }
            }
        }
    }
}
