package io.sentinelpager.escalate;

import io.sentinelpager.schemas.AlertAction;
import io.sentinelpager.schemas.AlertLifecycle;
import io.sentinelpager.schemas.ContactMethod;
import io.sentinelpager.schemas.ContactMethodType;
import io.sentinelpager.schemas.NotificationRequest;
import io.sentinelpager.schemas.NotificationRule;
import io.sentinelpager.schemas.RecordLimits;
import io.sentinelpager.schemas.RoutedAlert;
import io.sentinelpager.schemas.SecurityAlert;
import io.sentinelpager.schemas.Urgency;
import io.sentinelpager.schemas.UserConfig;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What a person receives about a page, on which contact methods and when: the pages of a step by the user's rules,
 * and the news that is not a page (a comment made in Azure, a resolution there). Every id derives from the page and
 * the event, so notify skips what it sent before a crash; the reopen count is part of it, so a reopened page is news
 * again.
 */
final class Notifications {

    /** At most this many others named on a page (see {@link #withOthersPaged}). */
    static final int ALSO_PAGED = 20;

    private final EscalateConfig config;

    Notifications(EscalateConfig config) {
        this.config = config;
    }

    /**
     * A step's pages of one user, by their rules for the page's urgency: a rule with no delay is due now, a delayed
     * one at its time, to wait in the page until then (an acknowledgement cancels it).
     */
    List<NotificationRequest> forStep(Change change, String userId, UserConfig user, ChainPosition at) {
        AlertLifecycle.Builder page = change.page();
        String key = page.getAlertKey();
        RoutedAlert routed = page.getAlert();
        List<NotificationRequest> pages = new ArrayList<>();
        for (Delivery delivery : deliveries(userId, user, routed.getUrgency(), change)) {
            Instant due = change.now().plus(Duration.ofMinutes(delivery.delayMinutes()));
            pages.add(message(key, routed, userId, delivery.method(), due)
                    .setNotificationId(episode(key, page.getReopened()) + "/round-" + at.round() + "/step-"
                            + at.step() + "/" + userId + "/" + delivery.method().getType().name().toLowerCase())
                    .setEscalationStep(at.step())
                    // Only a page starts notify's time to page; news about it (a comment, a resolution) does not.
                    .setAlertCreatedAt(routed.getEnriched().getAlert().getCreatedAt())
                    .build());
        }
        return pages;
    }

    /**
     * Tells the page's owner of a comment an analyst added in Azure, by the owner's low-urgency rules. It is news, not
     * a page: nothing waits for an acknowledgement, so each rule's contact method is used at once, and once only.
     * The ids derive from the comment's action, so a replayed comment notifies nobody twice.
     */
    List<NotificationRequest> comment(AlertLifecycle state, AlertAction action, Lifecycle.Directory directory,
                                      Change change) {
        String owner = state.getOwner();
        String key = state.getAlertKey();
        Set<ContactMethodType> used = new HashSet<>();
        List<NotificationRequest> notices = new ArrayList<>();
        for (Delivery delivery : deliveries(owner, directory.users().apply(owner), Urgency.LOW, change)) {
            if (!used.add(delivery.method().getType())) {
                continue;
            }
            NotificationRequest.Builder notice = message(key, state.getAlert(), owner, delivery.method(), change.now());
            String said = action.getActor() + " commented in Azure: " + action.getComment();
            notices.add(notice
                    .setNotificationId(key + "/" + action.getActionId() + "/" + owner + "/"
                            + delivery.method().getType().name().toLowerCase())
                    .setEscalationStep(0)
                    .setUrgency(Urgency.LOW)
                    .setTitle("Comment: " + notice.getTitle())
                    // Notify's messages show the title and the summary line, so the comment goes there too.
                    .setSummary(RecordLimits.cut(said, RecordLimits.TITLE_BYTES))
                    .setBody(said + " (" + key + ")")
                    .build());
        }
        return notices;
    }

    /**
     * Tells everyone who was paged that Azure resolved the page, so nobody gets up for an alert that is already
     * handled. The notice's id carries the reopen count like the pages do: after a reopen, a second resolution is news
     * again, not a repeat for notify to skip.
     */
    List<NotificationRequest> resolved(AlertLifecycle state, Lifecycle.Directory directory, Instant now) {
        RoutedAlert routed = state.getAlert();
        String key = state.getAlertKey();
        Set<String> paged = new LinkedHashSet<>();
        state.getTimeline().stream().filter(e -> "paged".equals(e.getType())).forEach(e -> paged.add(e.getActor()));
        List<NotificationRequest> notices = new ArrayList<>();
        for (String userId : paged) {
            for (ContactMethod method : contactMethods(userId, directory.users().apply(userId))) {
                NotificationRequest.Builder notice = message(key, routed, userId, method, now);
                notices.add(notice
                        .setNotificationId(episode(key, state.getReopened()) + "/resolved/" + userId + "/"
                                + method.getType().name().toLowerCase())
                        .setEscalationStep(0)
                        .setUrgency(Urgency.LOW)
                        .setTitle("Resolved: " + notice.getTitle())
                        .setBody("RESOLVED in Azure, nothing to do: " + routed.getEnriched().getAlert().getTitle()
                                + " (" + key + ")")
                        .build());
            }
        }
        return notices;
    }

