package io.sentinelpager.escalate;

import io.sentinelpager.schemas.ActionType;
import io.sentinelpager.schemas.AlertAction;
import io.sentinelpager.schemas.AlertLifecycle;
import io.sentinelpager.schemas.DeliveryReceipt;
import io.sentinelpager.schemas.EscalationChainConfig;
import io.sentinelpager.schemas.RoutedAlert;
import io.sentinelpager.schemas.ScheduleConfig;
import io.sentinelpager.schemas.TeamConfig;
import io.sentinelpager.schemas.UserConfig;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.apache.avro.specific.SpecificRecord;

/**
 * The lifecycle rules, as pure functions of the current state and one event: what the new state is, whom to notify
 * and what to tell Azure. Ids of notifications and sync commands derive from the event, so replaying an event after a
 * crash produces the same ids and downstream senders skip what they already did.
 *
 * <p>This class only says which part decides an event: {@link RoutedAlerts} (a page opens, or an alert joins it),
 * {@link Escalation} (who is paged and when), {@link ResponderActions}, {@link AzureChanges} (what Azure reports),
 * {@link StepDeliveries} (what notify reports); each builds one {@link Change}.
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

    private final Escalation escalation;
    private final RoutedAlerts routedAlerts;
    private final ResponderActions responderActions;
    private final AzureChanges azureChanges;

    public Lifecycle(EscalateConfig config) {
        Notifications notifications = new Notifications(config);
        this.escalation = new Escalation(config, notifications);
        this.routedAlerts = new RoutedAlerts(escalation);
        this.responderActions = new ResponderActions(escalation);
        this.azureChanges = new AzureChanges(notifications);
    }

    /**
     * A routed alert: page the first step of its escalation chain, unless this alert is already paged (then it is an
     * update). A chain that is not configured falls back to paging the team's on-call people once, so a missing chain
     * never means a missing page.
     */
    public Outcome routed(Optional<AlertLifecycle> current, RoutedAlert routed, Directory directory, Instant now) {
        if (current.isPresent()) {
            return routedAlerts.attach(current.get(), routed, directory, now);
        }
        // A page is keyed by its group (all alerts of an incident) when the policy groups, else by its alert.
        String key = routed.getGroupKey() != null ? routed.getGroupKey() : routed.getEnriched().getAlert().getAlertKey();
        return routedAlerts.open(key, routed, directory, now);
    }

    /** A timer of the page fired: see {@link Escalation#wake}. */
    public Outcome wake(AlertLifecycle state, Directory directory, Instant now) {
        return escalation.wake(state, directory, now);
    }

    /** Configuration a held page waits for arrived: see {@link Escalation#release}. */
    public Outcome release(AlertLifecycle state, Directory directory, Instant now) {
        return escalation.release(state, directory, now);
    }

    /** An action by a responder or a change made in Azure. */
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
        return switch (action.getType()) {
            case ACKNOWLEDGE -> responderActions.acknowledge(state, action, directory, now);
            case TAKE_OWNERSHIP -> responderActions.takeOwnership(state, action, directory, now);
            case CLOSE -> responderActions.close(state, action, directory, now);
            case ANNOTATE -> responderActions.annotate(state, action, now);
            case REOPEN -> responderActions.reopen(state, action, directory, now);
            case SOURCE_COMMENT -> azureChanges.comment(state, action, directory, now);
            case SOURCE_STATUS_CHANGED -> azureChanges.statusChanged(state, action, directory, now);
            default -> throw new IllegalArgumentException("action " + action.getActionId() + " has type "
                    + action.getType() + ", which this version of escalate does not know");
        };
    }

    /** A delivery receipt from notify: see {@link StepDeliveries#receipt}. */
    public Outcome receipt(Optional<AlertLifecycle> current, DeliveryReceipt receipt, Instant now) {
        return StepDeliveries.receipt(current, receipt, now);
    }
}
