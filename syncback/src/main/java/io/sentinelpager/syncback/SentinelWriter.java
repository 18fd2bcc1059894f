package io.sentinelpager.syncback;

import io.sentinelpager.azure.AzureCallException;
import io.sentinelpager.azure.ConnectorConfig;
import io.sentinelpager.azure.IncidentUpdate;
import io.sentinelpager.azure.SentinelAlertId;
import io.sentinelpager.azure.SentinelIncident;
import io.sentinelpager.azure.SentinelIncident.Classification;
import io.sentinelpager.azure.SentinelIncident.ClassificationReason;
import io.sentinelpager.azure.SentinelIncident.Status;
import io.sentinelpager.azure.SentinelIncidentsClient;
import io.sentinelpager.schemas.PendingComment;
import io.sentinelpager.schemas.PendingSync;
import io.sentinelpager.schemas.SourceStatus;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Writes the pending write of an alert read through the Sentinel incidents API to its incident: Sentinel keeps status,
 * owner and classification on the incident, and has no write API for a single alert.
 *
 * <p>The incident is written with its etag (the client re-reads and retries on 409), and only when it does not
 * already show what the command asks: a page of several alerts of one incident sends one command per alert, and the
 * first one's write makes the others no-ops instead of N writes (each of which Sentinel would log and ingest would
 * read back). A comment goes to the comments API under an id derived from the incident, the text and the time it
 * was asked for, which the commands of one page share: a page of N alerts adds one comment, and a repeated command
 * rewrites it instead of adding another.
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
        IncidentUpdate update;
        try {
            id = SentinelAlertId.parse(write.getAlertId());
            update = update(write);
        } catch (IllegalArgumentException e) {
            return Result.rejected("alert " + write.getAlertKey() + ": " + e.getMessage());
        }
        SentinelIncidentsClient client = clients.computeIfAbsent(connector.id(),
                c -> SentinelIncidentsClient.create(connector));
        try {
            String detail = null;
            if (update != null) {
                if (shows(client.get(id.incidentName()), update)) {
                    detail = "incident " + id.incidentName() + " already showed the change";
                } else {
                    client.update(id.incidentName(), update);
                }
            }
            for (PendingComment comment : write.getComments()) {
                client.addComment(id.incidentName(), commentId(id, comment), comment.getText());
            }
            return Result.applied(detail);
        } catch (AzureCallException e) {
            return Result.of(e);
        }
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

    /** The change the write asks of the incident, or null when it asks none (comments only). */
    static IncidentUpdate update(PendingSync write) {
        Status status = status(write.getTargetStatus());
        Verdict verdict = status == Status.Closed ? verdict(write.getClassification()) : null;
        String owner = write.getAssignedTo() == null || write.getAssignedTo().isBlank() ? null
                : write.getAssignedTo();
        if (status == null && owner == null) {
            return null;
        }
        return new IncidentUpdate(status, verdict == null ? null : verdict.classification(),
                verdict == null ? null : verdict.reason(), null, owner, null);
    }

    static Status status(SourceStatus status) {
        if (status == null) {
            return null;
        }
        return switch (status) {
            case NEW -> Status.New;
            case IN_PROGRESS -> Status.Active;
            case RESOLVED -> Status.Closed;
            default -> null;
        };
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

    /** Whether the incident already has everything the update sets. */
    static boolean shows(SentinelIncident incident, IncidentUpdate update) {
        SentinelIncident.Properties p = incident.properties();
        return (update.status() == null || update.status() == p.status())
                && (update.classification() == null || update.classification() == p.classification())
                && (update.classificationReason() == null || update.classificationReason() == p.classificationReason())
                && (update.ownerUserPrincipalName() == null || (p.owner() != null
                && update.ownerUserPrincipalName().equalsIgnoreCase(Objects.toString(p.owner().userPrincipalName(), ""))));
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
