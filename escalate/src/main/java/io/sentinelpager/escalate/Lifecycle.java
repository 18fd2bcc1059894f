package io.sentinelpager.escalate;

import io.sentinelpager.oncall.OnCall;
import io.sentinelpager.schemas.ActionType;
import io.sentinelpager.schemas.AlertAction;
import io.sentinelpager.schemas.AlertLifecycle;
import io.sentinelpager.schemas.AlertSource;
import io.sentinelpager.schemas.ContactMethod;
import io.sentinelpager.schemas.ContactMethodType;
import io.sentinelpager.schemas.DeliveryOutcome;
import io.sentinelpager.schemas.DeliveryReceipt;
import io.sentinelpager.schemas.EnrichedAlert;
import io.sentinelpager.schemas.EscalationChainConfig;
import io.sentinelpager.schemas.EscalationStep;
import io.sentinelpager.schemas.EscalationTarget;
import io.sentinelpager.schemas.LifecycleStatus;
import io.sentinelpager.schemas.MaintenanceMode;
import io.sentinelpager.schemas.MaintenanceWindow;
import io.sentinelpager.schemas.NotificationRequest;
import io.sentinelpager.schemas.NotificationRule;
import io.sentinelpager.schemas.RecordLimits;
import io.sentinelpager.schemas.RoutedAlert;
import io.sentinelpager.schemas.ScheduleConfig;
import io.sentinelpager.schemas.SecurityAlert;
import io.sentinelpager.schemas.SourceStatus;
import io.sentinelpager.schemas.SyncCommand;
import io.sentinelpager.schemas.TeamConfig;
import io.sentinelpager.schemas.TimelineEvent;
import io.sentinelpager.schemas.Urgency;
import io.sentinelpager.schemas.UserConfig;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import org.apache.avro.specific.SpecificRecord;

/**
 * The lifecycle rules, as pure functions of the current state and one event: what the new state is, whom to notify
 * and what to tell Azure. Ids of notifications and sync commands derive from the event, so replaying an event after a
 * crash produces the same ids and downstream senders skip what they already did.
 */
public final class Lifecycle {

    /** What one event changes. {@code state} is empty when the event changes nothing. */
    public record Outcome(Optional<AlertLifecycle> state, List<SpecificRecord> emitted) {
        static Outcome none() {
            return new Outcome(Optional.empty(), List.of());
        }
    }

    /** The configuration escalate reads at decision time. */
    public record Directory(Function<String, TeamConfig> teams, Function<String, UserConfig> users,
                            Map<String, ScheduleConfig> schedules, Function<String, EscalationChainConfig> chains) {
    }

    /** At most this many others named on a page (see withOthersPaged). */
    static final int ALSO_PAGED = 20;
    /** How a held page names what it waits for ({@code team:soc}): by the config topic it arrives on. */
    static final String TEAM = "team:";
    static final String ESCALATION = "escalation:";
    static final String SCHEDULE = "schedule:";
    private static final String PENDING = "pending";
    private static final String SENT = "sent";
    private static final String FAILED = "failed";
    /**
     * notify cannot tell whether the person was reached (it was killed between starting the send and recording it,
     * and the channel cannot be asked): not a failure, since the page has most likely arrived.
     */
    private static final String UNKNOWN = "unknown";

    private final EscalateConfig config;

    public Lifecycle(EscalateConfig config) {
        this.config = config;
    }

    /**
     * A routed alert: page the first step of its escalation chain, unless this alert is already paged (then it is an
     * update). A chain that is not configured falls back to paging the team's on-call people once, so a missing chain
     * never means a missing page. An alert that Azure already reports resolved (its status carries a change that
     * reached escalate before the alert did, see {@link PageKeyProcessor}) is recorded closed and pages nobody; so is
     * one that a maintenance window suppresses, while a window that holds pages delays the first step to its end.
     */
    public Outcome routed(Optional<AlertLifecycle> current, RoutedAlert routed, Directory directory, Instant now) {
        // A page is keyed by its group (all alerts of an incident) when the policy groups, else by its alert.
        String key = routed.getGroupKey() != null ? routed.getGroupKey() : routed.getEnriched().getAlert().getAlertKey();
        if (current.isPresent()) {
            return attach(current.get(), routed, directory, now);
        }
        SecurityAlert alert = routed.getEnriched().getAlert();
        AlertLifecycle.Builder state = AlertLifecycle.newBuilder()
                .setAlertKey(key)
                .setMembers(Map.of(alert.getAlertKey(), alert.getStatus()))
                .setStatus(LifecycleStatus.TRIGGERED)
                .setAlert(PageLimits.forPage(routed))
                .setEscalationStep(0)
                .setEscalationRound(0)
                .setCreatedAt(now)
                .setUpdatedAt(now);
        List<TimelineEvent> timeline = new ArrayList<>();
        timeline.add(event(now, "triggered", null, null, "routed to team " + routed.getTeamId() + " by policy "
                + routed.getPolicyId() + " v" + routed.getPolicyVersion()));
        List<SpecificRecord> emitted = new ArrayList<>();
        Optional<MaintenanceWindow> maintenance = maintenance(directory.teams().apply(routed.getTeamId()),
                routed.getMaintenance(), now);
        if (alert.getStatus() == SourceStatus.RESOLVED) {
            // Resolved in Azure (auto-resolved seconds after it was raised) before the page existed: the page is
            // recorded, so the responder shows it, but nobody is woken for an alert that needs nothing. Another
            // alert of the same incident that is not resolved still pages (see attach).
            state.setStatus(LifecycleStatus.CLOSED);
            timeline.add(event(now, "closed", alert.getConnectorId(), "azure", "resolved in Azure before it was paged"));
        } else if (suppresses(maintenance)) {
            state.setStatus(LifecycleStatus.CLOSED);
            timeline.add(suppressed(maintenance.get(), now));
        } else {
            pageOrHold(state, routed, maintenance, directory, now, timeline, emitted);
        }
        AlertLifecycle paged = build(state, timeline);
        emitted.add(0, paged);
        return new Outcome(Optional.of(paged), emitted);
    }

