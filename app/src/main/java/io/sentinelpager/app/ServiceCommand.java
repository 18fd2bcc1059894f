package io.sentinelpager.app;

import io.sentinelpager.platform.config.PagerConfig;
import io.sentinelpager.platform.service.ServiceRunner;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * {@code pager ingest --config pager.yaml} (or any other service, or {@code all}): the service against the cluster
 * named in the configuration, until SIGTERM. One subcommand per service is registered from {@link Services}.
 */
@CommandLine.Command(mixinStandardHelpOptions = true)
final class ServiceCommand implements Callable<Integer> {

    private static final Logger log = LoggerFactory.getLogger(ServiceCommand.class);

    private final String service;

    @Option(names = {"-c", "--config"}, description = "properties or YAML file; repeat it for more files, a later one"
            + " winning (e.g. the cluster's, then a connector's with its secret); PAGER_* and KAFKA_* environment"
            + " variables override them")
    List<Path> config = new ArrayList<>();

    private ServiceCommand(String service) {
        this.service = service;
    }

    /** Adds {@code pager <service>} for every service, and {@code pager all}. */
    static void register(CommandLine pager) {
        for (String name : Services.ALL.keySet()) {
            pager.addSubcommand(name, spec(name, "Run the " + name + " service against a real cluster."));
        }
        pager.addSubcommand("all", spec("all", "Run every service in one process against a real cluster."));
    }

    private static CommandLine spec(String name, String description) {
        CommandLine command = new CommandLine(new ServiceCommand(name));
        command.getCommandSpec().usageMessage().description(description);
        return command;
    }

    @Override
    public Integer call() throws Exception {
        PagerConfig settings = Services.settings(config);
        log.info("configuration: {}", settings.describe());
        try (ServiceRunner runner = ServiceRunner.start(settings, Services.select(List.of(service)), Clock.systemUTC())) {
            log.info("{} running; health and metrics on port {}", service, runner.healthPort());
            runner.awaitShutdown();
        }
        return 0;
    }
}
