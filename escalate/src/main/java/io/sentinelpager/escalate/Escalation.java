package io.sentinelpager.escalate;

import io.sentinelpager.schemas.AlertLifecycle;
import io.sentinelpager.schemas.EscalationChainConfig;
import io.sentinelpager.schemas.EscalationStep;
import io.sentinelpager.schemas.LifecycleStatus;
import io.sentinelpager.schemas.MaintenanceWindow;
import io.sentinelpager.schemas.NotificationRequest;
import io.sentinelpager.schemas.RecordLimits;
import io.sentinelpager.schemas.RoutedAlert;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Who is paged, and when: the first step of a page, the next one when nobody acknowledged in time (after the last step
 * the chain starts again until it has been repeated as often as configured), a page held while configuration a step
 * needs is missing, and released when it arrives or when a maintenance window ends.
 */
final class Escalation {

    private final EscalateConfig config;
    private final Notifications notifications;

    Escalation(EscalateConfig config, Notifications notifications) {
        this.config = config;
        this.notifications = notifications;
    }

    /**
     * A timer of the page fired: send the delayed notifications that are due, and if nobody acknowledged in time,
     * page the next step. A timer that finds nothing due (acknowledged, closed, rescheduled, or already handled before
     * a crash) changes nothing, which is what makes a replayed timer harmless.
     */
    Lifecycle.Outcome wake(AlertLifecycle state, Lifecycle.Directory directory, Instant now) {
        // A held page has no step due, but the delayed notifications of the step paged before it was held still go.
        if (state.getStatus() != LifecycleStatus.TRIGGERED && state.getStatus() != LifecycleStatus.HELD) {
            return Lifecycle.Outcome.none();
        }
        if (state.getHeldUntil() != null) {
            if (state.getHeldUntil().isAfter(now)) {
                return Lifecycle.Outcome.none();
            }
            // The maintenance window is over: page as if the alert had just arrived.
            Change change = Change.of(state, now);
            change.note("released", null, null, "maintenance window over");
            change.page().setHeldUntil(null);
            change.dropPending();
            page(change, directory, ChainPosition.FIRST);
            return change.outcome();
        }
        Change change = Change.of(state, now);
        List<NotificationRequest> due = change.takeDue();
        boolean stepDue = state.getNextEscalationAt() != null && !state.getNextEscalationAt().isAfter(now);
        if (due.isEmpty() && !stepDue) {
            return Lifecycle.Outcome.none();
        }
        due.forEach(change::emit);
        if (stepDue) {
            nextStep(change, directory);
        }
        return change.outcome();
    }

    /**
     * Pages a held page now that some of the configuration it waited for has arrived: the step it was held at, as if
     * it were due now. What is still missing holds it again, without paging the fallback user a second time.
     */
    Lifecycle.Outcome release(AlertLifecycle state, Lifecycle.Directory directory, Instant now) {
        if (state.getStatus() != LifecycleStatus.HELD) {
            return Lifecycle.Outcome.none();
        }
        List<String> arrived = state.getWaitingFor().stream().filter(ref -> WaitingFor.configured(ref, directory))
                .toList();
        if (arrived.isEmpty()) {
            return Lifecycle.Outcome.none();
        }
        Change change = Change.of(state, now);
        int mark = change.mark();
        EscalationChainConfig chain = directory.chains().apply(state.getAlert().getEscalationChainId());
        if (chain == null || chain.getSteps().isEmpty()) {
            page(change, directory, ChainPosition.of(state));
        } else {
            pageStep(change, directory, chain, ChainPosition.of(state));
        }
        if (change.page().getStatus() != LifecycleStatus.HELD) {
            // Before the pages it led to.
            change.noteAt(mark, "released", null, null, WaitingFor.describe(arrived)
                    + (arrived.size() == 1 ? " is" : " are") + " configured now");
        }
        return change.outcome();
    }