    /**
     * A timer of the alert fired: send the delayed notifications that are due, and if nobody acknowledged in time,
     * page the next step (after the last step the chain starts again until it has been repeated as often as
     * configured). A timer that finds nothing due (acknowledged, closed, rescheduled, or already handled before a
     * crash) changes nothing, which is what makes a replayed timer harmless.
     */
    public Outcome wake(AlertLifecycle state, Directory directory, Instant now) {
        // A held page has no step due, but the delayed notifications of the step paged before it was held still go.
        if (state.getStatus() != LifecycleStatus.TRIGGERED && state.getStatus() != LifecycleStatus.HELD) {
            return Outcome.none();
        }
        if (state.getHeldUntil() != null) {
            if (state.getHeldUntil().isAfter(now)) {
                return Outcome.none();
            }
            // The maintenance window is over: page as if the alert had just arrived.
            List<TimelineEvent> timeline = new ArrayList<>(state.getTimeline());
            timeline.add(event(now, "released", null, null, "maintenance window over"));
            List<SpecificRecord> emitted = new ArrayList<>();
            AlertLifecycle.Builder next = AlertLifecycle.newBuilder(state).setHeldUntil(null).setUpdatedAt(now);
            page(next, state.getAlert(), 0, 0, directory, now, timeline, emitted, new ArrayList<>());
            AlertLifecycle updated = build(next, timeline);
            emitted.add(0, updated);
            return new Outcome(Optional.of(updated), emitted);
        }
        List<SpecificRecord> emitted = new ArrayList<>();
        List<NotificationRequest> stillPending = new ArrayList<>();
        for (NotificationRequest pending : state.getPendingNotifications()) {
            if (pending.getRequestedAt().isAfter(now)) {
                stillPending.add(pending);
            } else {
                emitted.add(pending);
            }
        }
        boolean stepDue = state.getNextEscalationAt() != null && !state.getNextEscalationAt().isAfter(now);
        if (emitted.isEmpty() && !stepDue) {
            return Outcome.none();
        }
        List<TimelineEvent> timeline = new ArrayList<>(state.getTimeline());
        AlertLifecycle.Builder next = AlertLifecycle.newBuilder(state).setUpdatedAt(now)
                .setPendingNotifications(stillPending);
        if (stepDue) {
            escalate(next, state, directory, now, timeline, emitted, stillPending);
        }
        AlertLifecycle updated = build(next, timeline);
        emitted.add(0, updated);
        return new Outcome(Optional.of(updated), emitted);
    }

    private void escalate(AlertLifecycle.Builder next, AlertLifecycle state, Directory directory, Instant now,
                          List<TimelineEvent> timeline, List<SpecificRecord> emitted, List<NotificationRequest> pending) {
        RoutedAlert routed = state.getAlert();
        EscalationChainConfig chain = directory.chains().apply(routed.getEscalationChainId());
        next.setNextEscalationAt(null);
        int step = state.getEscalationStep() + 1;
        int round = state.getEscalationRound();
        if (chain == null) {
            // Deleted while the page was open: held, visibly, until the chain is configured again, then that step.
            hold(next, routed, step, round, "step " + (step + 1) + " of chain " + routed.getEscalationChainId(),
                    Set.of(ESCALATION + routed.getEscalationChainId()), directory, now, timeline, emitted, pending);
            return;
        }
        if (chain.getSteps().isEmpty()) {
            timeline.add(event(now, "escalation-stopped", null, null, "chain " + routed.getEscalationChainId()
                    + " has no steps"));
            return;
        }
        pageStep(next, routed, chain, step, round, directory, now, timeline, emitted, pending);
    }

    /**
     * Pages step {@code step} of round {@code round}, or the first step of the next round after the last one; after
     * the last round, nobody.
     */
    private void pageStep(AlertLifecycle.Builder next, RoutedAlert routed, EscalationChainConfig chain, int step,
                          int round, Directory directory, Instant now, List<TimelineEvent> timeline,
                          List<SpecificRecord> emitted, List<NotificationRequest> pending) {
        if (step >= chain.getSteps().size() || (chain.getEmergency() && step > 0)) {
            step = 0;
            round++;
        }
        if (round > chain.getRepeat()) {
            next.setStatus(LifecycleStatus.TRIGGERED).setNextEscalationAt(null);
            timeline.add(event(now, "escalation-exhausted", null, null, "nobody acknowledged after "
                    + (chain.getRepeat() + 1) + " rounds of chain " + chain.getId()));
            return;
        }
        page(next, routed, step, round, directory, now, timeline, emitted, pending);
    }

    /**
     * Pages a held page now that some of the configuration it waited for has arrived: the step it was held at, as if
     * it were due now. What is still missing holds it again, without paging the fallback user a second time.
     */
    public Outcome release(AlertLifecycle state, Directory directory, Instant now) {
        if (state.getStatus() != LifecycleStatus.HELD) {
            return Outcome.none();
        }
        RoutedAlert routed = state.getAlert();
        List<TimelineEvent> timeline = new ArrayList<>(state.getTimeline());
        List<SpecificRecord> emitted = new ArrayList<>();
        List<NotificationRequest> pending = new ArrayList<>(state.getPendingNotifications());
        AlertLifecycle.Builder next = AlertLifecycle.newBuilder(state).setUpdatedAt(now);
        List<String> arrived = state.getWaitingFor().stream().filter(ref -> configured(ref, directory)).toList();
        if (arrived.isEmpty()) {
            return Outcome.none();
        }
        int mark = timeline.size();
        EscalationChainConfig chain = directory.chains().apply(routed.getEscalationChainId());
        if (chain == null || chain.getSteps().isEmpty()) {
            page(next, routed, state.getEscalationStep(), state.getEscalationRound(), directory, now, timeline, emitted,
                    pending);
        } else {
            pageStep(next, routed, chain, state.getEscalationStep(), state.getEscalationRound(), directory, now,
                    timeline, emitted, pending);
        }
        if (next.getStatus() != LifecycleStatus.HELD) {
            // Before the pages it led to.
            timeline.add(mark, event(now, "released", null, null, String.join(", ", arrived.stream()
                    .map(Lifecycle::describe).toList()) + (arrived.size() == 1 ? " is" : " are") + " configured now"));
        }
        AlertLifecycle updated = build(next, timeline);
        emitted.add(0, updated);
        return new Outcome(Optional.of(updated), emitted);
    }

    /** Whether the configuration a held page names ({@code <kind>:<id>}, see {@link #hold}) is there now. */
    static boolean configured(String ref, Directory directory) {
        String id = ref.substring(ref.indexOf(':') + 1);
        if (ref.startsWith(TEAM)) {
            return directory.teams().apply(id) != null;
        }
        if (ref.startsWith(ESCALATION)) {
            return directory.chains().apply(id) != null;
        }
        if (ref.startsWith(SCHEDULE)) {
            return directory.schedules().containsKey(id);
        }
        throw new IllegalArgumentException("a held page waits for '" + ref + "', which is not a team, escalation or"
                + " schedule");
    }

    /** "team soc", as the timeline says it. */
    private static String describe(String ref) {
        int colon = ref.indexOf(':');
        String kind = ref.substring(0, colon);
        return (kind.equals("escalation") ? "chain" : kind) + " " + ref.substring(colon + 1);
    }

