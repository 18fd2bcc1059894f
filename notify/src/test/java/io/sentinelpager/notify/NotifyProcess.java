package io.sentinelpager.notify;

import io.sentinelpager.platform.config.PagerConfig;
import io.sentinelpager.platform.service.ServiceRunner;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;

/**
 * {@code pager notify --config FILE} for tests that must kill the service: the same runner and wiring as the app's
 * command (which notify cannot depend on), started in a child JVM on notify's test classpath.
 */
public final class NotifyProcess {

    private NotifyProcess() {
    }

    public static void main(String[] args) throws Exception {
        PagerConfig settings = PagerConfig.load(Optional.of(Path.of(args[0])));
        try (ServiceRunner runner = ServiceRunner.start(settings, Map.of(NotifyApp.NAME, NotifyApp::create),
                Clock.systemUTC())) {
            runner.awaitShutdown();
        }
    }
}
