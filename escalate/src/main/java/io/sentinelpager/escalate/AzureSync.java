package io.sentinelpager.escalate;

import io.sentinelpager.schemas.AlertAction;
import io.sentinelpager.schemas.AlertLifecycle;
import io.sentinelpager.schemas.AlertSource;
import io.sentinelpager.schemas.LifecycleStatus;
import io.sentinelpager.schemas.SecurityAlert;
import io.sentinelpager.schemas.SourceStatus;
import io.sentinelpager.schemas.SyncCommand;
import io.sentinelpager.schemas.UserConfig;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What Azure is told of a page: the sync commands syncback writes to Defender or Sentinel, for each alert of the page
 * that a write would not wrongly reopen or take from whoever resolved it. The statuses written are recorded in the
 * page's members, since ingest drops the echo of our own writes and nothing else would tell escalate of them.
 */
final class AzureSync {

    private AzureSync() {
    }

    /**
     * What Azure should learn of a responder's action, for every alert on the page (all alerts of a grouped
     * incident). An alert that is resolved in Azure, by an analyst or by a close of this page before it was reopened,
     * is left as it is: a status would open it again in Defender, an owner or a classification would overwrite who
     * resolved it and how. Only a comment still reaches it, so that every alert of the incident carries the
     * responder's notes. One alert's command id is the action id; in a group each alert gets the action id plus its
     * key, so each is applied once.
     */
    static void sync(AlertLifecycle state, Change change, AlertAction action, SourceStatus status, String assignedTo) {
        SecurityAlert primary = state.getAlert().getEnriched().getAlert();
        if (primary.getSource() == AlertSource.PAGER) {
            return;
        }
        List<String> keys = state.getMembers().isEmpty() ? List.of(primary.getAlertKey())
                : state.getMembers().keySet().stream().sorted().toList();
        String comment = action.getComment() == null || action.getComment().isBlank() ? null
                : action.getActor() + " (Sentinel Pager): " + action.getComment();
        Map<String, SourceStatus> members = new HashMap<>(state.getMembers());
        for (String alertKey : keys) {
            // The id depends on the page's alerts, not on how many are still open, so a replay gives the same ids.
            String id = keys.size() == 1 ? action.getActionId() : action.getActionId() + "/" + alertKey;
            // A page groups the alerts of one incident only (policy groupBy: incident), so they share its id.
            SyncCommand.Builder command = command(id, alertKey, primary.getSource(), change.now())
                    .setIncidentId(primary.getIncidentId()).setRequestedBy(action.getActor()).setComment(comment);
            if (members.get(alertKey) == SourceStatus.RESOLVED) {
                if (comment != null) {
                    change.emit(command.setTargetStatus(null).setAssignedTo(null).setClassification(null).build());
                }
                continue;
            }
            change.emit(command.setTargetStatus(status).setAssignedTo(assignedTo)
                    .setClassification(action.getClassification()).build());
            if (status != null) {
                members.put(alertKey, status);
            }
        }
        change.page().setMembers(members);
    }

    /**
     * An alert joins a page that someone acknowledged or took ownership of: Azure is told the same of it as it was told
     * of the page's other alerts (in progress if the page is acknowledged, and assigned to the owner), or analysts in
     * Defender see it new and unassigned beside alerts in progress and may take it up a second time. The command id
     * derives from the page and the alert, which joins a page once, so a replay repeats the id and syncback applies it
     * once; ingest recognises the change as our write by the command on sync.commands, so no action comes back.
     */
    static SyncCommand handOver(AlertLifecycle state, SecurityAlert alert, Map<String, SourceStatus> members,
                                Lifecycle.Directory directory, Change change) {
        boolean acknowledged = state.getStatus() == LifecycleStatus.ACKNOWLEDGED;
        SourceStatus status = acknowledged ? SourceStatus.IN_PROGRESS : null;
        String assignedTo = azureUser(directory, state.getOwner());
        if (status != null && members.containsKey(alert.getAlertKey())) {
            // Recorded like every status we write (see sync): the echo of our own write never comes back to tell it.
            members.put(alert.getAlertKey(), status);
        }
        change.note("synced", state.getOwner(), null, "alert " + alert.getAlertKey() + " joins "
                + (acknowledged ? "an acknowledged page: in progress in Azure, assigned to " + assignedTo
                : "a page " + state.getOwner() + " owns: assigned to " + assignedTo + " in Azure"));
        return command(Notifications.episode(state.getAlertKey(), state.getReopened()) + "/attached/"
                + alert.getAlertKey(), alert.getAlertKey(), alert.getSource(), change.now())
                .setTargetStatus(status).setAssignedTo(assignedTo)
                .setIncidentId(alert.getIncidentId()).setRequestedBy(state.getOwner()).build();
    }

    /**
     * How Azure knows the person: Defender and Sentinel show the owner's user principal name, so the user's e-mail
     * from the on-call config goes there; the pager's user id only when no e-mail is configured.
     */
    static String azureUser(Lifecycle.Directory directory, String user) {
        UserConfig config = directory.users().apply(user);
        return config == null || config.getEmail() == null || config.getEmail().isBlank() ? user : config.getEmail();
    }

    /**
     * Whether Azure still has an alert of the page open, as far as escalate knows: the page's members hold what Azure
     * reported and what escalate wrote. A page closed by a responder or by Azure has every member resolved; one that
     * a maintenance window suppressed has them as ingest read them. A page escalate raised itself has nothing in
     * Azure, and one recorded before its members were kept has none to go by, so neither counts as open.
     */
    static boolean openInAzure(AlertLifecycle state) {
        return state.getAlert().getEnriched().getAlert().getSource() != AlertSource.PAGER
                && state.getMembers().values().stream().anyMatch(status -> status != SourceStatus.RESOLVED);
    }

    /** A command for one alert, to which the caller adds what is written. */
    private static SyncCommand.Builder command(String commandId, String alertKey, AlertSource source, Instant now) {
        int colon = alertKey.indexOf(':');
        return SyncCommand.newBuilder()
                .setCommandId(commandId)
                .setAlertKey(alertKey)
                .setConnectorId(alertKey.substring(0, colon))
                .setSource(source)
                .setAlertId(alertKey.substring(colon + 1))
                .setRequestedAt(now);
    }
}
