package io.sentinelpager.platform.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.Feature;
import org.apache.kafka.server.common.MetadataVersion;

/**
 * A real single-node Kafka broker (KRaft, broker and controller in one) running inside this JVM, for the demo, the
 * integration tests and {@code pager broker}. It is the Apache Kafka 4.4.0 server itself, formatted and started
 * through its internal API (pinned to that version in the root pom), bound to 127.0.0.1, with
 * {@code auto.create.topics.enable=false} as a production cluster has it.
 */
public final class EmbeddedKafka implements AutoCloseable {

    private static final String CONTROLLER_LISTENER = "CONTROLLER";

    private final Path logDir;
    private final boolean temporary;
    private final int port;
    private final KafkaRaftServer server;

    private EmbeddedKafka(Path logDir, boolean temporary, int port, KafkaRaftServer server) {
        this.logDir = logDir;
        this.temporary = temporary;
        this.port = port;
        this.server = server;
    }

    /** On free ports, with its data in a temporary directory deleted on close. */
    public static EmbeddedKafka start() {
        try {
            return start(freePort(), freePort(), null);
        } catch (IOException e) {
            throw new IllegalStateException("embedded Kafka broker did not start: " + e.getMessage(), e);
        }
    }

    /**
     * On these ports, keeping its data in {@code dataDir} (formatted on first use, reused after a restart), or in a
     * temporary directory deleted on close when {@code dataDir} is null.
     */
    public static EmbeddedKafka start(int port, int controllerPort, Path dataDir) {
        try {
            boolean temporary = dataDir == null;
            Path logDir = temporary ? Files.createTempDirectory("pager-kafka-") : Files.createDirectories(dataDir);
            Properties p = new Properties();
            p.put("process.roles", "broker,controller");
            p.put("node.id", "1");
            p.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
            p.put("listeners", "PLAINTEXT://127.0.0.1:" + port + "," + CONTROLLER_LISTENER + "://127.0.0.1:" + controllerPort);
            p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
            p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT," + CONTROLLER_LISTENER + ":PLAINTEXT");
            p.put("controller.listener.names", CONTROLLER_LISTENER);
            p.put("inter.broker.listener.name", "PLAINTEXT");
            p.put("log.dirs", logDir.toString());
            p.put("num.partitions", "1");
            // One broker: internal topics cannot have more replicas than that.
            p.put("offsets.topic.replication.factor", "1");
            p.put("transaction.state.log.replication.factor", "1");
            p.put("transaction.state.log.min.isr", "1");
            p.put("share.coordinator.state.topic.replication.factor", "1");
            p.put("share.coordinator.state.topic.min.isr", "1");
            p.put("min.insync.replicas", "1");
            p.put("group.initial.rebalance.delay.ms", "0");
            p.put("auto.create.topics.enable", "false");
            // Small segments keep the demo's disk use low; compaction of the state topics still works.
            p.put("log.segment.bytes", String.valueOf(16 * 1024 * 1024));
            KafkaConfig config = new KafkaConfig(p);

            if (temporary || !Files.exists(logDir.resolve("meta.properties"))) {
                format(logDir);
            }

            KafkaRaftServer server = new KafkaRaftServer(config, Time.SYSTEM);
            server.startup();
            EmbeddedKafka kafka = new EmbeddedKafka(logDir, temporary, port, server);
            kafka.awaitListening();
            return kafka;
        } catch (Exception e) {
            throw new IllegalStateException("embedded Kafka broker did not start: " + e.getMessage(), e);
        }
    }

    private static void format(Path logDir) throws Exception {
        Formatter formatter = new Formatter()
                .setNodeId(1)
                .setClusterId(Uuid.randomUuid().toString())
                .setDirectories(List.of(logDir.toString()))
                .setMetadataLogDirectory(logDir.toString())
                .setControllerListenerName(CONTROLLER_LISTENER)
                .setSupportedFeatures(Feature.PRODUCTION_FEATURES)
                .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION)
                .setPrintStream(new java.io.PrintStream(java.io.OutputStream.nullOutputStream()));
        formatter.run();
    }

    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    private void awaitListening() throws InterruptedException {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (System.nanoTime() < deadline) {
            try (java.net.Socket ignored = new java.net.Socket("127.0.0.1", port)) {
                return;
            } catch (IOException notYet) {
                Thread.sleep(100);
            }
        }
        throw new IllegalStateException("embedded Kafka broker is not listening on port " + port + " after 60 s");
    }

    @Override
    public void close() {
        server.shutdown();
        server.awaitShutdown();
        if (!temporary) {
            return;
        }
        try {
            Utils.delete(logDir.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A free port below Linux's ephemeral range (32768 and up). A port the OS hands out for "any free port" can be
     * taken by an outgoing connection before the registry, which binds seconds after it is told the port, gets to
     * it; ports in this range are never used for outgoing connections.
     */
    public static int freePort() throws IOException {
        java.util.concurrent.ThreadLocalRandom random = java.util.concurrent.ThreadLocalRandom.current();
        for (int attempt = 0; attempt < 100; attempt++) {
            int port = random.nextInt(20000, 32000);
            try (ServerSocket socket = new ServerSocket(port, 0, java.net.InetAddress.getLoopbackAddress())) {
                return socket.getLocalPort();
            } catch (IOException inUse) {
                // try another
            }
        }
        throw new IOException("no free port found between 20000 and 32000 after 100 attempts");
    }
}
