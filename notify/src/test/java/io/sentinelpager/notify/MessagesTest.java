package io.sentinelpager.notify;

import static org.assertj.core.api.Assertions.assertThat;

import io.sentinelpager.platform.config.Secret;
import io.sentinelpager.platform.security.ActionLinks;
import io.sentinelpager.schemas.ActionType;
import io.sentinelpager.schemas.ContactMethodType;
import io.sentinelpager.schemas.NotificationRequest;
import io.sentinelpager.schemas.Severity;
import io.sentinelpager.schemas.Urgency;
import io.sentinelpager.testkit.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class MessagesTest {

    static final Instant T0 = Instant.parse("2026-11-29T03:00:00Z");
    final MutableClock clock = new MutableClock(T0);
    final ActionLinks links = new ActionLinks(Secret.of("link-key-for-tests-with-32-characters-or-more"), clock);
    final Messages messages = new Messages("https://pager.example/", Optional.of(links), Duration.ofHours(2));

    @Test
    void aPageSaysSeverityTitleFactsWhoElseAndHowToAct() throws Exception {
        NotificationRequest r = request("Impossible travel for jdoe@contoso.example",
                "sign-ins from Berlin and Lagos 5 min apart; 3 hosts", List.of("analyst", "manager"));

        Message m = messages.page(r, "id-1", "lead@contoso.example");

        assertThat(m.title()).isEqualTo("HIGH: Impossible travel for jdoe@contoso.example");
        assertThat(m.facts()).extracting(Message.Fact::name)
                .containsExactly("Severity", "Alert", "Facts", "Also paged", "SMS reply code");
        assertThat(m.text()).contains("Facts: sign-ins from Berlin and Lagos", "Also paged: analyst, manager",
                "Open: https://pager.example/alerts/c1%3Aa-42");
        assertThat(m.actions()).extracting(Message.Action::label)
                .containsExactly("Acknowledge", "Take ownership", "Open");
        String ack = m.actions().get(0).url();
        assertThat(ack).startsWith("https://pager.example/act/");
        ActionLinks.Claims claims = links.check(ack.substring(ack.lastIndexOf('/') + 1));
        assertThat(claims.action()).isEqualTo(ActionType.ACKNOWLEDGE);
        assertThat(claims.userId()).isEqualTo("lead");
        assertThat(claims.expiresAt()).isEqualTo(T0.plus(Duration.ofHours(2)));
        assertThat(m.shortText()).isEqualTo("HIGH: Impossible travel for jdoe@contoso.example - sign-ins from Berlin "
                + "and Lagos 5 min apart; 3 hosts Also: analyst,manager Reply ack " + links.replyCodes().of("c1:a-42", "lead"));
    }

    @Test
    void withoutALinkKeyThereAreNoOneClickLinks() {
        Messages unsigned = new Messages("https://pager.example", Optional.empty(), Duration.ofHours(2));

        Message m = unsigned.page(request("t", null, List.of()), "id-1", "x");

        assertThat(m.actions()).extracting(Message.Action::label).containsExactly("Open");
        assertThat(m.text()).doesNotContain("/act/");
        assertThat(m.facts()).extracting(Message.Fact::name).as("reply codes are keyed by links.key too")
                .doesNotContain("SMS reply code");
        assertThat(m.shortText()).endsWith(" Open the app to act").doesNotContain("Reply ack");
    }

    @Test
    void aLongSmsKeepsSeverityAndReplyCodeAndCutsTheRest() {
        String title = "Ransomware behaviour detected on FINANCE-SRV-01 by Microsoft Defender for Endpoint: "
                + "multiple files encrypted in a short time by an unsigned process — investigate now";
        NotificationRequest r = request(title, "a very long summary that cannot fit " + "x".repeat(200),
                List.of("analyst"));

        String sms = Messages.sms(r, Optional.of("4821"));

        assertThat(Gsm7.length(sms)).isLessThanOrEqualTo(160);
        assertThat(sms).startsWith("HIGH: Ransomware behaviour").endsWith("... Reply ack 4821");
        assertThat(sms).doesNotContain("very long summary", "Also:");
    }

    @Test
    void smsTextStaysInTheGsmAlphabet() {
        NotificationRequest r = request("Sign-in from “unknown” device — 東京 … ok", "{json} [x] ~ €5", List.of());

        String sms = Messages.sms(r, Optional.of("0001"));

        assertThat(sms).isEqualTo("HIGH: Sign-in from \"unknown\" device - ?? ... ok - {json} [x] ~ €5 Reply ack 0001");
        assertThat(Gsm7.of(sms)).isEqualTo(sms);
    }

    @Test
    void extensionCharactersCountTwiceAndAreNotSplit() {
        assertThat(Gsm7.length("[a]")).isEqualTo(5);
        assertThat(Gsm7.truncate("abcd[ef", 8)).as("exactly 8 septets fit").isEqualTo("abcd[ef");
        assertThat(Gsm7.truncate("abcd[ef", 7)).isEqualTo("abcd...");
        assertThat(Gsm7.truncate("ab[cdef", 6)).as("the escape pair is not split").isEqualTo("ab...");
        assertThat(Gsm7.truncate("short", 8)).isEqualTo("short");
    }

    @Test
    void aDigestCountsListsWorstFirstAndFitsOneSms() {
        List<NotificationRequest> burst = List.of(
                request("c1:a1", Severity.LOW, "Low thing"), request("c1:a2", Severity.HIGH, "Bad thing"),
                request("c1:a3", Severity.MEDIUM, "Middling thing"), request("c1:a4", Severity.MEDIUM, "x".repeat(90)),
                request("c1:a5", Severity.INFORMATIONAL, "FYI"));

        Message m = messages.digest(burst, List.of("d-1", "d-2", "d-3", "d-4", "d-5"), "+15550001");

        assertThat(m.alerts()).isEqualTo(5);
        assertThat(m.id()).isEqualTo("d-1+4");
        assertThat(m.deliveryIds()).containsExactly("d-1", "d-2", "d-3", "d-4", "d-5");
        assertThat(m.title()).isEqualTo("5 new alerts, worst HIGH");
        assertThat(m.facts().get(0).value()).startsWith("Bad thing");
        assertThat(m.shortText()).startsWith("5 new alerts, worst HIGH: Bad thing #" + links.replyCodes().of("c1:a2", "lead"))
                .endsWith(" Reply ack CODE");
        assertThat(Gsm7.length(m.shortText())).isLessThanOrEqualTo(160);
    }

    @Test
    void nothingFromTheRequestBodyOrOtherFieldsLeaksIntoTheText() {
        NotificationRequest r = NotificationRequest.newBuilder(request("t", null, List.of()))
                .setBody("token=SECRET-IN-BODY").build();

        Message m = messages.page(r, "id", "x");

        assertThat(Set.of(m.text(), m.shortText(), m.title())).noneMatch(s -> s.contains("SECRET"));
    }

    static NotificationRequest request(String alertKey, Severity severity, String title) {
        return NotificationRequest.newBuilder(request(title, null, List.of())).setAlertKey(alertKey)
                .setSeverity(severity).build();
    }

    static NotificationRequest request(String title, String summary, List<String> alsoPaged) {
        return NotificationRequest.newBuilder().setNotificationId("c1:a-42/round-0/step-0/lead/sms")
                .setAlertKey("c1:a-42").setUserId("lead").setContactMethod(ContactMethodType.SMS)
                .setAddress("+15550001").setSeverity(Severity.HIGH).setUrgency(Urgency.HIGH).setTitle(title)
                .setBody("unused").setSummary(summary).setAlsoPaged(alsoPaged).setRequestedAt(T0).build();
    }
}
