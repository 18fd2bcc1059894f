package io.sentinelpager.notify;

import static org.assertj.core.api.Assertions.assertThat;

import io.sentinelpager.schemas.ContactMethodType;
import io.sentinelpager.schemas.NotificationRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The inbox on a real directory: what it writes, and what it can tell after a crash from what it wrote. */
class InboxChannelTest {

    final Messages messages = new Messages("https://pager.example", Optional.empty(), Duration.ofHours(1));

    @TempDir
    Path dir;

    @Test
    void eachLineCarriesItsDeliveryIdsAndTellsWhichPagesAreThere() throws Exception {
        InboxChannel inbox = new InboxChannel(dir);
        NotificationRequest a1 = DeliveryProcessorTest.request("c1:a1", ContactMethodType.INBOX, "lead");
        NotificationRequest a2 = DeliveryProcessorTest.request("c1:a2", ContactMethodType.INBOX, "lead");
        NotificationRequest a3 = DeliveryProcessorTest.request("c1:a3", ContactMethodType.INBOX, "lead");

        inbox.send(messages.page(a1, "c1:a1/round-0/step-0/lead/inbox", "lead"));
        inbox.send(messages.digest(List.of(a2, a3), List.of("c1:a2/round-0/step-0/lead/inbox",
                "c1:a3/round-0/step-0/lead/inbox"), "lead"));

        assertThat(Files.readAllLines(inbox.inboxOf("lead"))).satisfiesExactly(
                one -> assertThat(one).endsWith(" (id c1:a1/round-0/step-0/lead/inbox)"),
                digest -> assertThat(digest).startsWith(a2.getRequestedAt() + " [HIGH/HIGH] 2 new alerts")
                        .endsWith(" (ids c1:a2/round-0/step-0/lead/inbox c1:a3/round-0/step-0/lead/inbox)"));
        assertThat(inbox.trace("c1:a1/round-0/step-0/lead/inbox", "lead")).isEqualTo(Channel.Trace.FOUND);
        assertThat(inbox.trace("c1:a3/round-0/step-0/lead/inbox", "lead")).isEqualTo(Channel.Trace.FOUND);
        assertThat(inbox.trace("c1:a/round-0/step-0/lead/inbox", "lead")).as("a prefix of another's id")
                .isEqualTo(Channel.Trace.ABSENT);
        assertThat(inbox.trace("c1:a1/round-0/step-0/lead/inbox", "ana")).as("nobody wrote ana's file yet")
                .isEqualTo(Channel.Trace.ABSENT);
    }

    @Test
    void aNewInboxFileIsReadableByItsOwnerOnlyForItsLinesHoldLiveLinks() throws Exception {
        InboxChannel inbox = new InboxChannel(dir);

        inbox.send(messages.page(DeliveryProcessorTest.request("c1:a1", ContactMethodType.INBOX, "lead"),
                "c1:a1/round-0/step-0/lead/inbox", "lead"));

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(inbox.inboxOf("lead"))))
                .isEqualTo("rw-------");
    }

    @Test
    void aLineCutShortByAPowerLossDoesNotSwallowTheNextOne() throws Exception {
        InboxChannel inbox = new InboxChannel(dir);
        Files.writeString(inbox.inboxOf("lead"), "2026-11-29T03:00:00Z [HIGH/HIGH] Suspicious sign-in c1:a0 (id c1:a0/ro",
                StandardCharsets.UTF_8, StandardOpenOption.CREATE_NEW);
        NotificationRequest a1 = DeliveryProcessorTest.request("c1:a1", ContactMethodType.INBOX, "lead");

        inbox.send(messages.page(a1, "c1:a1/round-0/step-0/lead/inbox", "lead"));

        assertThat(Files.readAllLines(inbox.inboxOf("lead"))).hasSize(2).last()
                .satisfies(line -> assertThat(line).startsWith("2026-11-29T03:00:00Z [HIGH/HIGH] HIGH: Suspicious sign-in c1:a1"));
        assertThat(inbox.trace("c1:a1/round-0/step-0/lead/inbox", "lead")).isEqualTo(Channel.Trace.FOUND);
        assertThat(inbox.trace("c1:a0/round-0/step-0/lead/inbox", "lead")).isEqualTo(Channel.Trace.ABSENT);
    }
}
