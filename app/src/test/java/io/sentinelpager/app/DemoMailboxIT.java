package io.sentinelpager.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.sentinelpager.notify.EmailChannel;
import io.sentinelpager.notify.Message;
import io.sentinelpager.oncall.config.ConfigLoader;
import io.sentinelpager.platform.config.PagerConfig;
import io.sentinelpager.schemas.Severity;
import io.sentinelpager.schemas.Urgency;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The demo's mail server, as {@code pager demo} runs it: notify's e-mail channel, with the settings the demo gives it,
 * delivers over SMTP, and the page is a mail file where the banner says; and the example configuration's people have
 * no contact method the demo cannot send to, which would end their pages in "no contact method left".
 */
class DemoMailboxIT {

    @TempDir
    Path dir;

    @Test
    void anEmailPageOfTheDemoIsAMailFileInTheDirectoryTheBannerNames() throws Exception {
        Path mail = dir.resolve("pager-mail");
        try (DemoMailbox mailbox = DemoMailbox.start(mail, Clock.systemUTC())) {
            EmailChannel channel = new EmailChannel(EmailChannel.Config.from(PagerConfig.empty()
                    .with(mailbox.settings())).orElseThrow());

            channel.send(lowUrgencyPage("demo:a-1/round-0/step-0/lead/email", "lead@contoso.example"));

            assertThat(mailbox.directory()).isEqualTo(mail);
            List<Path> files;
            try (Stream<Path> listed = Files.list(mail)) {
                files = listed.toList();
            }
            assertThat(files).singleElement().satisfies(file ->
                    assertThat(file.getFileName().toString()).endsWith("-lead@contoso.example.eml"));
            MimeMessage saved;
            try (InputStream in = Files.newInputStream(files.get(0))) {
                saved = new MimeMessage(Session.getInstance(new Properties()), in);
            }
            assertThat(saved.getSubject()).isEqualTo("LOW: Suspicious execution of hidden file");
            assertThat(saved.getAllRecipients()[0].toString()).isEqualTo("lead@contoso.example");
            assertThat(saved.getHeader("X-Pager-Delivery-Id")).containsExactly("demo:a-1/round-0/step-0/lead/email");
        }
    }

    @Test
    void everyContactMethodOfTheExamplePeopleHasAChannelInTheDemo() throws Exception {
        ConfigLoader.Result example = ConfigLoader.load(Path.of("..", "examples", "config"));
        assertThat(example.problems()).isEmpty();

        try (DemoMailbox mailbox = DemoMailbox.start(dir.resolve("pager-mail"), Clock.systemUTC())) {
            assertThat(ChannelCheck.warnings(example.config(), PagerConfig.empty().with(mailbox.settings())))
                    .isEmpty();
        }
    }

    private static Message lowUrgencyPage(String id, String address) {
        return new Message(id, Instant.parse("2026-12-07T06:00:00Z"), "lead", address, "demo:a-1", Severity.LOW,
                Urgency.LOW, "LOW: Suspicious execution of hidden file", "Suspicious execution of hidden file",
                "LOW: Suspicious execution of hidden file", List.of(), List.of(), 1, List.of(id));
    }
}
