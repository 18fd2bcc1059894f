package io.sentinelpager.syncback;

import com.microsoft.graph.models.security.Alert;
import com.microsoft.graph.models.security.AlertClassification;
import com.microsoft.graph.models.security.AlertStatus;
import com.microsoft.graph.models.security.Incident;
import com.microsoft.graph.models.security.IncidentStatus;
import io.sentinelpager.azure.AlertUpdate;
import io.sentinelpager.azure.ConnectorConfig;
import io.sentinelpager.azure.GraphAlertsClient;
import io.sentinelpager.azure.GraphCallException;
import io.sentinelpager.azure.GraphIncidentUpdate;
import io.sentinelpager.azure.GraphIncidentsClient;
import io.sentinelpager.azure.RollupSummary;
import io.sentinelpager.schemas.IncidentRollup;
import io.sentinelpager.schemas.PendingComment;
import io.sentinelpager.schemas.PendingSync;
import io.sentinelpager.schemas.SourceStatus;
import io.sentinelpager.syncback.IncidentRollups.Count;
import io.sentinelpager.syncback.IncidentRollups.Target;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Writes an alert's pending write to the Graph alert, through the connector the alert came from, and rolls the
 * alert's Defender incident up from its alerts.
 *
 * <p>A Graph comment is a POST without an id of ours, so it is posted only when the alert does not already show a
 * comment with the same text: an attempt repeated after a crash or a lost answer finds its comment there. (A person
 * who writes the very same text twice on one alert therefore sees it once in Defender.)
 *
 * <p>A PATCH sets its fields, but Graph keeps every PATCH in the alert's history, where a responder would see an
 * acknowledge or a close twice. So every write reads the alert first and PATCHes only the fields that still differ,
 * or nothing. No attempt can know it is the first: the call starts when syncback takes the command in, before the
 * transaction that records it commits, so after a crash the next owner takes the same command in again and cannot tell
 * it from a new one (ClusterChaosIT saw a close written twice that way). The read is one GET per write, and writes are
 * people's acknowledgements and closes.
 */
final class GraphWriter implements SyncWriter {

    /** The result's detail for a write the alert already showed in full, so nothing was sent. */
    static final String ALREADY_APPLIED = "already in Graph";

    private final Map<String, ConnectorConfig> connectors;
    private final Map<String, GraphAlertsClient> clients = new ConcurrentHashMap<>();
    private final Map<String, GraphIncidentsClient> incidentClients = new ConcurrentHashMap<>();

    GraphWriter(List<ConnectorConfig> connectors) {
        this.connectors = connectors.stream().collect(Collectors.toMap(ConnectorConfig::id, Function.identity()));
    }

    @Override
    public Result apply(PendingSync write) {
        ConnectorConfig connector = connectors.get(write.getConnectorId());
        if (connector == null) {
            return Result.rejected("connector " + write.getConnectorId() + " is not configured in syncback;"
                    + " configured: " + connectors.keySet());
        }
        GraphAlertsClient client = clients.computeIfAbsent(connector.id(), id -> GraphAlertsClient.create(connector));
        try {
            AlertStatus status = status(write.getTargetStatus());
            String owner = write.getAssignedTo();
            AlertClassification classification = classification(write.getClassification());
            // A PATCH is not safe to repeat: Graph records each one in the alert's history, and an acknowledge or a
            // close must reach it once. So what the alert already shows is not sent again.
            Alert alert = client.alert(write.getAlertId());
            status = status == alert.getStatus() ? null : status;
            owner = owner != null && owner.equals(alert.getAssignedTo()) ? null : owner;
            classification = classification == alert.getClassification() ? null : classification;
            List<String> shown = new ArrayList<>(GraphAlertsClient.comments(alert));
            boolean wrote = false;
            if (status != null || owner != null || classification != null) {
                client.updateAlert(write.getAlertId(), new AlertUpdate(status, owner, classification, null));
                wrote = true;
            }
            if (!write.getComments().isEmpty()) {
                for (PendingComment comment : write.getComments()) {
                    // remove(): two pending comments of the same text need two shown to count as posted.
                    if (!shown.remove(comment.getText())) {
                        client.addComment(write.getAlertId(), comment.getText());
                        wrote = true;
                    }
                }
            }
            return Result.applied(wrote ? null : ALREADY_APPLIED);
        } catch (GraphCallException e) {
            return Result.of(e);
        }
    }

