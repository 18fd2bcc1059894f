package io.sentinelpager.syncback;

import com.microsoft.graph.models.security.AlertClassification;
import com.microsoft.graph.models.security.AlertStatus;
import io.sentinelpager.azure.AlertUpdate;
import io.sentinelpager.azure.ConnectorConfig;
import io.sentinelpager.azure.GraphAlertsClient;
import io.sentinelpager.azure.GraphCallException;
import io.sentinelpager.schemas.PendingComment;
import io.sentinelpager.schemas.PendingSync;
import io.sentinelpager.schemas.SourceStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Writes an alert's pending write to the Graph alert, through the connector the alert came from.
 *
 * <p>A Graph comment is a POST without an id of ours, so it is posted only when the alert does not already show a
 * comment with the same text: an attempt repeated after a crash or a lost answer finds its comment there. (A person
 * who writes the very same text twice on one alert therefore sees it once in Defender.)
 */
final class GraphWriter implements SyncWriter {

    private final Map<String, ConnectorConfig> connectors;
    private final Map<String, GraphAlertsClient> clients = new ConcurrentHashMap<>();

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
            AlertClassification classification = classification(write.getClassification());
            if (status != null || write.getAssignedTo() != null || classification != null) {
                client.updateAlert(write.getAlertId(), new AlertUpdate(status, write.getAssignedTo(),
                        classification, null));
            }
            if (!write.getComments().isEmpty()) {
                List<String> shown = new ArrayList<>(client.comments(write.getAlertId()));
                for (PendingComment comment : write.getComments()) {
                    // remove(): two pending comments of the same text need two shown to count as posted.
                    if (!shown.remove(comment.getText())) {
                        client.addComment(write.getAlertId(), comment.getText());
                    }
                }
            }
            return Result.applied(null);
        } catch (GraphCallException e) {
            return Result.of(e);
        }
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
    }
}