    /**
     * Nobody to page because configuration the step needs is missing: the page is HELD, waiting for it (the processor
     * indexes held pages by what they wait for and releases them when it arrives), and the fallback user, if one is
     * set, is paged meanwhile. Held again at the same step (something else still missing) it only updates what it
     * waits for: the fallback user has the page already.
     */
    private void hold(AlertLifecycle.Builder state, RoutedAlert routed, int step, int round, String where,
                      Set<String> missing, Directory directory, Instant now, List<TimelineEvent> timeline,
                      List<SpecificRecord> emitted, List<NotificationRequest> pending) {
        boolean again = state.getStatus() == LifecycleStatus.HELD && state.getEscalationStep() == step
                && state.getEscalationRound() == round;
        List<String> waiting = List.copyOf(new TreeSet<>(missing));
        boolean news = !again || !waiting.equals(state.getWaitingFor());
        state.setStatus(LifecycleStatus.HELD).setWaitingFor(waiting).setEscalationStep(step)
                .setEscalationRound(round).setNextEscalationAt(null);
        String reason = where + ": " + String.join(", ", waiting.stream().map(Lifecycle::describe).toList())
                + (waiting.size() == 1 ? " is" : " are") + " not configured";
        if (news) {
            timeline.add(event(now, "held", null, null, reason + "; paged as soon as "
                    + (waiting.size() == 1 ? "it is" : "one of them is")));
        }
        if (again) {
            state.setPendingNotifications(pending);
            return;
        }
        List<String> fallback = config.fallbackUser()
                .filter(u -> state.getAcknowledgedBy() == null || !state.getAcknowledgedBy().contains(u))
                .map(List::of).orElse(List.of());
        int before = emitted.size();
        int pendingBefore = pending.size();
        for (String userId : fallback) {
            notifyUser(state.getAlertKey(), state.getReopened(), routed, userId, directory.users().apply(userId), step,
                    round, now, timeline, emitted, pending);
            timeline.add(event(now, "paged", userId, null, "fallback user (" + EscalateConfig.FALLBACK_USER.name()
                    + ") while held"));
        }
        // Ids of their own: the fallback user may be on the step too, and must be paged again when it is released.
        String why = RecordLimits.cut("held: " + reason, RecordLimits.TITLE_BYTES);
        emitted.subList(before, emitted.size()).replaceAll(page -> asFallback((NotificationRequest) page, why));
        pending.subList(pendingBefore, pending.size()).replaceAll(page -> asFallback(page, why));
        Map<String, String> deliveries = new HashMap<>();
        for (SpecificRecord sent : emitted.subList(before, emitted.size())) {
            deliveries.put(((NotificationRequest) sent).getNotificationId(), PENDING);
        }
        state.setStepRecipients(fallback).setStepDeliveries(deliveries).setPendingNotifications(pending);
    }

    private static NotificationRequest asFallback(NotificationRequest page, String why) {
        String id = page.getNotificationId();
        String step = "/step-" + page.getEscalationStep() + "/";
        int at = id.lastIndexOf(step) + step.length();
        return NotificationRequest.newBuilder(page).setNotificationId(id.substring(0, at) + "held/" + id.substring(at))
                .setSummary(why).build();
    }

    /** Notifies the targets of one chain step and schedules the next; records both in the timeline. */
    private void page(AlertLifecycle.Builder state, RoutedAlert routed, int step, int round, Directory directory,
                      Instant now, List<TimelineEvent> timeline, List<SpecificRecord> emitted,
                      List<NotificationRequest> pending) {
        // The page's key, not its first alert's: on a grouped page the link, the receipts and an SMS reply must
        // find the page, which the responder and escalate know by this key only.
        String key = state.getAlertKey();
        EscalationChainConfig chain = directory.chains().apply(routed.getEscalationChainId());
        List<String> recipients;
        String where;
        // What the step names but is not configured, and the notes saying so: a step that reaches nobody for want
        // of them is held instead (see hold), one that reaches someone notes them on the timeline.
        Set<String> missing = new LinkedHashSet<>();
        List<TimelineEvent> notes = new ArrayList<>();
        Instant nextStep = null;
        if (chain == null || chain.getSteps().isEmpty()) {
            recipients = teamOnCall(routed.getTeamId(), directory, now, notes, missing);
            if (chain == null) {
                missing.add(ESCALATION + routed.getEscalationChainId());
            }
            where = "chain " + routed.getEscalationChainId() + " is not configured; paged team " + routed.getTeamId()
                    + " on call";
        } else {
            EscalationStep current = chain.getSteps().get(step);
            if (chain.getEmergency()) {
                // Emergency: everyone in every step at once.
                Set<String> everyone = new LinkedHashSet<>();
                chain.getSteps().forEach(s -> everyone.addAll(targets(s, directory, now, notes, missing)));
                recipients = new ArrayList<>(everyone);
                where = "emergency chain " + chain.getId() + (round > 0 ? ", repeat " + round : "");
            } else {
                recipients = targets(current, directory, now, notes, missing);
                where = "step " + (step + 1) + " of " + chain.getSteps().size() + " of chain " + chain.getId()
                        + (round > 0 ? ", repeat " + round : "");
            }
            nextStep = now.plus(Duration.ofMinutes(current.getDelayMinutes()));
        }
        if (recipients.isEmpty() && !missing.isEmpty()) {
            hold(state, routed, step, round, chain == null ? "team " + routed.getTeamId() + " on call"
                    : where, missing, directory, now, timeline, emitted, pending);
            return;
        }
        timeline.addAll(notes);
        state.setStatus(LifecycleStatus.TRIGGERED).setNextEscalationAt(nextStep);
        List<String> acknowledged = state.getAcknowledgedBy() == null ? List.of() : state.getAcknowledgedBy();
        recipients = recipients.stream().filter(u -> !acknowledged.contains(u)).toList();
        state.setEscalationStep(step).setEscalationRound(round).setStepRecipients(recipients);
        if (recipients.isEmpty()) {
            timeline.add(event(now, "unrouted", null, null, where + ": nobody to page"));
        }
        int before = emitted.size();
        int pendingBefore = pending.size();
        for (String userId : recipients) {
            notifyUser(key, state.getReopened(), routed, userId, directory.users().apply(userId), step, round, now,
                    timeline, emitted,
                    pending);
            timeline.add(event(now, "paged", userId, null, where));
        }
        // Each page names the others of the step, so a responder knows who else is looking.
        List<String> paged = recipients;
        emitted.subList(before, emitted.size()).replaceAll(page -> withOthersPaged((NotificationRequest) page, paged));
        pending.subList(pendingBefore, pending.size()).replaceAll(page -> withOthersPaged(page, paged));
        Map<String, String> deliveries = new HashMap<>();
        for (SpecificRecord sent : emitted.subList(before, emitted.size())) {
            deliveries.put(((NotificationRequest) sent).getNotificationId(), PENDING);
        }
        state.setPendingNotifications(pending).setStepDeliveries(deliveries);
    }

    /**
     * Notifies one user by their rules for this urgency: a rule with no delay sends now, a delayed one waits in the
     * state until its time (an acknowledgement cancels it).
     */
    private void notifyUser(String key, int reopened, RoutedAlert routed, String userId, UserConfig user, int step,
                            int round,
                            Instant now, List<TimelineEvent> timeline, List<SpecificRecord> emitted,
                            List<NotificationRequest> pending) {
        for (Delivery delivery : deliveries(userId, user, routed.getUrgency(), now, timeline)) {
            Instant at = now.plus(Duration.ofMinutes(delivery.delayMinutes()));
            NotificationRequest request = notification(key, reopened, routed, userId, delivery.method(), step, round,
                    at);
            if (delivery.delayMinutes() <= 0) {
                emitted.add(request);
            } else {
                pending.add(request);
            }
        }
    }

