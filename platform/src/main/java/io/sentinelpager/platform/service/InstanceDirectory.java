package io.sentinelpager.platform.service;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;

/**
 * A directory of its own for one process among several on a host: {@code <base>/instance-N}, the lowest N whose lock
 * file no running process holds. Kafka Streams locks its state directory, so a second instance given the first one's
 * would exit; the lowest free N means a restarted process, alone on its host, finds its state where it left it. The
 * lock is an OS file lock, so a killed process leaves no stale lock behind.
 */
final class InstanceDirectory implements AutoCloseable {

    private static final int MAX_INSTANCES = 64;

    private final Path path;
    private final FileChannel channel;
    private final FileLock lock;

    private InstanceDirectory(Path path, FileChannel channel, FileLock lock) {
        this.path = path;
        this.channel = channel;
        this.lock = lock;
    }

    static InstanceDirectory take(Path base) {
        try {
            Files.createDirectories(base);
            for (int n = 1; n <= MAX_INSTANCES; n++) {
                Path lockFile = base.resolve("instance-" + n + ".lock");
                FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                FileLock lock;
                try {
                    lock = channel.tryLock();
                } catch (OverlappingFileLockException heldInThisJvm) {
                    lock = null;
                }
                if (lock != null) {
                    return new InstanceDirectory(Files.createDirectories(base.resolve("instance-" + n)), channel, lock);
                }
                channel.close();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot take a state directory under " + base + ": " + e.getMessage(), e);
        }
        throw new IllegalStateException("all " + MAX_INSTANCES + " state directories under " + base
                + " are held by running processes; set state.dir");
    }

    Path path() {
        return path;
    }

    /**
     * The id of this directory's process in its consumer groups: random when the directory is first taken, and the
     * same whenever a process takes the directory again. Not N alone: processes given different state.dir settings on
     * one host would both be instance-1.
     */
    String memberId() {
        Path file = path.resolve("member.id");
        try {
            if (Files.exists(file)) {
                String kept = Files.readString(file).strip();
                if (kept.matches("[0-9a-f]{8}")) {
                    return kept;
                }
            }
            String id = String.format("%08x", new SecureRandom().nextInt());
            Files.writeString(file, id + "\n");
            return id;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot keep this process's member id in " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        try {
            lock.release();
            channel.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
