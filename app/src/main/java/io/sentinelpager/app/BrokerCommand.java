package io.sentinelpager.app;

import io.sentinelpager.platform.local.EmbeddedKafka;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code pager broker}: the demo's Kafka broker on its own, to try the production path (topics, apply, services as
 * separate processes) without a cluster. One node, so topics need {@code topics.replication.factor: 1}; it runs as a
 * real cluster does, with {@code auto.create.topics.enable=false}.
 */
@Command(name = "broker", mixinStandardHelpOptions = true,
        description = "Run a one-node Kafka broker (KRaft) on 127.0.0.1, for trying the services against a cluster.")
final class BrokerCommand implements Callable<Integer> {

    @Option(names = "--port", defaultValue = "9092", description = "the clients' port (default 9092)")
    int port;

    @Option(names = "--controller-port", defaultValue = "9093", description = "the KRaft controller's port (default 9093)")
    int controllerPort;

    @Option(names = "--data-dir", defaultValue = "kafka-data",
            description = "where the broker keeps its data, formatted on first use and kept (default kafka-data)")
    Path dataDir;

    @Override
    public Integer call() throws Exception {
        EmbeddedKafka kafka = EmbeddedKafka.start(port, controllerPort, dataDir.toAbsolutePath());
        System.out.printf("Kafka broker on %s, data in %s (one node: topics.replication.factor: 1). Ctrl-C stops it.%n",
                kafka.bootstrapServers(), dataDir.toAbsolutePath());
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            kafka.close();
            stopped.countDown();
        }, "broker-stop"));
        stopped.await();
        return 0;
    }
}
