package io.sentinelpager.platform.local;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Apicurio Registry 3.0.9 (in-memory storage) as a child process on 127.0.0.1, for the demo, the integration
 * tests and {@code pager registry}. The server archive comes from the local Maven repository, where the platform build puts it; it is unpacked
 * once into a cache directory and reused.
 */
public final class EmbeddedRegistry implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedRegistry.class);
    public static final String VERSION = "3.0.9";
    /** System property or environment variable (PAGER_REGISTRY_ARCHIVE) naming the server archive. */
    public static final String ARCHIVE_PROPERTY = "pager.registry.archive";

    private final Process process;
    private final int port;
    private final Path logFile;

    private EmbeddedRegistry(Process process, int port, Path logFile) {
        this.process = process;
        this.port = port;
        this.logFile = logFile;
    }

    public static EmbeddedRegistry start() {
        // Another process may take the chosen port before Quarkus binds it (seconds after launch): try new ports.
        IllegalStateException last = null;
        for (int attempt = 1; attempt <= 3; attempt++) {
            try {
                return startOnce();
            } catch (IllegalStateException e) {
                last = e;
                log.warn("schema registry start attempt {} failed: {}", attempt, e.getMessage());
            }
        }
        throw last;
    }

    /**
     * On this port, once: an operator who chose the port wants that one or an error, not another. In-memory storage,
     * so the schemas are registered again by the services after a restart (the ids change; records already written
     * name ids the new registry does not have).
     */
    public static EmbeddedRegistry start(int port) {
        try {
            return startOnce(port);
        } catch (IOException e) {
            throw new IllegalStateException("schema registry did not start: " + e.getMessage(), e);
        }
    }

    private static EmbeddedRegistry startOnce() {
        try {
            return startOnce(EmbeddedKafka.freePort());
        } catch (IOException e) {
            throw new IllegalStateException("schema registry did not start: " + e.getMessage(), e);
        }
    }

    private static EmbeddedRegistry startOnce(int port) throws IOException {
        Path home = unpacked(archive());
        int managementPort = EmbeddedKafka.freePort();
        Path logFile = Files.createTempFile("pager-registry-", ".log");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "-Xmx384m", "-XX:+UseSerialGC",
                "-Dquarkus.http.host=127.0.0.1", "-Dquarkus.http.port=" + port,
                "-Dquarkus.management.host=127.0.0.1", "-Dquarkus.management.port=" + managementPort,
                "-Dquarkus.log.level=WARN",
                "-jar", home.resolve("apicurio-registry-app-" + VERSION + "-runner.jar").toString()));
        Process process = new ProcessBuilder(command).directory(home.toFile())
                .redirectErrorStream(true).redirectOutput(logFile.toFile()).start();
        EmbeddedRegistry registry = new EmbeddedRegistry(process, port, logFile);
        Runtime.getRuntime().addShutdownHook(new Thread(process::destroyForcibly, "registry-kill"));
        registry.awaitReady();
        return registry;
    }

    /** The registry's process id, for what it costs the machine (pager bench reads its peak memory). */
    public long pid() {
        return process.pid();
    }

    /** Base URL of the Apicurio v3 API, as the serdes take it. */
    public String url() {
        return "http://127.0.0.1:" + port + "/apis/registry/v3";
    }

    /** Base URL of the Confluent-compatible API, for Confluent tools. */
    public String ccompatUrl() {
        return "http://127.0.0.1:" + port + "/apis/ccompat/v7";
    }

    private void awaitReady() {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        HttpRequest probe = HttpRequest.newBuilder(URI.create(url() + "/system/info")).timeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("schema registry exited with code " + process.exitValue()
                        + "; its output is in " + logFile);
            }
            try {
                if (http.send(probe, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for the schema registry", e);
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for the schema registry", e);
            }
        }
        close();
        throw new IllegalStateException("schema registry not ready after 90 s; its output is in " + logFile);
    }

    static Path archive() {
        String configured = System.getProperty(ARCHIVE_PROPERTY, System.getenv("PAGER_REGISTRY_ARCHIVE"));
        Path path;
        if (configured != null && !configured.isBlank()) {
            path = Path.of(configured);
        } else {
            String repo = System.getProperty("maven.repo.local",
                    Path.of(System.getProperty("user.home"), ".m2", "repository").toString());
            path = Path.of(repo, "io", "apicurio", "apicurio-registry-app", VERSION,
                    "apicurio-registry-app-" + VERSION + "-all.zip");
        }
        if (!Files.isRegularFile(path)) {
            throw new IllegalStateException("schema registry archive not found at " + path + "; build once with"
                    + " 'mvn install -DskipTests' (it fetches io.apicurio:apicurio-registry-app:" + VERSION
                    + ":zip:all) or set " + ARCHIVE_PROPERTY + " / PAGER_REGISTRY_ARCHIVE");
        }
        return path;
    }

    /** Unpacks the archive once; a half-unpacked directory from an interrupted run is never used. */
    static synchronized Path unpacked(Path archive) throws IOException {
        Path cache = Path.of(System.getProperty("java.io.tmpdir"), "sentinel-pager", "apicurio-registry-" + VERSION);
        if (Files.isRegularFile(cache.resolve(".complete"))) {
            return cache;
        }
        Path staging = Files.createTempDirectory(Files.createDirectories(cache.getParent()), "unpack-");
        try (ZipInputStream zip = new ZipInputStream(Files.newInputStream(archive))) {
            for (ZipEntry entry; (entry = zip.getNextEntry()) != null; ) {
                Path target = staging.resolve(entry.getName()).normalize();
                if (!target.startsWith(staging)) {
                    throw new IOException("archive entry outside target directory: " + entry.getName());
                }
                if (entry.isDirectory()) {
                    Files.createDirectories(target);
                } else {
                    Files.createDirectories(target.getParent());
                    Files.copy(zip, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
        Files.writeString(staging.resolve(".complete"), VERSION);
        try {
            Files.move(staging, cache, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException raced) {
            // Another JVM unpacked it first; use theirs if complete.
            if (!Files.isRegularFile(cache.resolve(".complete"))) {
                throw raced;
            }
        }
        return cache;
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
        log.debug("schema registry stopped");
    }
}
