package io.sentinelpager.ingest;

import io.sentinelpager.platform.config.PagerConfig;
import io.sentinelpager.platform.service.ServiceRunner;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;

/**
 * Ingest alone in a process of its own, as {@code pager ingest --config file} runs it, for tests that kill it
 * (the {@code app} module, which has that command, depends on ingest and cannot be used from here).
 */
public final class IngestProcess {

    private IngestProcess() {
    }

    public static void main(String[] args) throws Exception {
        PagerConfig config = PagerConfig.load(Optional.of(Path.of(args[0])));
        try (ServiceRunner runner = ServiceRunner.start(config, Map.of(IngestApp.NAME, IngestApp::create),
                Clock.systemUTC())) {
            runner.awaitShutdown();
        }
    }
}
