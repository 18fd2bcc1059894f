package io.sentinelpager.app;

import io.sentinelpager.platform.config.PagerConfig;
import io.sentinelpager.platform.service.ServiceRunner;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code pager run ingest [enrich ...] --config pager.yaml}: services against a real cluster, until SIGTERM. */
@Command(name = "run", description = "Run one or more services (ingest, enrich, policy, escalate, notify, responder,"
        + " syncback, or all) against the cluster named in the configuration.")
final class RunCommand implements Callable<Integer> {

    private static final Logger log = LoggerFactory.getLogger(RunCommand.class);

    @Parameters(arity = "1..*", paramLabel = "SERVICE", description = "services to run, or all")
    List<String> services;

    @Option(names = {"-c", "--config"}, description = "properties or YAML file; PAGER_* and KAFKA_* environment"
            + " variables override it")
    Path config;

    @Override
    public Integer call() throws Exception {
        PagerConfig settings = PagerConfig.load(Optional.ofNullable(config));
        log.info("configuration: {}", settings.describe());
        try (ServiceRunner runner = ServiceRunner.start(settings, Services.select(services), Clock.systemUTC())) {
            log.info("{} running; health and metrics on port {}", services, runner.healthPort());
            runner.awaitShutdown();
        }
        return 0;
    }
}
