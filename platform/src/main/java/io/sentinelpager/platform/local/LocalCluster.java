package io.sentinelpager.platform.local;

import io.sentinelpager.platform.config.PlatformConfig;
import java.util.Map;

/**
 * A Kafka broker and a schema registry on this machine: what {@code pager demo} and the integration tests run on.
 * {@link #shared()} starts one per JVM, so test classes share it instead of paying its start-up each time.
 */
public final class LocalCluster implements AutoCloseable {

    private static LocalCluster shared;

    private final EmbeddedKafka kafka;
    private final EmbeddedRegistry registry;
    private final java.util.Deque<AutoCloseable> users = new java.util.ArrayDeque<>();

    private LocalCluster(EmbeddedKafka kafka, EmbeddedRegistry registry) {
        this.kafka = kafka;
        this.registry = registry;
    }

    /** Starts the broker and the registry side by side (the registry is a child process, so both boot at once). */
    public static LocalCluster start() {
        java.util.concurrent.CompletableFuture<EmbeddedRegistry> registry =
                java.util.concurrent.CompletableFuture.supplyAsync(EmbeddedRegistry::start);
        EmbeddedKafka kafka;
        try {
            kafka = EmbeddedKafka.start();
        } catch (RuntimeException e) {
            registry.thenAccept(EmbeddedRegistry::close);
            throw e;
        }
        try {
            return new LocalCluster(kafka, registry.join());
        } catch (RuntimeException e) {
            kafka.close();
            throw e;
        }
    }

    public static synchronized LocalCluster shared() {
        if (shared == null) {
            shared = start();
            Runtime.getRuntime().addShutdownHook(new Thread(shared::close, "local-cluster-stop"));
        }
        return shared;
    }

    public String bootstrapServers() {
        return kafka.bootstrapServers();
    }

    public String registryUrl() {
        return registry.url();
    }

    public String ccompatUrl() {
        return registry.ccompatUrl();
    }

    /** The registry runs as a child process: its id. */
    public long registryPid() {
        return registry.pid();
    }

    /** The settings that point a service at this cluster. */
    public Map<String, String> settings() {
        return Map.of(PlatformConfig.BOOTSTRAP_SERVERS.name(), bootstrapServers(),
                PlatformConfig.REGISTRY_URL.name(), registryUrl(),
                PlatformConfig.REPLICATION_FACTOR.name(), "1");
    }

    /**
     * Something running on this cluster (services, a pipeline) to stop before the cluster stops, newest first:
     * JVM shutdown hooks run in no order, and services closing after their broker wait out their close timeout.
     */
    public synchronized void closeBeforeStopping(AutoCloseable user) {
        users.push(user);
    }

    @Override
    public synchronized void close() {
        while (!users.isEmpty()) {
            try {
                users.pop().close();
            } catch (Exception e) {
                org.slf4j.LoggerFactory.getLogger(LocalCluster.class).warn("closing a user of the cluster failed", e);
            }
        }
        try {
            registry.close();
        } finally {
            kafka.close();
        }
    }
}
