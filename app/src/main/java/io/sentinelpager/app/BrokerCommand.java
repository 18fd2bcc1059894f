package io.sentinelpager.app;

import io.sentinelpager.platform.local.EmbeddedKafka;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code pager broker}: the demo's Kafka broker on its own, to try the production path (topics, apply, services as
 * separate processes) without a cluster. One node, so topics need {@code topics.replication.factor: 1}; it runs as a
 * real cluster does, with {@code auto.create.topics.enable=false}. With {@code --voters} it is one node of a cluster
 * of such processes instead, as the tests that kill a broker run it.
 */
@Command(name = "broker", mixinStandardHelpOptions = true,
        description = "Run a Kafka broker (KRaft) on 127.0.0.1: a one-node cluster, or with --voters one node of a"
                + " cluster of several pager broker processes, for trying the services against a cluster.")
final class BrokerCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--port", defaultValue = "9092", description = "the clients' port (default 9092)")
    int port;

    @Option(names = "--controller-port",
            description = "the KRaft controller's port (default 9093); not with --voters, which give this node's")
    Integer controllerPort;

    @Option(names = "--data-dir", defaultValue = "kafka-data",
            description = "where the broker keeps its data, formatted on first use and kept (default kafka-data)")
    Path dataDir;

    @Option(names = "--node-id", defaultValue = "1", description = "this node's id among the --voters (default 1)")
    int nodeId;

    @Option(names = "--voters", description = "every node's controller as ID@HOST:PORT, comma-separated, e.g."
            + " 1@127.0.0.1:9093,2@127.0.0.1:9095,3@127.0.0.1:9097, the same on every node")
    String voters;

    @Option(names = "--cluster-id", description = "with --voters: the cluster id every node is formatted with, the same"
            + " on every node (22 characters of URL-safe base64, as 'kafka-storage random-uuid' prints)")
    String clusterId;

    @Override
    public Integer call() throws Exception {
        EmbeddedKafka kafka;
        String topics;
        if (voters == null) {
            if (clusterId != null) {
                throw new ParameterException(spec.commandLine(), "--cluster-id is for a node of a cluster: give"
                        + " --voters too, or leave both out for a one-node cluster");
            }
            kafka = EmbeddedKafka.start(port, controllerPort == null ? 9093 : controllerPort,
                    dataDir.toAbsolutePath());
            topics = "one node: topics.replication.factor: 1";
        } else {
            if (clusterId == null) {
                throw new ParameterException(spec.commandLine(), "--voters needs --cluster-id: every node of a"
                        + " cluster is formatted with the same one");
            }
            if (controllerPort != null) {
                throw new ParameterException(spec.commandLine(), "--controller-port is taken from --voters for"
                        + " node " + nodeId + ": leave it out");
            }
            try {
                kafka = EmbeddedKafka.startNode(nodeId, voters, clusterId, port, dataDir.toAbsolutePath());
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), e.getMessage());
            }
            topics = "node " + nodeId + " of " + voters;
        }
        System.out.printf("Kafka broker on %s, data in %s (%s). Ctrl-C stops it.%n",
                kafka.bootstrapServers(), dataDir.toAbsolutePath(), topics);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            kafka.close();
            stopped.countDown();
        }, "broker-stop"));
        stopped.await();
        return 0;
    }
}
