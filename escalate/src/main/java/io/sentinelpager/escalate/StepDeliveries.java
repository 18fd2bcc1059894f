package io.sentinelpager.escalate;

import io.sentinelpager.schemas.AlertLifecycle;
import io.sentinelpager.schemas.DeliveryOutcome;
import io.sentinelpager.schemas.DeliveryReceipt;
import io.sentinelpager.schemas.LifecycleStatus;
import io.sentinelpager.schemas.NotificationRequest;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Whether the current step reached anybody, as notify's receipts tell it: each notification the step sent is pending
 * until its receipt says sent, failed or unknown. When every one of them has failed, nobody was reached, and the next
 * step is due now instead of after the wait.
 */
final class StepDeliveries {

    private static final String PENDING = "pending";
    private static final String SENT = "sent";
    private static final String FAILED = "failed";
    /**
     * notify cannot tell whether the person was reached (it was killed between starting the send and recording it,
     * and the channel cannot be asked): not a failure, since the page has most likely arrived.
     */
    private static final String UNKNOWN = "unknown";

    private StepDeliveries() {
    }

    /** The deliveries of a step that has just sent these. */
    static Map<String, String> awaiting(List<NotificationRequest> sent) {
        Map<String, String> deliveries = new HashMap<>();
        for (NotificationRequest page : sent) {
            deliveries.put(page.getNotificationId(), PENDING);
        }
        return deliveries;
    }

    /**
     * A delivery receipt joins the timeline, so the app shows that and how the person was reached. An outcome notify
     * could not learn after a crash ({@code UNKNOWN}) is not a failure: the person may well have been paged, and
     * paging the next step at once would wake a second person for a page the first one has, so the step waits its
     * planned time, as for a page that was sent.
     */
    static Lifecycle.Outcome receipt(Optional<AlertLifecycle> current, DeliveryReceipt receipt, Instant now) {
        if (current.isEmpty()) {
            return Lifecycle.Outcome.none();
        }
        AlertLifecycle state = current.get();
        Change change = Change.of(state, now);
        change.note(Change.event(receipt.getAt(), "notification-" + receipt.getOutcome().name().toLowerCase(),
                receipt.getUserId(), receipt.getContactMethod().name().toLowerCase(), receipt.getDetail()));
        Map<String, String> deliveries = new HashMap<>(state.getStepDeliveries());
        if (deliveries.containsKey(receipt.getNotificationId())) {
            deliveries.put(receipt.getNotificationId(), delivery(receipt.getOutcome()));
            change.page().setStepDeliveries(deliveries);
            boolean nobodyReached = deliveries.values().stream().allMatch(FAILED::equals);
            if (nobodyReached && state.getStatus() == LifecycleStatus.TRIGGERED && state.getNextEscalationAt() != null
                    && state.getNextEscalationAt().isAfter(now)) {
                change.page().setNextEscalationAt(now);
                change.note("escalating-now", null, null, "every notification of this step failed");
            }
        }
        return change.outcome();
    }

    private static String delivery(DeliveryOutcome outcome) {
        return switch (outcome) {
            case SENT -> SENT;
            case UNKNOWN -> UNKNOWN;
            case FAILED, RATE_LIMITED -> FAILED;
        };
    }
}
