package io.sentinelpager.testkit.process;

import io.sentinelpager.platform.config.PlatformConfig;
import io.sentinelpager.platform.local.EmbeddedKafka;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.common.Uuid;

/**
 * A cluster on this machine as separate processes, each a child JVM running {@code pager} that the test kills with
 * kill -9 and starts again with the same command line: Kafka nodes of one KRaft quorum ({@code pager broker
 * --voters}), the schema registry ({@code pager registry}) and services ({@code pager <service> --config}). Follows
 * {@link ChildJvm}: a child's settings are NAME.properties and its output NAME.log in the test's directory, each
 * restart's output NAME-run2.log, NAME-run3.log and so on, where a failed run leaves them to read.
 *
 * <p>The kit sits below the app and cannot name its command: the test passes the class of {@code pager}.
 */
public final class LocalProcesses implements AutoCloseable {

    /**
     * Long enough for a Streams service restarted after kill -9 on two busy cores: under exactly-once it wipes the
     * stores it finds without a checkpoint and restores them, and a transaction call may block for its 60 s limit.
     */
    private static final Duration START_TIMEOUT = Duration.ofSeconds(300);

    private final Path dir;
    private final ChildJvm jvm;
    private final String pager;
    private final List<Child> children = new ArrayList<>();
    private final List<Integer> brokerPorts = new ArrayList<>();
    private int registryPort;

    /** {@code pagerCommand} is the app's {@code PagerCommand}, the main class of {@code pager}. */
    public LocalProcesses(Path dir, Class<?> pagerCommand) {
        this.dir = dir;
        this.jvm = new ChildJvm(dir);
        this.pager = pagerCommand.getName();
    }

