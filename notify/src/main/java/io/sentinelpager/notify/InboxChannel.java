package io.sentinelpager.notify;

import io.sentinelpager.schemas.ContactMethodType;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.Set;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The inbox: a file per person ({@code <dir>/<user>.log}) with one line per page, readable with {@code tail -f}.
 * It is the demo's channel and the fallback that never needs a provider account.
 *
 * <p>It is exactly-once across a crash, which no provider of the other channels can be: each line ends with the
 * delivery id of the page it carries ({@code (id <id>)}, a digest's {@code (ids <id> <id> …)}) and is on disk
 * (fsync) before {@link #send} returns, so a restarted notify that finds a send started but not recorded reads the
 * file ({@link #trace}): the line is there, and the page is delivered; or it is not, and the page is written now.
 * That holds for instances that share the inbox directory (one host, or one mount); one on another host reads its
 * own directory.
 *
 * <p>A line holds live one-click links, so a file is created readable and writable by its owner only (rw-------):
 * another account on the host cannot acknowledge pages with them.
 */
public final class InboxChannel implements Channel {

    private static final Pattern SAFE_NAME = Pattern.compile("[^A-Za-z0-9@._-]");
    private static final Logger log = LoggerFactory.getLogger(InboxChannel.class);

    private final Path dir;
    /** Owner-only where the file system has POSIX permissions; elsewhere (Windows) the directory's ACL decides. */
    private final FileAttribute<?>[] ownerOnly;

    public InboxChannel(Path dir) {
        this.dir = dir;
        this.ownerOnly = dir.getFileSystem().supportedFileAttributeViews().contains("posix")
                ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))}
                : new FileAttribute<?>[0];
    }

    public Path inboxOf(String address) {
        // The address names a file: keep it inside the inbox directory whatever it contains.
        return dir.resolve(SAFE_NAME.matcher(address).replaceAll("_") + ".log");
    }

    @Override
    public ContactMethodType type() {
        return ContactMethodType.INBOX;
    }

    @Override
    public void send(Message message) throws DeliveryFailure {
        String ids = message.deliveryIds().size() == 1 ? "(id " + message.deliveryIds().get(0) + ")"
                : "(ids " + String.join(" ", message.deliveryIds()) + ")";
        String line = message.requestedAt() + " [" + message.severity() + "/" + message.urgency() + "] "
                + message.text().replace('\n', ' ') + " " + ids + "\n";
        Path file = inboxOf(message.address());
        try {
            Files.createDirectories(dir);
            boolean created = !Files.exists(file);
            if (!created && !endsWithNewline(file)) {
                // The last line was cut short (a power loss while it was written): ours starts on a line of its own.
                line = "\n" + line;
            }
            try (FileChannel out = FileChannel.open(file, Set.of(StandardOpenOption.CREATE, StandardOpenOption.APPEND,
                    StandardOpenOption.WRITE), ownerOnly)) {
                ByteBuffer bytes = ByteBuffer.wrap(line.getBytes(StandardCharsets.UTF_8));
                while (bytes.hasRemaining()) {
                    out.write(bytes);
                }
                // On disk before the send counts as done: a receipt must never say SENT of a line a power loss takes.
                out.force(true);
            }
            if (created) {
                syncDirectory();
            }
        } catch (IOException e) {
            // A full disk or a lost mount may heal; a retry costs nothing.
            throw DeliveryFailure.transientFailure("cannot write the inbox: " + e.getClass().getSimpleName());
        }
    }

    @Override
    public boolean traceable() {
        return true;
    }

    /** Reads the address's file for a line that carries the delivery id. */
    @Override
    public Trace trace(String deliveryId, String address) {
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(
                Files.newInputStream(inboxOf(address)), StandardCharsets.UTF_8))) {
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                if (carries(line, deliveryId)) {
                    return Trace.FOUND;
                }
            }
            return Trace.ABSENT;
        } catch (NoSuchFileException e) {
            return Trace.ABSENT;
        } catch (IOException e) {
            log.warn("cannot read the inbox of {} to tell whether {} was written: {}", address, deliveryId,
                    e.toString());
            return Trace.CANNOT_TELL;
        }
    }

    /** True when the line ends with the page's id, alone or among a digest's. */
    static boolean carries(String line, String deliveryId) {
        if (line.endsWith(" (id " + deliveryId + ")")) {
            return true;
        }
        int ids = line.lastIndexOf(" (ids ");
        return ids >= 0 && line.endsWith(")") && Arrays.asList(
                line.substring(ids + " (ids ".length(), line.length() - 1).split(" ")).contains(deliveryId);
    }

    private static boolean endsWithNewline(Path file) throws IOException {
        try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = in.size();
            if (size == 0) {
                return true;
            }
            ByteBuffer last = ByteBuffer.allocate(1);
            in.read(last, size - 1);
            return last.get(0) == '\n';
        }
    }

    /** A new file's name is on disk too, or a power loss could take the whole file with its first line. */
    private void syncDirectory() {
        try (FileChannel directory = FileChannel.open(dir, StandardOpenOption.READ)) {
            directory.force(true);
        } catch (IOException e) {
            // Some systems (Windows) cannot open a directory: the line itself is on disk, the name is left to the OS.
            log.debug("cannot sync the inbox directory {}: {}", dir, e.toString());
        }
    }
}