    /** One way a user's rules reach them, and how many minutes after the event. */
    private record Delivery(ContactMethod method, int delayMinutes) {
    }

    /**
     * How a user's rules for this urgency reach them. A user without rules, or whose rules name no contact method
     * they have, gets every contact method at once: a broken rule never means no page.
     */
    private static List<Delivery> deliveries(String userId, UserConfig user, Urgency urgency, Instant now,
                                             List<TimelineEvent> timeline) {
        List<NotificationRule> rules = user == null ? List.of() : user.getNotificationRules().stream()
                .filter(r -> r.getUrgency() == urgency).toList();
        List<Delivery> deliveries = new ArrayList<>();
        for (NotificationRule rule : rules) {
            Optional<ContactMethod> method = user.getContactMethods().stream()
                    .filter(m -> m.getType() == rule.getContactMethod()).findFirst();
            if (method.isEmpty()) {
                timeline.add(event(now, "rule-skipped", userId, null, "a notification rule uses "
                        + rule.getContactMethod().name().toLowerCase() + ", which " + userId + " has no address for"));
                continue;
            }
            deliveries.add(new Delivery(method.get(), rule.getDelayMinutes()));
        }
        if (deliveries.isEmpty()) {
            contactMethods(userId, user).forEach(method -> deliveries.add(new Delivery(method, 0)));
        }
        return deliveries;
    }

    /**
     * Tells the page's owner of a comment an analyst added in Azure, by the owner's low-urgency rules. It is news, not
     * a page: nothing waits for an acknowledgement, so each rule's contact method is used at once, and once only.
     * The ids derive from the comment's action, so a replayed comment notifies nobody twice.
     */
    private List<NotificationRequest> commentNotice(AlertLifecycle state, AlertAction action, Directory directory,
                                                    Instant now, List<TimelineEvent> timeline) {
        String owner = state.getOwner();
        String key = state.getAlertKey();
        RoutedAlert routed = state.getAlert();
        Set<ContactMethodType> used = new HashSet<>();
        List<NotificationRequest> notices = new ArrayList<>();
        for (Delivery delivery : deliveries(owner, directory.users().apply(owner), Urgency.LOW, now, timeline)) {
            if (!used.add(delivery.method().getType())) {
                continue;
            }
            NotificationRequest page = notification(key, 0, routed, owner, delivery.method(), 0, 0, now);
            String said = action.getActor() + " commented in Azure: " + action.getComment();
            notices.add(NotificationRequest.newBuilder(page)
                    .setNotificationId(key + "/" + action.getActionId() + "/" + owner + "/"
                            + delivery.method().getType().name().toLowerCase())
                    .setUrgency(Urgency.LOW)
                    .setTitle("Comment: " + page.getTitle())
                    // Notify's messages show the title and the summary line, so the comment goes there too.
                    .setSummary(RecordLimits.cut(said, RecordLimits.TITLE_BYTES))
                    .setBody(said + " (" + key + ")")
                    .build());
        }
        return notices;
    }

    /**
     * Reopens an acknowledged or closed page: a fresh escalation from the first step, with its own notification ids
     * (the reopen count is part of them), unless the window given holds pages, which delays it to the window's end.
     * Nothing goes to Azure: what a responder told it stands until someone acknowledges or closes again, and even then
     * an alert resolved before the reopen stays resolved (see {@link #sync}); the alerts still open are the work.
     */
    private void reopen(AlertLifecycle state, AlertLifecycle.Builder next, String actor, String channel, String why,
                        Optional<MaintenanceWindow> hold, Directory directory, Instant now, List<TimelineEvent> timeline,
                        List<SpecificRecord> emitted) {
        next.setStatus(LifecycleStatus.TRIGGERED).setOwner(null).setAcknowledgedBy(List.of())
                .setReopened(state.getReopened() + 1);
        timeline.add(event(now, "reopened", actor, channel, why));
        pageOrHold(next, state.getAlert(), hold, directory, now, timeline, emitted);
    }

    /**
     * Pages the first step now, or, when a maintenance window holds the team's pages, records that the first step is
     * paged when it ends. A hold left from before the page was closed is dropped: it must not be released again.
     */
    private void pageOrHold(AlertLifecycle.Builder state, RoutedAlert routed, Optional<MaintenanceWindow> hold,
                            Directory directory, Instant now, List<TimelineEvent> timeline, List<SpecificRecord> emitted) {
        if (hold.isPresent()) {
            // Nobody is paged until then: nothing of an earlier escalation may remain to wait for.
            state.setHeldUntil(hold.get().getEnd()).setNextEscalationAt(null).setPendingNotifications(List.of())
                    .setStepRecipients(List.of()).setStepDeliveries(Map.of());
            timeline.add(event(now, "held", null, null, "maintenance; paging at " + hold.get().getEnd()
                    + reason(hold.get())));
        } else {
            state.setHeldUntil(null);
            page(state, routed, 0, 0, directory, now, timeline, emitted, new ArrayList<>());
        }
    }

    private static boolean suppresses(Optional<MaintenanceWindow> window) {
        return window.isPresent() && window.get().getMode() == MaintenanceMode.SUPPRESS;
    }

    private static TimelineEvent suppressed(MaintenanceWindow window, Instant now) {
        return event(now, "suppressed", null, null, "maintenance until " + window.getEnd() + reason(window));
    }

    /** The window in force for the team or the routing policy now, suppression before hold. */
    private static Optional<MaintenanceWindow> maintenance(TeamConfig team, List<MaintenanceWindow> policyWindows,
                                                           Instant now) {
        List<MaintenanceWindow> windows = new ArrayList<>(policyWindows);
        if (team != null) {
            windows.addAll(team.getMaintenance());
        }
        return windows.stream().filter(w -> !now.isBefore(w.getStart()) && now.isBefore(w.getEnd()))
                .min(java.util.Comparator.comparing(w -> w.getMode() == MaintenanceMode.SUPPRESS ? 0 : 1));
    }

    private static String reason(MaintenanceWindow window) {
        return window.getReason() == null ? "" : " (" + window.getReason() + ")";
    }

    /**
     * Users a step notifies: named users, whoever a schedule has on duty, or every member of a team. A schedule or a
     * team that is not configured joins {@code missing}.
     */
    private static List<String> targets(EscalationStep step, Directory directory, Instant now,
                                        List<TimelineEvent> timeline, Set<String> missing) {
        Set<String> users = new LinkedHashSet<>();
        for (EscalationTarget target : step.getTargets()) {
            switch (target.getKind()) {
                case USER -> users.add(target.getId());
                case SCHEDULE -> {
                    ScheduleConfig schedule = directory.schedules().get(target.getId());
                    if (schedule == null) {
                        missing.add(SCHEDULE + target.getId());
                        timeline.add(event(now, "unrouted", null, null, "schedule " + target.getId()
                                + " is not configured"));
                    } else {
                        OnCall.onDuty(schedule, now).ifPresent(users::add);
                    }
                }
                case TEAM -> {
                    TeamConfig team = directory.teams().apply(target.getId());
                    if (team == null) {
                        missing.add(TEAM + target.getId());
                        timeline.add(event(now, "unrouted", null, null, "team " + target.getId()
                                + " is not configured"));
                    } else {
                        users.addAll(team.getMembers());
                    }
                }
                default -> timeline.add(event(now, "unrouted", null, null, "target kind " + target.getKind()
                        + " of " + target.getId() + " is not known to this version of escalate"));
            }
        }
        return new ArrayList<>(users);
    }