    /**
     * Reopens an acknowledged or closed page: a fresh escalation from the first step, with its own notification ids
     * (the reopen count is part of them), unless the window given holds pages, which delays it to the window's end.
     * Nothing goes to Azure: what a responder told it stands until someone acknowledges or closes again, and even then
     * an alert resolved before the reopen stays resolved (see {@link AzureSync#sync}); the alerts still open are the
     * work.
     */
    void reopen(Change change, Optional<MaintenanceWindow> hold, Lifecycle.Directory directory) {
        AlertLifecycle.Builder page = change.page();
        page.setStatus(LifecycleStatus.TRIGGERED).setOwner(null).setAcknowledgedBy(List.of())
                .setReopened(page.getReopened() + 1);
        pageOrHold(change, hold, directory);
    }

    /**
     * Pages the first step now, or, when a maintenance window holds the team's pages, records that the first step is
     * paged when it ends. A hold left from before the page was closed is dropped: it must not be released again.
     */
    void pageOrHold(Change change, Optional<MaintenanceWindow> hold, Lifecycle.Directory directory) {
        // Nothing of an earlier escalation may remain to wait for.
        change.dropPending();
        if (hold.isPresent()) {
            // Nobody is paged until then.
            change.page().setHeldUntil(hold.get().getEnd()).setNextEscalationAt(null).setStepRecipients(List.of())
                    .setStepDeliveries(Map.of());
            change.note(Maintenance.holding(hold.get(), change.now()));
        } else {
            change.page().setHeldUntil(null);
            page(change, directory, ChainPosition.FIRST);
        }
    }

    private void nextStep(Change change, Lifecycle.Directory directory) {
        AlertLifecycle.Builder page = change.page();
        String chainId = page.getAlert().getEscalationChainId();
        EscalationChainConfig chain = directory.chains().apply(chainId);
        page.setNextEscalationAt(null);
        ChainPosition next = ChainPosition.of(page).next();
        if (chain == null) {
            // Deleted while the page was open: held, visibly, until the chain is configured again, then that step.
            hold(change, directory, next, "step " + (next.step() + 1) + " of chain " + chainId,
                    Set.of(WaitingFor.ESCALATION + chainId));
            return;
        }
        if (chain.getSteps().isEmpty()) {
            change.note("escalation-stopped", null, null, "chain " + chainId + " has no steps");
            return;
        }
        pageStep(change, directory, chain, next);
    }

    /** Pages the step at {@code at} of the chain, or the first of the next round; after the last round, nobody. */
    private void pageStep(Change change, Lifecycle.Directory directory, EscalationChainConfig chain,
                          ChainPosition at) {
        ChainPosition position = at.within(chain);
        if (position.round() > chain.getRepeat()) {
            change.page().setStatus(LifecycleStatus.TRIGGERED).setNextEscalationAt(null);
            change.note("escalation-exhausted", null, null, "nobody acknowledged after " + (chain.getRepeat() + 1)
                    + " rounds of chain " + chain.getId());
            return;
        }
        page(change, directory, position);
    }