    /** The start of the ids of everything a page sends between two reopens. */
    static String episode(String key, int reopened) {
        return key + (reopened > 0 ? "/reopen-" + reopened : "");
    }

    static NotificationRequest withOthersPaged(NotificationRequest page, List<String> recipients) {
        // A whole team can be paged at once: the first names tell who else is looking, not a roll call of hundreds.
        return NotificationRequest.newBuilder(page).setAlsoPaged(recipients.stream()
                .filter(u -> !u.equals(page.getUserId())).limit(ALSO_PAGED).toList()).build();
    }

    /**
     * The page of the fallback user of a held page: ids of its own, as the fallback user may be on the step too and
     * must be paged again when the page is released; the summary says why it is held.
     */
    static NotificationRequest asFallback(NotificationRequest page, String why) {
        String id = page.getNotificationId();
        String step = "/step-" + page.getEscalationStep() + "/";
        int at = id.lastIndexOf(step) + step.length();
        return NotificationRequest.newBuilder(page).setNotificationId(id.substring(0, at) + "held/" + id.substring(at))
                .setSummary(why).build();
    }

    /** The message about the page to one contact method, all but its id and step. */
    private NotificationRequest.Builder message(String key, RoutedAlert routed, String userId, ContactMethod method,
                                                Instant at) {
        SecurityAlert alert = routed.getEnriched().getAlert();
        // Cut again here, whatever upstream did: a page goes out even when a title or a summary is absurdly long.
        String title = RecordLimits.cut(alert.getTitle(), RecordLimits.TITLE_BYTES);
        String summary = RecordLimits.cut(routed.getEnriched().getSummary(), RecordLimits.TITLE_BYTES);
        String body = alert.getSeverity() + " " + title
                + (summary == null ? "" : " — " + summary)
                + " — acknowledge: " + config.responderUrl() + "/api/alerts/" + key + "/ack";
        return NotificationRequest.newBuilder()
                .setAlertKey(key)
                .setConnectorId(alert.getConnectorId())
                .setUserId(userId)
                .setContactMethod(method.getType())
                .setAddress(method.getAddress())
                .setSeverity(alert.getSeverity())
                .setUrgency(routed.getUrgency())
                .setTitle(title)
                .setBody(body)
                .setSummary(summary)
                .setRequestedAt(at);
    }

    /** One way a user's rules reach them, and how many minutes after the event. */
    private record Delivery(ContactMethod method, int delayMinutes) {
    }

    /**
     * How a user's rules for this urgency reach them. A user without rules, or whose rules name no contact method
     * they have, gets every contact method at once: a broken rule never means no page.
     */
    private static List<Delivery> deliveries(String userId, UserConfig user, Urgency urgency, Change change) {
        List<NotificationRule> rules = user == null ? List.of() : user.getNotificationRules().stream()
                .filter(r -> r.getUrgency() == urgency).toList();
        List<Delivery> deliveries = new ArrayList<>();
        for (NotificationRule rule : rules) {
            Optional<ContactMethod> method = user.getContactMethods().stream()
                    .filter(m -> m.getType() == rule.getContactMethod()).findFirst();
            if (method.isEmpty()) {
                change.note("rule-skipped", userId, null, "a notification rule uses "
                        + rule.getContactMethod().name().toLowerCase() + ", which " + userId + " has no address for");
                continue;
            }
            deliveries.add(new Delivery(method.get(), rule.getDelayMinutes()));
        }
        if (deliveries.isEmpty()) {
            contactMethods(userId, user).forEach(method -> deliveries.add(new Delivery(method, 0)));
        }
        return deliveries;
    }

    private static List<ContactMethod> contactMethods(String userId, UserConfig user) {
        if (user == null || user.getContactMethods().isEmpty()) {
            // Never drop a page for want of a contact method: the inbox is always there.
            return List.of(ContactMethod.newBuilder().setType(ContactMethodType.INBOX).setAddress(userId).build());
        }
        return user.getContactMethods();
    }
}
