package io.sentinelpager.app;

import io.sentinelpager.platform.local.EmbeddedRegistry;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code pager registry}: the demo's schema registry (Apicurio, in-memory) on its own, beside {@code pager broker}.
 * In memory: after a restart it has none of the schemas the topics' records name, so start the trial over with it.
 */
@Command(name = "registry", mixinStandardHelpOptions = true,
        description = "Run the schema registry (Apicurio Registry, in memory) on 127.0.0.1, beside pager broker.")
final class RegistryCommand implements Callable<Integer> {

    @Option(names = "--port", defaultValue = "8085", description = "HTTP port (default 8085)")
    int port;

    @Override
    public Integer call() throws Exception {
        EmbeddedRegistry registry = EmbeddedRegistry.start(port);
        System.out.printf("Schema registry on %s (Confluent-compatible: %s), in memory. Ctrl-C stops it.%n",
                registry.url(), registry.ccompatUrl());
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            registry.close();
            stopped.countDown();
        }, "registry-stop"));
        stopped.await();
        return 0;
    }
}