    /**
     * {@code count} Kafka nodes, broker and controller each, named broker-1 to broker-N after their node ids, started
     * side by side because a node serves only once a majority of the controllers is up. Each keeps its data in
     * broker-N-data, so a restarted node rejoins with what it had. Returns once every node says it serves.
     */
    public List<Child> brokers(int count) throws IOException {
        if (!brokerPorts.isEmpty()) {
            throw new IllegalStateException("the brokers run already, on " + bootstrapServers());
        }
        List<Integer> controllerPorts = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            brokerPorts.add(EmbeddedKafka.freePort());
            controllerPorts.add(EmbeddedKafka.freePort());
        }
        String voters = IntStream.rangeClosed(1, count).mapToObj(id -> id + "@127.0.0.1:" + controllerPorts.get(id - 1))
                .collect(Collectors.joining(","));
        String clusterId = Uuid.randomUuid().toString();
        List<Child> brokers = new ArrayList<>();
        for (int id = 1; id <= count; id++) {
            String name = "broker-" + id;
            brokers.add(child(name, ChildJvm.HEAP, "Kafka broker on", "broker", "--node-id", String.valueOf(id),
                    "--voters", voters, "--cluster-id", clusterId, "--port", String.valueOf(brokerPorts.get(id - 1)),
                    "--data-dir", dir.resolve(name + "-data").toString()));
        }
        for (Child broker : brokers) {
            broker.awaitReady();
        }
        return brokers;
    }

    public String bootstrapServers() {
        return brokerPorts.stream().map(port -> "127.0.0.1:" + port).collect(Collectors.joining(","));
    }

    /**
     * The schema registry, through {@code pager registry}: in memory, so after a restart it has none of the schemas
     * that records already written name. Its own child (Apicurio's server) dies with it on {@link Child#kill()}.
     */
    public Child registry() throws IOException {
        if (registryPort != 0) {
            throw new IllegalStateException("the registry runs already, at " + registryUrl());
        }
        registryPort = EmbeddedKafka.freePort();
        // Little heap: this JVM only starts Apicurio's own and waits.
        Child registry = child("registry", "-Xmx128m", "Schema registry on", "registry", "--port",
                String.valueOf(registryPort));
        registry.awaitReady();
        return registry;
    }

    public String registryUrl() {
        return "http://127.0.0.1:" + registryPort + "/apis/registry/v3";
    }

    /** The settings that point a service at these brokers and this registry, with every replica the brokers allow. */
    public Map<String, String> settings() {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put(PlatformConfig.BOOTSTRAP_SERVERS.name(), bootstrapServers());
        settings.put(PlatformConfig.REGISTRY_URL.name(), registryUrl());
        settings.put(PlatformConfig.REPLICATION_FACTOR.name(), String.valueOf(Math.min(3, brokerPorts.size())));
        return settings;
    }

    /**
     * {@code pager <service> --config NAME.properties}: {@link #settings()} with a state directory NAME-state kept
     * across restarts, then {@code settings}, and a health port of its own; ready once {@code /health/ready} says so.
     * Two instances of a service are two names.
     */
    public Child service(String name, String service, Map<String, String> settings) throws IOException {
        Child child = startService(name, service, settings);
        child.awaitReady();
        return child;
    }

    /**
     * As {@link #service}, without waiting until it is ready: services started side by side share the machine's
     * cores while they start. {@link Child#awaitReady()} waits.
     */
    public Child startService(String name, String service, Map<String, String> settings) throws IOException {
        if (brokerPorts.isEmpty() || registryPort == 0) {
            throw new IllegalStateException("start the brokers and the registry before " + name
                    + ": a service needs both to start");
        }
        int healthPort = EmbeddedKafka.freePort();
        Map<String, String> all = new LinkedHashMap<>(settings());
        all.put(PlatformConfig.STATE_DIR.name(), dir.resolve(name + "-state").toString());
        all.putAll(settings);
        // The port the launcher asks whether it is ready.
        all.put(PlatformConfig.HEALTH_PORT.name(), String.valueOf(healthPort));
        Path file = jvm.settings(name, all);
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        HttpRequest probe = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + healthPort + "/health/ready"))
                .timeout(Duration.ofSeconds(2)).build();
        Child child = new Child(name, ChildJvm.HEAP, healthPort, started -> {
            try {
                return http.send(probe, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
            } catch (IOException notYet) {
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }, List.of(service, "--config", file.toString()));
        child.start();
        return child;
    }

    /** Started, and ready once its output has {@code readyLine}: what {@code pager} prints when it serves. */
    private Child child(String name, String maxHeap, String readyLine, String... args) throws IOException {
        Child child = new Child(name, maxHeap, 0, started -> started.logContains(readyLine), List.of(args));
        child.start();
        return child;
    }

    /** kill -9 of every process still running, services first. */
    @Override
    public void close() throws InterruptedException {
        for (int i = children.size() - 1; i >= 0; i--) {
            if (children.get(i).alive()) {
                children.get(i).kill();
            }
        }
    }

    /** One process of the cluster: started, killed and started again with the same command line. */
    public final class Child {
        private final String name;
        private final String maxHeap;
        private final int healthPort;
        private final Predicate<Child> ready;
        private final List<String> args;
        private Process process;
        private int runs;

        private Child(String name, String maxHeap, int healthPort, Predicate<Child> ready, List<String> args) {
            this.name = name;
            this.maxHeap = maxHeap;
            this.healthPort = healthPort;
            this.ready = ready;
            this.args = args;
            children.add(this);
        }

        public String name() {
            return name;
        }

        /** A service's /health and /metrics port, the same across restarts; 0 for a broker or the registry. */
        public int healthPort() {
            return healthPort;
        }

        public boolean alive() {
            return process != null && process.isAlive();
        }

        /** This run's output. */
        public Path log() {
            return dir.resolve(runName() + ".log");
        }

        /**
         * kill -9 of the process and of every process it started (the registry's server): no shutdown hook, no
         * flush, no close. Returns once they are all gone.
         */
        public void kill() throws InterruptedException {
            // Taken first: once the process is gone, what it started is no longer its descendant.
            List<ProcessHandle> started = process.descendants().toList();
            ChildJvm.kill(process);
            for (ProcessHandle handle : started) {
                handle.destroyForcibly();
                handle.onExit().orTimeout(30, TimeUnit.SECONDS).join();
            }
        }

        /** Starts the process again with the same command line, data and ports; returns once it is ready. */
        public void restart() throws IOException {
            if (alive()) {
                throw new IllegalStateException(name + " is running (pid " + process.pid() + "): kill it first");
            }
            start();
            awaitReady();
        }

        private void start() throws IOException {
            runs++;
            process = jvm.main(runName(), maxHeap, pager, args.toArray(String[]::new));
        }

        private String runName() {
            return runs <= 1 ? name : name + "-run" + runs;
        }

        /** Returns once the process is ready; throws, naming its output, if it exits first or takes too long. */
        public void awaitReady() {
            long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
            while (!ready.test(this)) {
                if (!process.isAlive()) {
                    throw new IllegalStateException(name + " exited with code " + process.exitValue()
                            + " before it was ready; its output is in " + log());
                }
                if (System.nanoTime() > deadline) {
                    printThreadDump();
                    throw new IllegalStateException(name + " not ready after " + START_TIMEOUT.toSeconds()
                            + " s; its output, with a thread dump at the end, is in " + log());
                }
                try {
                    // A process of its own, starting on its own time: nothing here to advance.
                    Thread.sleep(200);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while waiting for " + name, e);
                }
            }
        }

        /** Asks the JVM to print its threads to its output (SIGQUIT), so a process stuck starting shows where. */
        private void printThreadDump() {
            try {
                new ProcessBuilder("kill", "-3", Long.toString(process.pid())).start().waitFor(5, TimeUnit.SECONDS);
                // The JVM writes the dump on its own signal thread: give it a moment before the caller kills it.
                Thread.sleep(1_000);
            } catch (IOException e) {
                System.err.println("could not ask " + name + " for a thread dump: " + e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        private boolean logContains(String line) {
            try {
                return Files.exists(log()) && Files.readString(log()).contains(line);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
