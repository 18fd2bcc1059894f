package io.sentinelpager.notify;

import io.sentinelpager.schemas.NotificationRequest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.regex.Pattern;

/**
 * The inbox: a file per person ({@code <dir>/<user>.log}) with one line per page, readable with {@code tail -f}.
 * It is the demo's channel and the fallback that never needs a provider account.
 */
public final class InboxChannel implements Channel {

    private static final Pattern SAFE_NAME = Pattern.compile("[^A-Za-z0-9@._-]");

    private final Path dir;

    public InboxChannel(Path dir) {
        this.dir = dir;
    }

    public Path inboxOf(String address) {
        // The address names a file: keep it inside the inbox directory whatever it contains.
        return dir.resolve(SAFE_NAME.matcher(address).replaceAll("_") + ".log");
    }

    @Override
    public void deliver(NotificationRequest request) throws IOException {
        Files.createDirectories(dir);
        String line = request.getRequestedAt() + " [" + request.getSeverity() + "/" + request.getUrgency() + "] "
                + request.getBody().replace('\n', ' ') + " (id " + request.getNotificationId() + ")\n";
        Files.writeString(inboxOf(request.getAddress()), line, StandardCharsets.UTF_8,
                StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE);
    }
}
