package io.sentinelpager.escalate;

import io.sentinelpager.schemas.AlertAction;
import io.sentinelpager.schemas.AlertLifecycle;
import io.sentinelpager.schemas.EscalationChainConfig;
import io.sentinelpager.schemas.LifecycleStatus;
import io.sentinelpager.schemas.SourceStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What a responder's action does to a page: acknowledge, take ownership, close, comment or reopen.
 *
 * <p>An acknowledgement says "I have seen it, stop paging"; taking ownership is the explicit choice of who handles
 * it. So an acknowledgement makes its author the owner only of a page nobody owns (with multi-ack, the first of the
 * step to acknowledge), and every acknowledger is recorded in {@code acknowledgedBy}; taking ownership replaces the
 * owner. Azure's assignee follows the owner: it is written when the owner changes, not on every acknowledgement, or a
 * responder answering a late push would take an alert away from its owner in Defender. Taking ownership of a closed
 * page, or of a page one owns already, is ignored (noted on the timeline, as the responder accepts every action and
 * only the timeline can say it changed nothing).
 *
 * <p>A close resolves in Azure what the page has open there, and closes the page. A page that is closed already but
 * whose alerts Azure still has open (a maintenance window suppressed it) is closed in Azure the same way, without
 * paging anyone; a page a responder or Azure closed has nothing open, so a close of it is ignored.
 */
final class ResponderActions {

    private final Escalation escalation;

    ResponderActions(Escalation escalation) {
        this.escalation = escalation;
    }

    Lifecycle.Outcome acknowledge(AlertLifecycle state, AlertAction action, Lifecycle.Directory directory,
                                  Instant now) {
        Change change = Change.of(state, now);
        String actor = action.getActor();
        EscalationChainConfig chain = directory.chains().apply(state.getAlert().getEscalationChainId());
        List<String> acked = new ArrayList<>(state.getAcknowledgedBy());
        boolean again = acked.contains(actor);
        if (!again) {
            acked.add(actor);
        }
        List<String> waiting = state.getStepRecipients().stream().filter(u -> !acked.contains(u)).toList();
        if (state.getStatus() == LifecycleStatus.TRIGGERED && chain != null && chain.getMultiAck()
                && !waiting.isEmpty()) {
            // Multi-ack: escalation goes on until everyone paged in this step has acknowledged.
            change.page().setAcknowledgedBy(acked);
            change.note("acknowledged", actor, action.getChannel(), "waiting for " + String.join(", ", waiting));
        } else if (state.getStatus() == LifecycleStatus.ACKNOWLEDGED && !again) {
            // Someone else has seen it too (a push answered late, a later step that reached them): the team sees who
            // did, but Azure already has the page in progress and its owner stays.
            change.page().setAcknowledgedBy(acked);
            change.note("acknowledged", actor, action.getChannel(), action.getComment());
        } else if (!open(state)) {
            change.note("ignored", actor, action.getChannel(),
                    "acknowledge ignored: alert is " + state.getStatus().name().toLowerCase());
        } else {
            // The first to acknowledge owns a page nobody owns; one somebody took stays theirs, so Azure's assignee is
            // written only when the owner changes.
            String owner = state.getOwner() != null ? state.getOwner() : acked.get(0);
            String assignedTo = owner.equals(state.getOwner()) ? null : AzureSync.azureUser(directory, owner);
            change.page().setStatus(LifecycleStatus.ACKNOWLEDGED).setOwner(owner).setAcknowledgedBy(acked)
                    .setNextEscalationAt(null).setHeldUntil(null);
            change.dropPending();
            change.note("acknowledged", actor, action.getChannel(), action.getComment());
            AzureSync.sync(state, change, action, SourceStatus.IN_PROGRESS, assignedTo);
        }
        return change.outcome();
    }

    Lifecycle.Outcome takeOwnership(AlertLifecycle state, AlertAction action, Lifecycle.Directory directory,
                                    Instant now) {
        Change change = Change.of(state, now);
        String actor = action.getActor();
        if (state.getStatus() == LifecycleStatus.CLOSED) {
            // Nothing left to handle: Azure's assignee stays whoever it was when the page closed (or whoever resolved
            // it there). A responder reopens a page to take it on again.
            change.note("ignored", actor, action.getChannel(), "take ownership ignored: alert is closed");
        } else if (actor.equals(state.getOwner())) {
            change.note("ignored", actor, action.getChannel(), "take ownership ignored: " + actor + " owns it already");
        } else {
            change.page().setOwner(actor);
            change.note("owner", actor, action.getChannel(), "took ownership");
            AzureSync.sync(state, change, action, null, AzureSync.azureUser(directory, actor));
        }
        return change.outcome();
    }

    Lifecycle.Outcome close(AlertLifecycle state, AlertAction action, Lifecycle.Directory directory, Instant now) {
        Change change = Change.of(state, now);
        String actor = action.getActor();
        String closer = AzureSync.azureUser(directory, state.getOwner() == null ? actor : state.getOwner());
        if (state.getStatus() != LifecycleStatus.CLOSED) {
            change.page().setStatus(LifecycleStatus.CLOSED).setNextEscalationAt(null)
                    .setClassification(action.getClassification());
            change.dropPending();
            change.note("closed", actor, action.getChannel(), action.getComment());
            AzureSync.sync(state, change, action, SourceStatus.RESOLVED, closer);
        } else if (AzureSync.openInAzure(state)) {
            // Closed here while Azure has alerts of it open: a maintenance window suppressed the page (or a new alert
            // of it), or an analyst set a resolved alert active again. They would stay open in Defender until someone
            // went to the portal; the close resolves them, and pages nobody. sync records them resolved, so another
            // close finds nothing left and is ignored.
            change.note("closed", actor, action.getChannel(), "resolved in Azure"
                    + (action.getComment() == null || action.getComment().isBlank() ? "" : ": " + action.getComment()));
            AzureSync.sync(state, change, action, SourceStatus.RESOLVED, closer);
        } else {
            change.note("ignored", actor, action.getChannel(), "close ignored: already closed");
        }
        return change.outcome();
    }

    /** A responder's note: on the timeline, and on every alert of the page in Azure. */
    Lifecycle.Outcome annotate(AlertLifecycle state, AlertAction action, Instant now) {
        Change change = Change.of(state, now);
        change.note("comment", action.getActor(), action.getChannel(), action.getComment());
        AzureSync.sync(state, change, action, null, null);
        return change.outcome();
    }

    Lifecycle.Outcome reopen(AlertLifecycle state, AlertAction action, Lifecycle.Directory directory, Instant now) {
        Change change = Change.of(state, now);
        if (open(state)) {
            change.note("ignored", action.getActor(), action.getChannel(), "reopen ignored: alert is open");
        } else {
            change.note("reopened", action.getActor(), action.getChannel(), action.getComment());
            // A person asked for it: paged now, whatever maintenance window is in force.
            escalation.reopen(change, Optional.empty(), directory);
        }
        return change.outcome();
    }

    /** Triggered or held: nobody has acknowledged it, and it is paged (or waits to be). */
    private static boolean open(AlertLifecycle state) {
        return state.getStatus() == LifecycleStatus.TRIGGERED || state.getStatus() == LifecycleStatus.HELD;
    }
}