    private static List<String> teamOnCall(String teamId, Directory directory, Instant now,
                                           List<TimelineEvent> timeline, Set<String> missing) {
        TeamConfig team = directory.teams().apply(teamId);
        if (team == null) {
            missing.add(TEAM + teamId);
            timeline.add(event(now, "unrouted", null, null, "team " + teamId + " is not configured"));
            return List.of();
        }
        // A schedule of the team not configured yet: when nobody else is on call, the page waits for it.
        team.getScheduleIds().stream().filter(id -> !directory.schedules().containsKey(id))
                .forEach(id -> missing.add(SCHEDULE + id));
        return OnCall.recipients(team, directory.schedules(), now);
    }

    /**
     * Another routed record for a page that exists: another alert of the same incident joins it, or the enrichment
     * that missed its deadline arrives for one of its alerts. The Azure status of an alert the page already has is
     * left alone: changes made in Azure arrive as {@code SOURCE_STATUS_CHANGED} actions, and a routed record carries
     * the alert as ingest first read it, possibly older than such an action.
     *
     * <p>Only a new alert that is not resolved in Azure can page, and only when the page is closed: closed by a
     * responder, by Azure, by a maintenance window, or recorded closed because its first alert was resolved before it
     * was paged. The incident is active again, so the page reopens and pages like a new page would, maintenance
     * windows included. A triggered page is already paging, and an acknowledged one has someone on it who sees the
     * alert join; neither pages again, but a page someone acknowledged or owns hands the new alert to them in Azure
     * too (see {@link #handOver}). A record of an alert the page already has (a re-delivery, an enrichment) never
     * reopens it.
     */
    private Outcome attach(AlertLifecycle state, RoutedAlert routed, Directory directory, Instant now) {
        SecurityAlert alert = routed.getEnriched().getAlert();
        AlertLifecycle.Builder next = AlertLifecycle.newBuilder(state).setUpdatedAt(now);
        List<TimelineEvent> timeline = new ArrayList<>(state.getTimeline());
        List<SpecificRecord> emitted = new ArrayList<>();
        EnrichedAlert enrichment = routed.getEnriched();
        boolean primary = alert.getAlertKey().equals(state.getAlert().getEnriched().getAlert().getAlertKey());
        boolean full = state.getMembers().size() >= RecordLimits.PAGE_MEMBERS;
        // A page lists its first alerts only (see PageLimits); of one it does not list, the first record (revision 0)
        // is what says it is new, and a later one is its enrichment update.
        boolean joins = !state.getMembers().containsKey(alert.getAlertKey())
                && !(full && enrichment.getRevision() > 0);
        if (joins) {
            Map<String, SourceStatus> members = new HashMap<>(state.getMembers());
            if (full) {
                next.setMembersUnlisted(state.getMembersUnlisted() + 1);
            } else {
                members.put(alert.getAlertKey(), alert.getStatus());
            }
            timeline.add(event(now, "attached", alert.getConnectorId(), "azure", "alert " + alert.getAlertKey()
                    + " \"" + alert.getTitle() + "\" of the same incident"));
            if (state.getStatus() == LifecycleStatus.CLOSED && alert.getStatus() != SourceStatus.RESOLVED) {
                // The windows of the policy that routed this alert, which are current, and those of the page's team,
                // which is the team paged.
                Optional<MaintenanceWindow> maintenance = maintenance(
                        directory.teams().apply(state.getAlert().getTeamId()), routed.getMaintenance(), now);
                if (suppresses(maintenance)) {
                    timeline.add(suppressed(maintenance.get(), now));
                } else {
                    reopen(state, next, alert.getConnectorId(), "azure", "new alert " + alert.getAlertKey() + " \""
                            + alert.getTitle() + "\" of the same incident", maintenance, directory, now, timeline,
                            emitted);
                }
            } else if (alert.getStatus() != SourceStatus.RESOLVED && state.getOwner() != null
                    && alert.getSource() != AlertSource.PAGER) {
                emitted.add(handOver(state, alert, members, directory, now, timeline));
            }
            next.setMembers(members);
        } else if (primary ? enrichment.getRevision() > state.getAlert().getEnriched().getRevision()
                : enrichment.getRevision() > 0) {
            // The enrichment that missed its deadline: the page keeps its schedule and shows it. Only the first
            // alert's record is kept whole; another alert's enrichment is told on the timeline.
            if (primary) {
                next.setAlert(PageLimits.forPage(RoutedAlert.newBuilder(state.getAlert()).setEnriched(enrichment)
                        .build()));
            }
            timeline.add(event(now, "enriched", null, "enrich", (primary ? "" : "alert " + alert.getAlertKey() + ": ")
                    + "enrichment " + enrichment.getStatus().name().toLowerCase()
                    + (enrichment.getRuleName() == null ? "" : " from rule " + enrichment.getRuleName())
                    + ": " + enrichment.getTables().stream().mapToLong(t -> t.getTotalRows()).sum() + " rows"));
        }
        AlertLifecycle updated = build(next, timeline);
        emitted.add(0, updated);
        return new Outcome(Optional.of(updated), emitted);
    }

    /**
     * An alert joins a page that someone acknowledged or took ownership of: Azure is told the same of it as it was told
     * of the page's other alerts (in progress if the page is acknowledged, and assigned to the owner), or analysts in
     * Defender see it new and unassigned beside alerts in progress and may take it up a second time. The command id
     * derives from the page and the alert, which joins a page once, so a replay repeats the id and syncback applies it
     * once; ingest recognises the change as our write by the command on sync.commands, so no action comes back.
     */
    private SyncCommand handOver(AlertLifecycle state, SecurityAlert alert, Map<String, SourceStatus> members,
                                 Directory directory, Instant now, List<TimelineEvent> timeline) {
        boolean acknowledged = state.getStatus() == LifecycleStatus.ACKNOWLEDGED;
        SourceStatus status = acknowledged ? SourceStatus.IN_PROGRESS : null;
        String assignedTo = azureUser(directory, state.getOwner());
        if (status != null && members.containsKey(alert.getAlertKey())) {
            // Recorded like every status we write (see sync): the echo of our own write never comes back to tell it.
            members.put(alert.getAlertKey(), status);
        }
        timeline.add(event(now, "synced", state.getOwner(), null, "alert " + alert.getAlertKey() + " joins "
                + (acknowledged ? "an acknowledged page: in progress in Azure, assigned to " + assignedTo
                : "a page " + state.getOwner() + " owns: assigned to " + assignedTo + " in Azure")));
        return command(episode(state.getAlertKey(), state.getReopened()) + "/attached/" + alert.getAlertKey(),
                alert.getAlertKey(), alert.getSource(), status, assignedTo, null, null, now)
                .setIncidentId(alert.getIncidentId()).setRequestedBy(state.getOwner()).build();
    }

