package io.sentinelpager.syncback;

import io.sentinelpager.azure.AzureCallException;
import io.sentinelpager.azure.ConnectorConfig;
import io.sentinelpager.azure.IncidentUpdate;
import io.sentinelpager.azure.RollupSummary;
import io.sentinelpager.azure.SentinelAlert;
import io.sentinelpager.azure.SentinelAlertId;
import io.sentinelpager.azure.SentinelIncident;
import io.sentinelpager.azure.SentinelIncident.Classification;
import io.sentinelpager.azure.SentinelIncident.ClassificationReason;
import io.sentinelpager.azure.SentinelIncident.Status;
import io.sentinelpager.azure.SentinelIncidentsClient;
import io.sentinelpager.schemas.IncidentMember;
import io.sentinelpager.schemas.IncidentRollup;
import io.sentinelpager.schemas.PendingComment;
import io.sentinelpager.schemas.PendingSync;
import io.sentinelpager.schemas.SourceStatus;
import io.sentinelpager.syncback.IncidentRollups.Count;
import io.sentinelpager.syncback.IncidentRollups.Target;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Writes to the Sentinel incident of an alert read through the Sentinel incidents API: Sentinel keeps status, owner,
 * classification and comments on the incident, and has no write API for a single alert.
 *
 * <p>So an alert's own write is its comments only; its status, owner and classification reach the incident through
 * the incident's roll-up ({@link #rollUp}), which counts every alert of the incident: closing one alert's page must not
 * close an incident whose other alerts are still open. The incident is written with its etag (the client re-reads and
 * retries on 409), and only when it does not already show the change. A comment goes to the comments API under an id
 * derived from the incident, the text and the time it was asked for, which the commands of one page share: a page of
 * N alerts adds one comment, and a repeated command rewrites it instead of adding another.
 *
 * <p>Close needs a classification in Sentinel. The product's classifications are Graph's words, mapped here, each
 * with the reason the Sentinel portal asks for (BenignPositive must have one); a close without one is Undetermined.
 */
final class SentinelWriter implements SyncWriter {

    private final Map<String, ConnectorConfig> connectors;
    private final Map<String, SentinelIncidentsClient> clients = new ConcurrentHashMap<>();

    SentinelWriter(List<ConnectorConfig> connectors) {
        this.connectors = connectors.stream().collect(Collectors.toMap(ConnectorConfig::id, Function.identity()));
    }

    /** A Sentinel classification and the reason that goes with it. */
    record Verdict(Classification classification, ClassificationReason reason) {
    }

    /**
     * A repeat changes nothing here: an alert's write only reads the incident and PUTs its comments under ids of ours
     * (a repeat rewrites the same comment), and the incident's status and owner are written by the roll-up, which reads
     * the incident first and writes only what it does not show. Neither repeats a change in Sentinel.
     */
    @Override
    public Result apply(PendingSync write) {
        ConnectorConfig connector = connectors.get(write.getConnectorId());
        if (connector == null) {
            return Result.rejected("connector " + write.getConnectorId() + " is not configured in syncback;"
                    + " configured: " + connectors.keySet());
        }
        if (connector.workspace().isEmpty()) {
            return Result.rejected("connector " + connector.id() + " has no Sentinel workspace"
                    + " (subscription id, resource group, workspace name) to write the incident to");
        }
        SentinelAlertId id;
        try {
            id = SentinelAlertId.parse(write.getAlertId());
            if (write.getTargetStatus() == SourceStatus.RESOLVED) {
                verdict(write.getClassification()); // refused now, naming the value, rather than at the roll-up
            }
        } catch (IllegalArgumentException e) {
            return Result.rejected("alert " + write.getAlertKey() + ": " + e.getMessage());
        }
        SentinelIncidentsClient client = client(connector);
        try {
            if (!write.getChangeCommandIds().isEmpty()) {
                // The change itself is the roll-up's to write; a gone incident or a missing role is told here, on
                // the alert, rather than never.
                client.get(id.incidentName());
            }
            for (PendingComment comment : write.getComments()) {
                client.addComment(id.incidentName(), commentId(id, comment), comment.getText());
            }
            return Result.applied(write.getChangeCommandIds().isEmpty() ? null
                    : "Sentinel keeps status on the incident: it follows when all its alerts do (incident roll-up)");
        } catch (AzureCallException e) {
            return Result.of(e);
        }
    }

