package io.sentinelpager.notify;

import io.sentinelpager.platform.config.Secret;
import io.sentinelpager.platform.security.ActionLinks;
import io.sentinelpager.schemas.ContactMethodType;
import io.sentinelpager.schemas.NotificationRequest;
import io.sentinelpager.schemas.Severity;
import io.sentinelpager.schemas.Urgency;
import io.sentinelpager.testkit.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** The page every channel IT sends: a high-severity alert with facts, others paged and signed links. */
final class TestMessages {

    static final Instant T0 = Instant.parse("2026-11-29T03:00:00Z");
    static final MutableClock CLOCK = new MutableClock(T0);
    static final ActionLinks LINKS = new ActionLinks(Secret.of("link-key-for-tests-with-32-characters-or-more"), CLOCK);

    private TestMessages() {
    }

    static Message page(ContactMethodType method, String address) {
        return page(method, address, "Impossible travel for jdoe@contoso.example",
                "sign-ins from Berlin and Lagos 5 min apart");
    }

    /** The page with a title and summary of the test's choosing, e.g. one an attacker wrote. */
    static Message page(ContactMethodType method, String address, String title, String summary) {
        NotificationRequest request = NotificationRequest.newBuilder()
                .setNotificationId("c1:a-42/round-0/step-0/lead/" + method.name().toLowerCase())
                .setAlertKey("c1:a-42").setUserId("lead").setContactMethod(method).setAddress(address)
                .setSeverity(Severity.HIGH).setUrgency(Urgency.HIGH)
                .setTitle(title)
                .setSummary(summary)
                .setAlsoPaged(List.of("analyst")).setBody("unused").setRequestedAt(T0).build();
        return new Messages("https://pager.example", Optional.of(LINKS), Duration.ofHours(1))
                .page(request, request.getNotificationId(), address);
    }
}
