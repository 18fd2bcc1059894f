package io.sentinelpager.notify;

import io.sentinelpager.schemas.ContactMethodType;
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
    public ContactMethodType type() {
        return ContactMethodType.INBOX;
    }

    @Override
    public void send(Message message) throws DeliveryFailure {
        String line = message.requestedAt() + " [" + message.severity() + "/" + message.urgency() + "] "
                + message.text().replace('\n', ' ') + " (id " + message.id() + ")\n";
        try {
            Files.createDirectories(dir);
            Files.writeString(inboxOf(message.address()), line, StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE);
        } catch (IOException e) {
            // A full disk or a lost mount may heal; a retry costs nothing.
            throw DeliveryFailure.transientFailure("cannot write the inbox: " + e.getClass().getSimpleName());
        }
    }
}