    /**
     * Reads the incident and its alerts and writes the incident what they add up to. An alert's status is what the
     * responders chose for it, for the alerts we wrote, else the SecurityAlert's own status in Sentinel (an alert we
     * never paged counts as its product reports it). An incident without alerts (made by hand) is the one alert we
     * paged for it.
     *
     * <p>The summary is the incident's classificationComment as well as a comment: a close whose comment was lost (a
     * crash between the two calls) is recognised by it on the next check, which writes the comment then.
     */
    @Override
    public Check rollUp(IncidentRollup rollup) {
        ConnectorConfig connector = connectors.get(rollup.getConnectorId());
        if (connector == null || connector.workspace().isEmpty()) {
            return Check.failed(Result.rejected("connector " + rollup.getConnectorId() + " is not configured in"
                    + " syncback with a Sentinel workspace; configured: " + connectors.keySet()));
        }
        SentinelIncidentsClient client = client(connector);
        String name = rollup.getIncidentId();
        SentinelIncident incident = null;
        Count count = new Count(0, 0, 0);
        try {
            incident = client.get(name);
            List<String> alertIds = new ArrayList<>();
            List<SourceStatus> statuses = new ArrayList<>();
            for (SentinelAlert alert : client.alerts(name)) {
                String alertId = SentinelAlertId.of(name, alert.name()).value();
                IncidentMember ours = rollup.getMembers().get(alertId);
                alertIds.add(alertId);
                statuses.add(ours != null && ours.getStatus() != null ? ours.getStatus()
                        : sourceStatus(alert.properties().status()));
            }
            if (alertIds.isEmpty()) {
                rollup.getMembers().forEach((alertId, member) -> {
                    alertIds.add(alertId);
                    statuses.add(member.getStatus() == null ? SourceStatus.NEW : member.getStatus());
                });
            }
            count = Count.of(statuses);
            if (incident.properties().status() == Status.Closed) {
                String summary = incident.properties().classificationComment();
                if (RollupSummary.isRollupSummary(summary)) {
                    client.addComment(name, rollupCommentId(name, summary), summary);
                }
                return check(Result.applied(null), incident, count, count.target(), true);
            }
            Target target = count.target();
            String owner = owned(incident) ? null : IncidentRollups.owner(rollup);
            if (target == Target.RESOLVED) {
                String summary = IncidentRollups.summary(rollup, count, IncidentRollups.resolvedByUs(rollup, alertIds));
                Verdict verdict = verdict(IncidentRollups.classification(rollup));
                incident = client.update(name, new IncidentUpdate(Status.Closed, verdict.classification(),
                        verdict.reason(), summary, owner, null));
                client.addComment(name, rollupCommentId(name, summary), summary);
                return check(Result.applied("incident " + name + " closed"), incident, count, target, true);
            }
            if (target == Target.IN_PROGRESS && incident.properties().status() == Status.New) {
                incident = client.update(name, new IncidentUpdate(Status.Active, null, null, null,
                        IncidentRollups.owner(rollup), null));
                return check(Result.applied("incident " + name + " active"), incident, count, target, false);
            }
            return check(Result.applied(null), incident, count, target, false);
        } catch (AzureCallException e) {
            // The incident as read before the write failed, so the app shows where it stands.
            return incident == null ? Check.failed(Result.of(e)) : check(Result.of(e), incident, count, count.target(),
                    false);
        } catch (IllegalArgumentException e) {
            return Check.failed(Result.rejected("incident " + name + ": " + e.getMessage()));
        }
    }

    private SentinelIncidentsClient client(ConnectorConfig connector) {
        return clients.computeIfAbsent(connector.id(), c -> SentinelIncidentsClient.create(connector));
    }

    private static Check check(Result result, SentinelIncident incident, Count count, Target target, boolean done) {
        SentinelIncident.Owner owner = incident.properties().owner();
        return new Check(result, Objects.toString(incident.properties().status(), null),
                owner == null ? null : owner.userPrincipalName(), count, target, done);
    }

    private static boolean owned(SentinelIncident incident) {
        SentinelIncident.Owner owner = incident.properties().owner();
        return owner != null && owner.userPrincipalName() != null && !owner.userPrincipalName().isBlank();
    }

    /** A SecurityAlert's status (Unknown, New, InProgress, Resolved, Dismissed) as ours; a dismissed one is done. */
    static SourceStatus sourceStatus(String status) {
        if (status == null) {
            return SourceStatus.NEW;
        }
        return switch (status.toLowerCase(Locale.ROOT)) {
            case "inprogress" -> SourceStatus.IN_PROGRESS;
            case "resolved", "dismissed" -> SourceStatus.RESOLVED;
            default -> SourceStatus.NEW;
        };
    }

    /** One per incident and summary: a repeated write of the roll-up's comment rewrites it. */
    static UUID rollupCommentId(String incidentName, String summary) {
        return UUID.nameUUIDFromBytes((incidentName + "\nroll-up\n" + summary).getBytes(StandardCharsets.UTF_8));
    }

    /** The incident: Sentinel keeps an alert's status, owner and comments there. */
    @Override
    public String objectOf(PendingSync write) {
        try {
            return write.getConnectorId() + ":" + SentinelAlertId.parse(write.getAlertId()).incidentName();
        } catch (IllegalArgumentException e) {
            return write.getAlertKey(); // refused by apply, with the reason
        }
    }

    /**
     * A classification in Graph's words (or Sentinel's) as Sentinel's classification and reason.
     *
     * @throws IllegalArgumentException naming the value and what is understood, for any other
     */
    static Verdict verdict(String classification) {
        if (classification == null || classification.isBlank()) {
            return new Verdict(Classification.Undetermined, null);
        }
        return switch (classification.trim().toLowerCase(Locale.ROOT)) {
            case "unknown", "undetermined" -> new Verdict(Classification.Undetermined, null);
            case "truepositive" -> new Verdict(Classification.TruePositive, ClassificationReason.SuspiciousActivity);
            case "falsepositive" -> new Verdict(Classification.FalsePositive, ClassificationReason.IncorrectAlertLogic);
            case "informationalexpectedactivity", "benignpositive" ->
                    new Verdict(Classification.BenignPositive, ClassificationReason.SuspiciousButExpected);
            default -> throw new IllegalArgumentException("classification '" + classification + "' has no Sentinel"
                    + " equivalent; use truePositive, falsePositive, informationalExpectedActivity or unknown");
        };
    }

    /**
     * The same for every command of one page (they share the incident, the text and the time asked), and for every
     * attempt of one command: a repeated PUT rewrites the comment.
     */
    static UUID commentId(SentinelAlertId id, PendingComment comment) {
        return UUID.nameUUIDFromBytes((id.incidentName() + "\n" + comment.getRequestedAt().toEpochMilli() + "\n"
                + comment.getText()).getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public void close() {
        clients.values().forEach(SentinelIncidentsClient::close);
    }
}
