package io.sentinelpager.syncback;

import com.microsoft.graph.models.security.AlertClassification;
import com.microsoft.graph.models.security.AlertStatus;
import io.sentinelpager.azure.AlertUpdate;
import io.sentinelpager.azure.ConnectorConfig;
import io.sentinelpager.azure.GraphAlertsClient;
import io.sentinelpager.azure.GraphCallException;
import io.sentinelpager.schemas.SourceStatus;
import io.sentinelpager.schemas.SyncCommand;
import io.sentinelpager.schemas.SyncOutcome;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.stream.Collectors;

/** Writes a sync command to the Graph alert it names, through the connector the alert came from. */
final class GraphWriter implements SyncWriter {

    private final Map<String, ConnectorConfig> connectors;
    private final Map<String, GraphAlertsClient> clients = new ConcurrentHashMap<>();

    GraphWriter(List<ConnectorConfig> connectors) {
        this.connectors = connectors.stream().collect(Collectors.toMap(ConnectorConfig::id, Function.identity()));
    }

    @Override
    public Result apply(SyncCommand command) {
        ConnectorConfig connector = connectors.get(command.getConnectorId());
        if (connector == null) {
            return new Result(SyncOutcome.REJECTED, null, "connector " + command.getConnectorId()
                    + " is not configured in syncback; configured: " + connectors.keySet());
        }
        GraphAlertsClient client = clients.computeIfAbsent(connector.id(), id -> GraphAlertsClient.create(connector));
        try {
            AlertStatus status = status(command.getTargetStatus());
            AlertClassification classification = classification(command.getClassification());
            if (status != null || command.getAssignedTo() != null || classification != null) {
                client.updateAlert(command.getAlertId(), new AlertUpdate(status, command.getAssignedTo(),
                        classification, null));
            }
            // A comment is not idempotent: the applied-ids store keeps a replayed command from posting it twice.
            if (command.getComment() != null) {
                client.addComment(command.getAlertId(), command.getComment());
            }
            return new Result(SyncOutcome.APPLIED, 200, null);
        } catch (GraphCallException e) {
            Integer status = e.httpStatus() == 0 ? null : e.httpStatus();
            return new Result(e.retriable() ? SyncOutcome.FAILED : SyncOutcome.REJECTED, status, e.getMessage());
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
