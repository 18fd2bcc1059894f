package io.sentinelpager.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** The time written in a file, in epoch milliseconds: a {@link MutableClock} that another process moves. */
public final class FileClock extends Clock {

    private final Path file;

    public FileClock(Path file) {
        this.file = file;
    }

    /** Sets the time every FileClock on this file tells; the rename makes a reader see the old time or the new. */
    public static void set(Path file, Instant now) {
        try {
            Path next = file.resolveSibling(file.getFileName() + ".next");
            Files.writeString(next, Long.toString(now.toEpochMilli()));
            Files.move(next, file, StandardCopyOption.ATOMIC_MOVE);
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