    /**
     * Resolved in Defender or Sentinel: stop escalating, cancel what is pending, and tell everyone who was paged that
     * there is nothing left to do, so nobody gets up for an alert that is already handled. The notice's id carries the
     * reopen count like the pages do: after a reopen, a second resolution is news again, not a repeat for notify to
     * skip.
     */
    private Outcome closedInAzure(AlertLifecycle state, AlertLifecycle.Builder next, Directory directory, Instant now) {
        next.setStatus(LifecycleStatus.CLOSED).setNextEscalationAt(null).setPendingNotifications(List.of());
        AlertLifecycle updated = build(next, next.getTimeline());
        List<SpecificRecord> emitted = new ArrayList<>();
        emitted.add(updated);
        RoutedAlert routed = state.getAlert();
        String key = state.getAlertKey();
        Set<String> paged = new LinkedHashSet<>();
        state.getTimeline().stream().filter(e -> "paged".equals(e.getType())).forEach(e -> paged.add(e.getActor()));
        for (String userId : paged) {
            for (ContactMethod method : contactMethods(userId, directory.users().apply(userId))) {
                NotificationRequest page = notification(key, 0, routed, userId, method, 0, 0, now);
                emitted.add(NotificationRequest.newBuilder(page)
                        .setNotificationId(episode(key, state.getReopened()) + "/resolved/" + userId + "/"
                                + method.getType().name().toLowerCase())
                        .setUrgency(Urgency.LOW)
                        .setTitle("Resolved: " + page.getTitle())
                        .setBody("RESOLVED in Azure, nothing to do: " + routed.getEnriched().getAlert().getTitle()
                                + " (" + key + ")")
                        .build());
            }
        }
        return new Outcome(Optional.of(updated), emitted);
    }

