package io.sentinelpager.platform.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.Feature;
import org.apache.kafka.server.common.MetadataVersion;

/**
 * A real Kafka node (KRaft, broker and controller in one) running inside this JVM, for the demo, the integration tests
 * and {@code pager broker}: a cluster of its own, or one node of a cluster of several such processes
 * ({@link #startNode}). It is the Apache Kafka 4.4.0 server itself, formatted and started
 * through its internal API (pinned to that version in the root pom), bound to 127.0.0.1, with
 * {@code auto.create.topics.enable=false} as a production cluster has it.
 */
public final class EmbeddedKafka implements AutoCloseable {

    private static final String CONTROLLER_LISTENER = "CONTROLLER";
    private static final Pattern VOTER = Pattern.compile("(\\d+)@([^:,\\s]+):(\\d+)");

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
        return start(1, "1@127.0.0.1:" + controllerPort, null, port, dataDir);
    }

    /**
     * Node {@code nodeId} of a cluster of several such nodes, each a broker and a controller, usually each in a
     * process of its own: {@code voters} names every controller as {@code id@host:port} (Kafka's
     * {@code controller.quorum.voters}; this node's controller listens on the port given for its id), and every node is
     * formatted with the same {@code clusterId}. Its data stays in {@code dataDir}, so a restarted node rejoins with
     * what it had. Internal topics get as many replicas as there are voters, up to three, and need all but one of them
     * in sync, as do our topics unless they say otherwise.
     *
     * @throws IllegalArgumentException naming what is wrong, when the voters or the cluster id cannot be used, before
     *         anything starts
     */
    public static EmbeddedKafka startNode(int nodeId, String voters, String clusterId, int port, Path dataDir) {
        Objects.requireNonNull(dataDir, "a node of a cluster needs a data directory that outlives it");
        Objects.requireNonNull(clusterId, "every node of a cluster is formatted with the same cluster id");
        controllerPort(nodeId, voters);
        try {
            Uuid.fromString(clusterId);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("cluster id '" + clusterId + "' is not a Kafka cluster id: 22 characters"
                    + " of URL-safe base64, as 'kafka-storage random-uuid' prints, e.g. " + Uuid.randomUuid(), e);
        }
        return start(nodeId, voters, clusterId, port, dataDir);
    }

    private static EmbeddedKafka start(int nodeId, String voters, String clusterId, int port, Path dataDir) {
        try {
            int controllerPort = controllerPort(nodeId, voters);
            int nodes = voters.split(",").length;
            String replicas = String.valueOf(Math.min(3, nodes));
            String minInSync = String.valueOf(Math.max(1, Math.min(3, nodes) - 1));
            boolean temporary = dataDir == null;
            Path logDir = temporary ? Files.createTempDirectory("pager-kafka-") : Files.createDirectories(dataDir);
            Properties p = new Properties();
            p.put("process.roles", "broker,controller");
            p.put("node.id", String.valueOf(nodeId));
            p.put("controller.quorum.voters", voters);
            p.put("listeners", "PLAINTEXT://127.0.0.1:" + port + "," + CONTROLLER_LISTENER + "://127.0.0.1:" + controllerPort);
            p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
            p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT," + CONTROLLER_LISTENER + ":PLAINTEXT");
            p.put("controller.listener.names", CONTROLLER_LISTENER);
            p.put("inter.broker.listener.name", "PLAINTEXT");
            p.put("log.dirs", logDir.toString());
            p.put("num.partitions", "1");
            // As many replicas as there are nodes, up to three, all but one of them in sync for a write: any one node
            // may stop without stopping writes. A node alone, as in the demo, has one.
            p.put("default.replication.factor", replicas);
            p.put("offsets.topic.replication.factor", replicas);
            p.put("transaction.state.log.replication.factor", replicas);
            p.put("transaction.state.log.min.isr", minInSync);
            p.put("share.coordinator.state.topic.replication.factor", replicas);
            p.put("share.coordinator.state.topic.min.isr", minInSync);
            p.put("min.insync.replicas", minInSync);
            p.put("group.initial.rebalance.delay.ms", "0");
            p.put("auto.create.topics.enable", "false");
            // Small segments keep the demo's disk use low; compaction of the state topics still works.
            p.put("log.segment.bytes", String.valueOf(16 * 1024 * 1024));
            KafkaConfig config = new KafkaConfig(p);

            if (temporary || !Files.exists(logDir.resolve("meta.properties"))) {
                format(nodeId, clusterId == null ? Uuid.randomUuid().toString() : clusterId, logDir);
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

    /**
     * The port of this node's controller, from {@code voters} as Kafka's {@code controller.quorum.voters} takes them:
     * {@code 1@127.0.0.1:9093,2@127.0.0.1:9095,...}.
     */
    static int controllerPort(int nodeId, String voters) {
        Integer port = null;
        for (String voter : voters.split(",", -1)) {
            Matcher m = VOTER.matcher(voter.strip());
            if (!m.matches()) {
                throw new IllegalArgumentException("voter '" + voter.strip() + "' in '" + voters
                        + "' is not ID@HOST:PORT, e.g. 1@127.0.0.1:9093");
            }
            if (Integer.parseInt(m.group(1)) == nodeId) {
                port = Integer.parseInt(m.group(3));
            }
        }
        if (port == null) {
            throw new IllegalArgumentException("node id " + nodeId + " is not among the voters '" + voters
                    + "': every node is one of the controllers, so the voters name its id with its controller port");
        }
        return port;
    }

    /** Static voters (kraft.version 0): the formatter needs no initial controllers, only the shared cluster id. */
    private static void format(int nodeId, String clusterId, Path logDir) throws Exception {
        Formatter formatter = new Formatter()
                .setNodeId(nodeId)
                .setClusterId(clusterId)
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
