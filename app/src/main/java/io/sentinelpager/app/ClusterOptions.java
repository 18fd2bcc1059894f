package io.sentinelpager.app;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.sentinelpager.platform.config.PagerConfig;
import io.sentinelpager.platform.config.PlatformConfig;
import io.sentinelpager.platform.service.ServiceContext;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/** Where the cluster and the registry are, for the commands that talk to them (tail, apply, get, topics). */
final class ClusterOptions {

    @Option(names = {"-c", "--config"}, description = "configuration file naming the cluster and registry; repeat it"
            + " for more files, a later one winning")
    List<Path> config = new ArrayList<>();

    @Option(names = "--bootstrap-server", description = "overrides kafka.bootstrap.servers")
    String bootstrap;

    @Option(names = "--registry-url", description = "overrides registry.url (Apicurio v3 API)")
    String registry;

    PagerConfig settings() {
        Map<String, String> overrides = new HashMap<>();
        if (bootstrap != null) {
            overrides.put(PlatformConfig.BOOTSTRAP_SERVERS.name(), bootstrap);
        }
        if (registry != null) {
            overrides.put(PlatformConfig.REGISTRY_URL.name(), registry);
        }
        return Services.settings(config).with(overrides);
    }

    ServiceContext context() {
        return context(settings());
    }

    ServiceContext context(PagerConfig settings) {
        return ServiceContext.of(settings, new SimpleMeterRegistry(), Clock.systemUTC());
    }
}
