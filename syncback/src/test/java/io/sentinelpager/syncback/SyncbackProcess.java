package io.sentinelpager.syncback;

import io.sentinelpager.platform.config.PagerConfig;
import io.sentinelpager.platform.service.ServiceRunner;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Optional;

/**
 * {@code pager syncback --config FILE} for tests that must kill the service: the same runner and wiring as the app's
 * command (which syncback cannot depend on), in a child JVM on syncback's test classpath, with its clock injected
 * through a file the test moves forward: {@code SyncbackProcess SETTINGS CLOCK_FILE}.
 */
public final class SyncbackProcess {

    private SyncbackProcess() {
    }

    public static void main(String[] args) throws Exception {
        PagerConfig settings = PagerConfig.load(Optional.of(Path.of(args[0])));
        try (ServiceRunner runner = ServiceRunner.start(settings, Map.of(SyncbackApp.NAME, SyncbackApp::create),
                new FileClock(Path.of(args[1])))) {
            runner.awaitShutdown();
        }
    }

    /** The time written in a file, in epoch milliseconds: a MutableClock that another process moves. */
    static final class FileClock extends Clock {

        private final Path file;

        FileClock(Path file) {
            this.file = file;
        }

        /** Sets the time every FileClock on this file tells. */
        static void set(Path file, Instant now) {
            try {
                Path next = file.resolveSibling(file.getFileName() + ".next");
                Files.writeString(next, Long.toString(now.toEpochMilli()));
                Files.move(next, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public Instant instant() {
            try {
                return Instant.ofEpochMilli(Long.parseLong(Files.readString(file).trim()));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            throw new UnsupportedOperationException("FileClock is UTC only");
        }
    }
}
