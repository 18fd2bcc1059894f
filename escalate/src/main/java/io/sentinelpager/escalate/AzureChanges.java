package io.sentinelpager.escalate;

import io.sentinelpager.schemas.AlertAction;
import io.sentinelpager.schemas.AlertLifecycle;
import io.sentinelpager.schemas.LifecycleStatus;
import io.sentinelpager.schemas.SourceStatus;
import io.sentinelpager.schemas.TimelineEvent;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * What a change made in Defender or Sentinel does to a page: an alert's new status (the page closes when Azure has
 * resolved all of its alerts) and an analyst's comment. Nothing goes back to Azure, which has it: no echo loop.
 */
final class AzureChanges {

    private final Notifications notifications;

    AzureChanges(Notifications notifications) {
        this.notifications = notifications;
    }

    Lifecycle.Outcome statusChanged(AlertLifecycle state, AlertAction action, Lifecycle.Directory directory,
                                    Instant now) {
        Change change = Change.of(state, now);
        if (sourceChanged(state, action, change)) {
            change.page().setClassification(action.getClassification());
            closedInAzure(state, change, directory);
        }
        return change.outcome();
    }

    /**
     * An analyst's comment in Defender or Sentinel, at the time it was written; the page's owner is told of it (see
     * {@link Notifications#comment}).
     */
    Lifecycle.Outcome comment(AlertLifecycle state, AlertAction action, Lifecycle.Directory directory, Instant now) {
        Change change = Change.of(state, now);
        TimelineEvent comment = Change.event(action.getOccurredAt(), "comment", action.getActor(),
                action.getChannel(), action.getComment());
        if (change.noted(comment)) {
            // Sentinel keeps comments on the incident, and ingest gives each to every alert of it: a page that
            // groups the incident's alerts shows and tells it once, from the first of them.
            return Lifecycle.Outcome.none();
        }
        change.note(comment);
        if (state.getOwner() != null) {
            notifications.comment(state, action, directory, change).forEach(change::emit);
        }
        return change.outcome();
    }

    /**
     * Records what Azure now says of one alert of the page; true when that leaves the page with nothing open in
     * Azure, so it is to be closed. A page of one alert closes when its alert is resolved; a grouped page when the
     * last of its alerts is, each earlier one only noted on the timeline. An action that names no alert of the page
     * (the page's own key) speaks for all of them.
     */
    private static boolean sourceChanged(AlertLifecycle state, AlertAction action, Change change) {
        SourceStatus status = action.getSourceStatus();
        Map<String, SourceStatus> members = new HashMap<>(state.getMembers());
        boolean one = members.containsKey(action.getAlertKey());
        if (!one && !action.getAlertKey().equals(state.getAlertKey())) {
            // An alert of the incident beyond those the page lists: told, but it neither changes the listed ones nor
            // closes the page, which closes when the listed alerts are all resolved (Defender resolves an incident's
            // alerts together).
            change.note("source-changed", action.getActor(), action.getChannel(), "alert " + action.getAlertKey()
                    + " (not listed on the page): Azure reports " + reported(status));
            return false;
        }
        if (status != null) {
            if (one) {
                members.put(action.getAlertKey(), status);
            } else {
                members.replaceAll((k, v) -> status);
            }
            change.page().setMembers(members);
        }
        boolean grouped = members.size() > 1;
        long resolved = members.values().stream().filter(SourceStatus.RESOLVED::equals).count();
        boolean allResolved = status == SourceStatus.RESOLVED && resolved == members.size();
        change.note("source-changed", action.getActor(), action.getChannel(),
                (grouped && one ? "alert " + action.getAlertKey() + ": " : "") + "Azure reports " + reported(status)
                        + (grouped && !allResolved ? " (" + resolved + " of " + members.size() + " alerts resolved)"
                        : ""));
        return allResolved && state.getStatus() != LifecycleStatus.CLOSED;
    }

    private static String reported(SourceStatus status) {
        return status == null ? "a change" : status.name().toLowerCase().replace('_', ' ');
    }

    /**
     * Resolved in Defender or Sentinel: stop escalating, cancel what is pending, and tell everyone who was paged that
     * there is nothing left to do.
     */
    private void closedInAzure(AlertLifecycle state, Change change, Lifecycle.Directory directory) {
        change.page().setStatus(LifecycleStatus.CLOSED).setNextEscalationAt(null);
        change.dropPending();
        notifications.resolved(state, directory, change.now()).forEach(change::emit);
    }
}