    /** Notifies the targets of one chain step and schedules the next; records both in the timeline. */
    private void page(Change change, Lifecycle.Directory directory, ChainPosition at) {
        AlertLifecycle.Builder page = change.page();
        RoutedAlert routed = page.getAlert();
        EscalationChainConfig chain = directory.chains().apply(routed.getEscalationChainId());
        // A step that reaches nobody for want of configuration is held instead (see hold); one that reaches someone
        // notes what is missing on the timeline.
        StepTargets targets = new StepTargets(directory, change.now());
        List<String> recipients;
        String where;
        Instant nextStep = null;
        if (chain == null || chain.getSteps().isEmpty()) {
            recipients = targets.teamOnCall(routed.getTeamId());
            if (chain == null) {
                targets.chainMissing(routed.getEscalationChainId());
            }
            where = "chain " + routed.getEscalationChainId() + " is not configured; paged team " + routed.getTeamId()
                    + " on call";
        } else {
            EscalationStep current = chain.getSteps().get(at.step());
            if (chain.getEmergency()) {
                // Emergency: everyone in every step at once.
                Set<String> everyone = new LinkedHashSet<>();
                chain.getSteps().forEach(s -> everyone.addAll(targets.of(s)));
                recipients = new ArrayList<>(everyone);
                where = "emergency chain " + chain.getId() + at.repeat();
            } else {
                recipients = targets.of(current);
                where = "step " + (at.step() + 1) + " of " + chain.getSteps().size() + " of chain " + chain.getId()
                        + at.repeat();
            }
            nextStep = change.now().plus(Duration.ofMinutes(current.getDelayMinutes()));
        }
        if (recipients.isEmpty() && !targets.missing().isEmpty()) {
            hold(change, directory, at, chain == null ? "team " + routed.getTeamId() + " on call" : where,
                    targets.missing());
            return;
        }
        targets.notes().forEach(change::note);
        page.setStatus(LifecycleStatus.TRIGGERED).setNextEscalationAt(nextStep);
        List<String> acknowledged = page.getAcknowledgedBy() == null ? List.of() : page.getAcknowledgedBy();
        List<String> paged = recipients.stream().filter(u -> !acknowledged.contains(u)).toList();
        page.setEscalationStep(at.step()).setEscalationRound(at.round()).setStepRecipients(paged);
        if (paged.isEmpty()) {
            change.note("unrouted", null, null, where + ": nobody to page");
        }
        List<NotificationRequest> pages = new ArrayList<>();
        for (String userId : paged) {
            pages.addAll(notifications.forStep(change, userId, directory.users().apply(userId), at));
            change.note("paged", userId, null, where);
        }
        // Each page names the others of the step, so a responder knows who else is looking.
        send(change, pages.stream().map(p -> Notifications.withOthersPaged(p, paged)).toList());
    }

    /**
     * Nobody to page because configuration the step needs is missing: the page is HELD, waiting for it (the processor
     * indexes held pages by what they wait for and releases them when it arrives), and the fallback user, if one is
     * set, is paged meanwhile. Held again at the same step (something else still missing) it only updates what it
     * waits for: the fallback user has the page already.
     */
    private void hold(Change change, Lifecycle.Directory directory, ChainPosition at, String where,
                      Set<String> missing) {
        AlertLifecycle.Builder page = change.page();
        boolean again = page.getStatus() == LifecycleStatus.HELD && page.getEscalationStep() == at.step()
                && page.getEscalationRound() == at.round();
        List<String> waiting = List.copyOf(new TreeSet<>(missing));
        boolean news = !again || !waiting.equals(page.getWaitingFor());
        page.setStatus(LifecycleStatus.HELD).setWaitingFor(waiting).setEscalationStep(at.step())
                .setEscalationRound(at.round()).setNextEscalationAt(null);
        String reason = where + ": " + WaitingFor.describe(waiting) + (waiting.size() == 1 ? " is" : " are")
                + " not configured";
        if (news) {
            change.note("held", null, null, reason + "; paged as soon as "
                    + (waiting.size() == 1 ? "it is" : "one of them is"));
        }
        if (again) {
            return;
        }
        List<String> fallback = config.fallbackUser()
                .filter(u -> page.getAcknowledgedBy() == null || !page.getAcknowledgedBy().contains(u))
                .map(List::of).orElse(List.of());
        List<NotificationRequest> pages = new ArrayList<>();
        for (String userId : fallback) {
            pages.addAll(notifications.forStep(change, userId, directory.users().apply(userId), at));
            change.note("paged", userId, null, "fallback user (" + EscalateConfig.FALLBACK_USER.name()
                    + ") while held");
        }
        page.setStepRecipients(fallback);
        String why = RecordLimits.cut("held: " + reason, RecordLimits.TITLE_BYTES);
        send(change, pages.stream().map(p -> Notifications.asFallback(p, why)).toList());
    }

    /** Sends a step's pages that are due now and keeps the delayed ones pending; the step awaits the receipts. */
    private static void send(Change change, List<NotificationRequest> pages) {
        List<NotificationRequest> sent = new ArrayList<>();
        for (NotificationRequest page : pages) {
            if (page.getRequestedAt().isAfter(change.now())) {
                change.pending().add(page);
            } else {
                change.emit(page);
                sent.add(page);
            }
        }
        change.page().setStepDeliveries(StepDeliveries.awaiting(sent));
    }
}
