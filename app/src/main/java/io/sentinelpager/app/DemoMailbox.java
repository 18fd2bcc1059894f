package io.sentinelpager.app;

import com.icegreen.greenmail.mail.MailAddress;
import com.icegreen.greenmail.mail.MovingMessage;
import com.icegreen.greenmail.store.FolderException;
import com.icegreen.greenmail.user.GreenMailUser;
import com.icegreen.greenmail.user.MessageDeliveryHandler;
import com.icegreen.greenmail.user.UserException;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import io.sentinelpager.notify.EmailChannel;
import jakarta.mail.MessagingException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The demo's mail server: a real SMTP server (GreenMail) on 127.0.0.1 that writes each mail it receives, once per
 * recipient, as an {@code .eml} file in a directory, which any mail client opens. The e-mail channel speaks SMTP to it
 * exactly as to a company's relay, so the demo's e-mail pages go the way production ones do.
 */
final class DemoMailbox implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(DemoMailbox.class);
    private static final DateTimeFormatter FILE_TIME = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")
            .withZone(ZoneOffset.UTC);

    private final GreenMail server;
    private final Path directory;

    private DemoMailbox(GreenMail server, Path directory) {
        this.server = server;
        this.directory = directory;
    }

    /** Listens on a free port of 127.0.0.1 and saves what it receives in this directory, made if need be. */
    static DemoMailbox start(Path directory, Clock clock) throws IOException {
        Files.createDirectories(directory);
        GreenMail server = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        server.start();
        MessageDeliveryHandler store = server.getUserManager().getMessageDeliveryHandler();
        server.getUserManager().setMessageDeliveryHandler(new SaveToFile(directory, clock, server, store));
        return new DemoMailbox(server, directory);
    }

    /** Notify's settings for this server: a relay on this machine, which needs neither STARTTLS nor a login. */
    Map<String, String> settings() {
        return Map.of(EmailChannel.Config.HOST.name(), "127.0.0.1",
                EmailChannel.Config.PORT.name(), String.valueOf(port()),
                EmailChannel.Config.STARTTLS.name(), "false");
    }

    int port() {
        return server.getSmtp().getPort();
    }

    Path directory() {
        return directory;
    }

    @Override
    public void close() {
        server.stop();
    }

    /**
     * Writes the mail to a file, then lets GreenMail deliver it to its in-memory mailbox, which the SMTP conversation
     * needs, after emptying the mailboxes: the file is the copy that counts, and a demo left running for days would
     * otherwise hold every mail it ever received.
     */
    private record SaveToFile(Path directory, Clock clock, GreenMail server, MessageDeliveryHandler store,
                              AtomicInteger count) implements MessageDeliveryHandler {

        SaveToFile(Path directory, Clock clock, GreenMail server, MessageDeliveryHandler store) {
            this(directory, clock, server, store, new AtomicInteger());
        }

        @Override
        public GreenMailUser handle(MovingMessage mail, MailAddress to) throws MessagingException, UserException {
            // The time and a count first, so that a directory listing is in the order the mails came.
            String name = FILE_TIME.format(clock.instant()) + "-" + String.format("%04d", count.incrementAndGet())
                    + "-" + to.getEmail().replaceAll("[^A-Za-z0-9@._+-]", "_") + ".eml";
            // Written aside and moved in, so that whoever watches the directory never opens half a mail.
            Path partial = directory.resolve("." + name + ".part");
            try {
                try (OutputStream out = Files.newOutputStream(partial)) {
                    mail.getMessage().writeTo(out);
                }
                Files.move(partial, directory.resolve(name), StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                // GreenMail answers 451, so notify retries the page instead of counting it sent.
                throw new MessagingException("cannot save the mail in " + directory + ": " + e.getMessage(), e);
            }
            try {
                server.purgeEmailFromAllMailboxes();
            } catch (FolderException e) {
                log.warn("could not empty the demo mail server's memory: {}", e.getMessage());
            }
            return store.handle(mail, to);
        }
    }
}