    /**
     * An action by a responder or a change made in Azure.
     *
     * <p>An acknowledgement says "I have seen it, stop paging"; taking ownership is the explicit choice of who handles
     * it. So an acknowledgement makes its author the owner only of a page nobody owns (with multi-ack, the first of
     * the step to acknowledge), and every acknowledger is recorded in {@code acknowledgedBy}; taking ownership
     * replaces the owner. Azure's assignee follows the owner: it is written when the owner changes, not on every
     * acknowledgement, or a responder answering a late push would take an alert away from its owner in Defender.
     * Taking ownership of a closed page, or of a page one owns already, is ignored (noted on the timeline, as the
     * responder accepts every action and only the timeline can say it changed nothing).
     *
     * <p>A close resolves in Azure what the page has open there, and closes the page. A page that is closed already
     * but whose alerts Azure still has open (a maintenance window suppressed it) is closed in Azure the same way,
     * without paging anyone; a page a responder or Azure closed has nothing open, so a close of it is ignored.
     */
    public Outcome action(Optional<AlertLifecycle> current, AlertAction action, Directory directory, Instant now) {
        PageLimits.check(action);
        if (current.isEmpty()) {
            if (action.getType() == ActionType.SOURCE_STATUS_CHANGED || action.getType() == ActionType.SOURCE_COMMENT) {
                // An alert changed or commented on in Azure that we never paged (older than the look-back, or out
                // of the connector's scope): nothing to update.
                return Outcome.none();
            }
            throw new IllegalArgumentException("action " + action.getActionId() + " (" + action.getType()
                    + ") refers to alert " + action.getAlertKey() + ", which escalate has never seen");
        }
        AlertLifecycle state = current.get();
        AlertLifecycle.Builder next = AlertLifecycle.newBuilder(state).setUpdatedAt(now);
        List<TimelineEvent> timeline = new ArrayList<>(state.getTimeline());
        List<SpecificRecord> emitted = new ArrayList<>();
        String actor = action.getActor();
        switch (action.getType()) {
            case ACKNOWLEDGE -> {
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
                    next.setAcknowledgedBy(acked);
                    timeline.add(event(now, "acknowledged", actor, action.getChannel(), "waiting for "
                            + String.join(", ", waiting)));
                } else if (state.getStatus() == LifecycleStatus.ACKNOWLEDGED && !again) {
                    // Someone else has seen it too (a push answered late, a later step that reached them): the
                    // team sees who did, but Azure already has the page in progress and its owner stays.
                    next.setAcknowledgedBy(acked);
                    timeline.add(event(now, "acknowledged", actor, action.getChannel(), action.getComment()));
                } else if (!open(state)) {
                    timeline.add(event(now, "ignored", actor, action.getChannel(),
                            "acknowledge ignored: alert is " + state.getStatus().name().toLowerCase()));
                } else {
                    // The first to acknowledge owns a page nobody owns; one somebody took stays theirs, so Azure's
                    // assignee is written only when the owner changes.
                    String owner = state.getOwner() != null ? state.getOwner() : acked.get(0);
                    String assignedTo = owner.equals(state.getOwner()) ? null : azureUser(directory, owner);
                    next.setStatus(LifecycleStatus.ACKNOWLEDGED).setOwner(owner).setAcknowledgedBy(acked)
                            .setNextEscalationAt(null).setPendingNotifications(List.of()).setHeldUntil(null);
                    timeline.add(event(now, "acknowledged", actor, action.getChannel(), action.getComment()));
                    emitted.addAll(sync(state, next, action, SourceStatus.IN_PROGRESS, assignedTo, now));
                }
            }
            case TAKE_OWNERSHIP -> {
                if (state.getStatus() == LifecycleStatus.CLOSED) {
                    // Nothing left to handle: Azure's assignee stays whoever it was when the page closed (or
                    // whoever resolved it there). A responder reopens a page to take it on again.
                    timeline.add(event(now, "ignored", actor, action.getChannel(),
                            "take ownership ignored: alert is closed"));
                } else if (actor.equals(state.getOwner())) {
                    timeline.add(event(now, "ignored", actor, action.getChannel(),
                            "take ownership ignored: " + actor + " owns it already"));
                } else {
                    next.setOwner(actor);
                    timeline.add(event(now, "owner", actor, action.getChannel(), "took ownership"));
                    emitted.addAll(sync(state, next, action, null, azureUser(directory, actor), now));
                }
            }
            case CLOSE -> {
                String closer = azureUser(directory, state.getOwner() == null ? actor : state.getOwner());
                if (state.getStatus() != LifecycleStatus.CLOSED) {
                    next.setStatus(LifecycleStatus.CLOSED).setNextEscalationAt(null).setPendingNotifications(List.of());
                    timeline.add(event(now, "closed", actor, action.getChannel(), action.getComment()));
                    emitted.addAll(sync(state, next, action, SourceStatus.RESOLVED, closer, now));
                } else if (openInAzure(state)) {
                    // Closed here while Azure has alerts of it open: a maintenance window suppressed the page (or a
                    // new alert of it), or an analyst set a resolved alert active again. They would stay open in
                    // Defender until someone went to the portal; the close resolves them, and pages nobody. sync
                    // records them resolved, so another close finds nothing left and is ignored.
                    timeline.add(event(now, "closed", actor, action.getChannel(), "resolved in Azure"
                            + (action.getComment() == null || action.getComment().isBlank() ? ""
                            : ": " + action.getComment())));
                    emitted.addAll(sync(state, next, action, SourceStatus.RESOLVED, closer, now));
                } else {
                    timeline.add(event(now, "ignored", actor, action.getChannel(), "close ignored: already closed"));
                }
            }
            case ANNOTATE -> {
                timeline.add(event(now, "comment", actor, action.getChannel(), action.getComment()));
                emitted.addAll(sync(state, next, action, null, null, now));
            }
            case REOPEN -> {
                if (open(state)) {
                    timeline.add(event(now, "ignored", actor, action.getChannel(), "reopen ignored: alert is open"));
                } else {
                    // A person asked for it: paged now, whatever maintenance window is in force.
                    reopen(state, next, actor, action.getChannel(), action.getComment(), Optional.empty(), directory,
                            now, timeline, emitted);
                }
            }
            case SOURCE_COMMENT -> {
                // An analyst's comment in Defender or Sentinel, at the time it was written. Nothing goes back to
                // Azure, which has it: no echo loop.
                TimelineEvent comment = event(action.getOccurredAt(), "comment", actor, action.getChannel(),
                        action.getComment());
                if (timeline.contains(comment)) {
                    // Sentinel keeps comments on the incident, and ingest gives each to every alert of it: a page
                    // that groups the incident's alerts shows and tells it once, from the first of them.
                    return Outcome.none();
                }
                timeline.add(comment);
                if (state.getOwner() != null) {
                    emitted.addAll(commentNotice(state, action, directory, now, timeline));
                }
            }
            case SOURCE_STATUS_CHANGED -> {
                if (sourceChanged(state, action, next, timeline, now)) {
                    // Closed in Defender or Sentinel: stop paging. Nothing goes back to Azure, so no echo loop.
                    return closedInAzure(state, next.setTimeline(timeline), directory, now);
                }
            }
            default -> throw new IllegalArgumentException("action " + action.getActionId() + " has type "
                    + action.getType() + ", which this version of escalate does not know");
        }
        AlertLifecycle updated = build(next, timeline);
        List<SpecificRecord> all = new ArrayList<>();
        all.add(updated);
        all.addAll(emitted);
        return new Outcome(Optional.of(updated), all);
    }

    /** Triggered or held: nobody has acknowledged it, and it is paged (or waits to be). */
    private static boolean open(AlertLifecycle state) {
        return state.getStatus() == LifecycleStatus.TRIGGERED || state.getStatus() == LifecycleStatus.HELD;
    }

    /**
     * Whether Azure still has an alert of the page open, as far as escalate knows: the page's members hold what Azure
     * reported and what escalate wrote. A page closed by a responder or by Azure has every member resolved; one that
     * a maintenance window suppressed has them as ingest read them. A page escalate raised itself has nothing in
     * Azure, and one recorded before its members were kept has none to go by, so neither counts as open.
     */
    private static boolean openInAzure(AlertLifecycle state) {
        return state.getAlert().getEnriched().getAlert().getSource() != AlertSource.PAGER
                && state.getMembers().values().stream().anyMatch(status -> status != SourceStatus.RESOLVED);
    }

    /**
     * Records what Azure now says of one alert of the page; true when that leaves the page with nothing open in
     * Azure, so it is to be closed. A page of one alert closes when its alert is resolved; a grouped page when the
     * last of its alerts is, each earlier one only noted on the timeline. An action that names no alert of the page
     * (the page's own key) speaks for all of them.
     */
    private static boolean sourceChanged(AlertLifecycle state, AlertAction action, AlertLifecycle.Builder next,
                                         List<TimelineEvent> timeline, Instant now) {
        SourceStatus status = action.getSourceStatus();
        Map<String, SourceStatus> members = new HashMap<>(state.getMembers());
        boolean one = members.containsKey(action.getAlertKey());
        if (!one && !action.getAlertKey().equals(state.getAlertKey())) {
            // An alert of the incident beyond those the page lists: told, but it neither changes the listed ones nor
            // closes the page, which closes when the listed alerts are all resolved (Defender resolves an incident's
            // alerts together).
            timeline.add(event(now, "source-changed", action.getActor(), action.getChannel(), "alert "
                    + action.getAlertKey() + " (not listed on the page): Azure reports "
                    + (status == null ? "a change" : status.name().toLowerCase().replace('_', ' '))));
            return false;
        }
        if (status != null) {
            if (one) {
                members.put(action.getAlertKey(), status);
            } else {
                members.replaceAll((k, v) -> status);
            }
            next.setMembers(members);
        }
        boolean grouped = members.size() > 1;
        long resolved = members.values().stream().filter(SourceStatus.RESOLVED::equals).count();
        boolean allResolved = status == SourceStatus.RESOLVED && resolved == members.size();
        timeline.add(event(now, "source-changed", action.getActor(), action.getChannel(),
                (grouped && one ? "alert " + action.getAlertKey() + ": " : "") + "Azure reports "
                        + (status == null ? "a change" : status.name().toLowerCase().replace('_', ' '))
                        + (grouped && !allResolved ? " (" + resolved + " of " + members.size() + " alerts resolved)"
                        : "")));
        return allResolved && state.getStatus() != LifecycleStatus.CLOSED;
    }

    /**
     * A delivery receipt joins the timeline, so the app shows that and how the person was reached. When every
     * notification of the current step has failed, nobody was reached: the next step is due now, not after the wait.
     * An outcome notify could not learn after a crash ({@code UNKNOWN}) is not a failure: the person may well have
     * been paged, and paging the next step at once would wake a second person for a page the first one has, so the
     * step waits its planned time, as for a page that was sent.
     */
    public Outcome receipt(Optional<AlertLifecycle> current, DeliveryReceipt receipt, Instant now) {
        if (current.isEmpty()) {
            return Outcome.none();
        }
        AlertLifecycle state = current.get();
        List<TimelineEvent> timeline = new ArrayList<>(state.getTimeline());
        timeline.add(event(receipt.getAt(), "notification-" + receipt.getOutcome().name().toLowerCase(),
                receipt.getUserId(), receipt.getContactMethod().name().toLowerCase(), receipt.getDetail()));
        AlertLifecycle.Builder next = AlertLifecycle.newBuilder(state).setUpdatedAt(now);
        Map<String, String> deliveries = new HashMap<>(state.getStepDeliveries());
        if (deliveries.containsKey(receipt.getNotificationId())) {
            deliveries.put(receipt.getNotificationId(), delivery(receipt.getOutcome()));
            next.setStepDeliveries(deliveries);
            boolean nobodyReached = deliveries.values().stream().allMatch(FAILED::equals);
            if (nobodyReached && state.getStatus() == LifecycleStatus.TRIGGERED && state.getNextEscalationAt() != null
                    && state.getNextEscalationAt().isAfter(now)) {
                next.setNextEscalationAt(now);
                timeline.add(event(now, "escalating-now", null, null, "every notification of this step failed"));
            }
        }
        AlertLifecycle updated = build(next, timeline);
        return new Outcome(Optional.of(updated), List.of(updated));
    }

    private static String delivery(DeliveryOutcome outcome) {
        return switch (outcome) {
            case SENT -> SENT;
            case UNKNOWN -> UNKNOWN;
            case FAILED, RATE_LIMITED -> FAILED;
        };
    }

    /**
     * How Azure knows the person: Defender and Sentinel show the owner's user principal name, so the user's e-mail
     * from the on-call config goes there; the pager's user id only when no e-mail is configured.
     */
    private static String azureUser(Directory directory, String user) {
        UserConfig config = directory.users().apply(user);
        return config == null || config.getEmail() == null || config.getEmail().isBlank() ? user : config.getEmail();
    }

    /**
     * What Azure should learn of a responder's action, for every alert on the page (all alerts of a grouped
     * incident). An alert that is resolved in Azure, by an analyst or by a close of this page before it was reopened,
     * is left as it is: a status would open it again in Defender, an owner or a classification would overwrite who
     * resolved it and how. Only a comment still reaches it, so that every alert of the incident carries the
     * responder's notes. The statuses written are recorded in the page's members: ingest drops the echo of our own
     * writes, so nothing else would tell escalate that an alert it closed is resolved. One alert's command id is the
     * action id; in a group each alert gets the action id plus its key, so each is applied once.
     */
    private List<SpecificRecord> sync(AlertLifecycle state, AlertLifecycle.Builder next, AlertAction action,
                                      SourceStatus status, String assignedTo, Instant now) {
        SecurityAlert primary = state.getAlert().getEnriched().getAlert();
        if (primary.getSource() == AlertSource.PAGER) {
            return List.of();
        }
        List<String> keys = state.getMembers().isEmpty() ? List.of(primary.getAlertKey())
                : state.getMembers().keySet().stream().sorted().toList();
        String comment = action.getComment() == null || action.getComment().isBlank() ? null
                : action.getActor() + " (Sentinel Pager): " + action.getComment();
        Map<String, SourceStatus> members = new HashMap<>(state.getMembers());
        List<SpecificRecord> out = new ArrayList<>();
        for (String alertKey : keys) {
            // The id depends on the page's alerts, not on how many are still open, so a replay gives the same ids.
            String id = keys.size() == 1 ? action.getActionId() : action.getActionId() + "/" + alertKey;
            if (members.get(alertKey) == SourceStatus.RESOLVED) {
                if (comment != null) {
                    out.add(command(id, alertKey, primary.getSource(), null, null, null, comment, now)
                            .setIncidentId(primary.getIncidentId()).setRequestedBy(action.getActor()).build());
                }
                continue;
            }
            // A page groups the alerts of one incident only (policy groupBy: incident), so they share its id.
            out.add(command(id, alertKey, primary.getSource(), status, assignedTo, action.getClassification(), comment,
                    now).setIncidentId(primary.getIncidentId()).setRequestedBy(action.getActor()).build());
            if (status != null) {
                members.put(alertKey, status);
            }
        }
        next.setMembers(members);
        return out;
    }

    private static SyncCommand.Builder command(String commandId, String alertKey, AlertSource source,
                                              SourceStatus status, String assignedTo, String classification,
                                              String comment, Instant now) {
        int colon = alertKey.indexOf(':');
        return SyncCommand.newBuilder()
                .setCommandId(commandId)
                .setAlertKey(alertKey)
                .setConnectorId(alertKey.substring(0, colon))
                .setSource(source)
                .setAlertId(alertKey.substring(colon + 1))
                .setTargetStatus(status)
                .setAssignedTo(assignedTo)
                .setClassification(classification)
                .setComment(comment)
                .setRequestedAt(now);
    }

    private static List<ContactMethod> contactMethods(String userId, UserConfig user) {
        if (user == null || user.getContactMethods().isEmpty()) {
            // Never drop a page for want of a contact method: the inbox is always there.
            return List.of(ContactMethod.newBuilder().setType(ContactMethodType.INBOX).setAddress(userId).build());
        }
        return user.getContactMethods();
    }

    private NotificationRequest notification(String key, int reopened, RoutedAlert routed, String userId,
                                             ContactMethod method,
                                             int step, int round, Instant now) {
        SecurityAlert alert = routed.getEnriched().getAlert();
        // Cut again here, whatever upstream did: a page goes out even when a title or a summary is absurdly long.
        String title = RecordLimits.cut(alert.getTitle(), RecordLimits.TITLE_BYTES);
        String summary = RecordLimits.cut(routed.getEnriched().getSummary(), RecordLimits.TITLE_BYTES);
        String body = alert.getSeverity() + " " + title
                + (summary == null ? "" : " — " + summary)
                + " — acknowledge: " + config.responderUrl() + "/api/alerts/" + key + "/ack";
        return NotificationRequest.newBuilder()
                .setNotificationId(episode(key, reopened) + "/round-" + round + "/step-"
                        + step + "/" + userId + "/"
                        + method.getType().name().toLowerCase())
                .setAlertKey(key)
                .setUserId(userId)
                .setContactMethod(method.getType())
                .setAddress(method.getAddress())
                .setSeverity(alert.getSeverity())
                .setUrgency(routed.getUrgency())
                .setTitle(title)
                .setBody(body)
                .setSummary(summary)
                .setEscalationStep(step)
                .setRequestedAt(now)
                .build();
    }

    /** The start of the ids of everything a page sends between two reopens. */
    private static String episode(String key, int reopened) {
        return key + (reopened > 0 ? "/reopen-" + reopened : "");
    }

    private static NotificationRequest withOthersPaged(NotificationRequest page, List<String> recipients) {
        // A whole team can be paged at once: the first names tell who else is looking, not a roll call of hundreds.
        return NotificationRequest.newBuilder(page).setAlsoPaged(recipients.stream()
                .filter(u -> !u.equals(page.getUserId())).limit(ALSO_PAGED).toList()).build();
    }

    private static TimelineEvent event(Instant at, String type, String actor, String channel, String detail) {
        return TimelineEvent.newBuilder().setAt(at).setType(type).setActor(RecordLimits.cut(actor, RecordLimits.ID_BYTES))
                .setChannel(RecordLimits.cut(channel, RecordLimits.ID_BYTES)).setDetail(PageLimits.detail(detail))
                .build();
    }

    /**
     * The page with its new timeline, within its bounds (see {@link PageLimits}): every decision that changes a page
     * ends here, so no path can grow a page past what its topic accepts.
     */
    private static AlertLifecycle build(AlertLifecycle.Builder next, List<TimelineEvent> timeline) {
        if (next.getStatus() != LifecycleStatus.HELD) {
            // Acknowledged, closed or paged: nothing waits for configuration any more.
            next.setWaitingFor(List.of());
        }
        List<TimelineEvent> kept = PageLimits.timeline(timeline);
        return PageLimits.fit(next.setTimeline(kept)
                .setTimelineDropped(next.getTimelineDropped() + timeline.size() - kept.size()).build());
    }
}