    /**
     * Reads the incident with its alerts ({@code $expand=alerts}: every alert Defender counts, whether we read it or
     * not) and writes what their statuses add up to. Graph has each alert's status from us already (the roll-up hears
     * of a change once Graph took it), so Azure's word is the only one counted.
     *
     * <p>The summary is the incident's resolvingComment as well as a comment: a resolve whose comment was lost (a
     * crash between the two calls) is recognised by it on the next check, which posts the comment then.
     */
    @Override
    public Check rollUp(IncidentRollup rollup) {
        ConnectorConfig connector = connectors.get(rollup.getConnectorId());
        if (connector == null) {
            return Check.failed(Result.rejected("connector " + rollup.getConnectorId() + " is not configured in"
                    + " syncback; configured: " + connectors.keySet()));
        }
        GraphIncidentsClient client = incidentClients.computeIfAbsent(connector.id(),
                id -> GraphIncidentsClient.create(connector));
        String id = rollup.getIncidentId();
        Incident incident = null;
        Count count = new Count(0, 0, 0);
        try {
            incident = client.get(id);
            List<Alert> alerts = incident.getAlerts() == null ? List.of() : incident.getAlerts();
            count = Count.of(alerts.stream().map(a -> sourceStatus(a.getStatus())).toList());
            IncidentStatus status = incident.getStatus();
            if (status == IncidentStatus.Resolved || status == IncidentStatus.Redirected) {
                String summary = incident.getResolvingComment();
                if (RollupSummary.isRollupSummary(summary) && !shows(incident, summary)) {
                    client.addComment(id, summary);
                }
                return check(Result.applied(null), incident, count, count.target(), true);
            }
            Target target = count.target();
            String owner = IncidentRollups.owner(rollup);
            if (target == Target.RESOLVED) {
                String summary = IncidentRollups.summary(rollup, count,
                        IncidentRollups.resolvedByUs(rollup, alerts.stream().map(Alert::getId).toList()));
                String classification = IncidentRollups.classification(rollup);
                incident = client.update(id, new GraphIncidentUpdate(IncidentStatus.Resolved,
                        incident.getAssignedTo() == null ? owner : null, classification(classification), null, null,
                        summary));
                if (!shows(incident, summary)) {
                    client.addComment(id, summary);
                }
                return check(Result.applied("incident " + id + " resolved"), incident, count, target, true);
            }
            if (target == Target.IN_PROGRESS && status != IncidentStatus.InProgress) {
                incident = client.update(id, new GraphIncidentUpdate(IncidentStatus.InProgress, owner, null, null,
                        null, null));
                return check(Result.applied("incident " + id + " in progress"), incident, count, target, false);
            }
            return check(Result.applied(null), incident, count, target, false);
        } catch (GraphCallException e) {
            // The incident as read before the write failed, so the app shows where it stands.
            return incident == null ? Check.failed(Result.of(e)) : check(Result.of(e), incident, count, count.target(),
                    false);
        }
    }

    private static Check check(Result result, Incident incident, Count count, Target target, boolean done) {
        String status = incident.getStatus() == null ? null : incident.getStatus().getValue();
        return new Check(result, status, incident.getAssignedTo(), count, target, done);
    }

    /** Whether the incident already has the comment. */
    private static boolean shows(Incident incident, String comment) {
        return incident.getComments() != null
                && incident.getComments().stream().anyMatch(c -> comment.equals(c.getComment()));
    }

    private static SourceStatus sourceStatus(AlertStatus status) {
        if (status == AlertStatus.InProgress) {
            return SourceStatus.IN_PROGRESS;
        }
        return status == AlertStatus.Resolved ? SourceStatus.RESOLVED : SourceStatus.NEW;
    }

    private static AlertStatus status(SourceStatus status) {
        if (status == null) {
            return null;
        }
        return switch (status) {
            case NEW -> AlertStatus.New;
            case IN_PROGRESS -> AlertStatus.InProgress;
            case RESOLVED -> AlertStatus.Resolved;
            default -> null;
        };
    }

    private static AlertClassification classification(String value) {
        return value == null ? null : AlertClassification.forValue(value);
    }

    @Override
    public void close() {
        clients.values().forEach(GraphAlertsClient::close);
        incidentClients.values().forEach(GraphIncidentsClient::close);
    }
}
