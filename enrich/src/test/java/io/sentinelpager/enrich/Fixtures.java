package io.sentinelpager.enrich;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sentinelpager.azure.AzureWorkspace;
import io.sentinelpager.azure.LogQueryResult;
import io.sentinelpager.azure.LogTable;
import io.sentinelpager.emulator.SampleAlerts;
import io.sentinelpager.schemas.AlertSource;
import io.sentinelpager.schemas.SecurityAlert;
import io.sentinelpager.schemas.Severity;
import io.sentinelpager.schemas.SourceStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Alerts and Log Analytics answers for the unit tests, from Microsoft's published samples where there is one. */
final class Fixtures {

    static final String WORKSPACE_ID = "c8c99641-985d-4e4e-8e91-fb3466cd0e5b";
    static final AzureWorkspace WORKSPACE = new AzureWorkspace("d0cfe6b2-9ac0-4464-9919-dccaee2e48c0", "soc-rg",
            "soc-workspace", Optional.of(WORKSPACE_ID));
    static final String TENANT = "b3c1b5fc-828c-45fa-a1e1-10d74f6d6e9c";
    /** SystemAlertId of the illustrative SecurityAlert row. */
    static final String SYSTEM_ALERT_ID = "5b1f0c7e-3c2a-4c2a-9a77-0a1b2c3d4e5f";

    private Fixtures() {
    }

    /** The published Sentinel alert (Graph alerts_v2), normalized the way ingest does, with this provider id. */
    static SecurityAlert sentinelAlert(String connectorId, String providerAlertId) {
        JsonNode graph = SampleAlerts.published("graph-alerts_v2-list-2-sentinel.response.json").get("value").get(0);
        return SecurityAlert.newBuilder()
                .setAlertKey(connectorId + ":" + graph.get("id").asText())
                .setConnectorId(connectorId)
                .setSource(AlertSource.GRAPH)
                .setAlertId(graph.get("id").asText())
                .setProviderAlertId(providerAlertId)
                .setTitle(graph.get("title").asText())
                .setDescription(graph.get("description").asText())
                .setSeverity(Severity.HIGH)
                .setStatus(SourceStatus.NEW)
                .setServiceSource(graph.get("serviceSource").asText())
                .setDetectionSource(graph.get("detectionSource").asText())
                .setCreatedAt(Instant.parse("2026-05-05T08:30:00Z"))
                .setLastUpdatedAt(Instant.parse("2026-05-05T09:15:00Z"))
                .setIngestedAt(Instant.parse("2026-05-05T09:15:01Z"))
                .setSourceJson(graph.toString())
                .build();
    }

    /** A Defender for Endpoint alert, from the published sample. */
    static SecurityAlert defenderAlert(String connectorId) {
        ObjectNode graph = SampleAlerts.published("graph-alert-get.response.json");
        return SecurityAlert.newBuilder(sentinelAlert(connectorId, null))
                .setAlertKey(connectorId + ":" + graph.get("id").asText())
                .setAlertId(graph.get("id").asText())
                .setServiceSource(graph.get("serviceSource").asText())
                .setDetectionSource(graph.get("detectionSource").asText())
                .setTitle(graph.get("title").asText())
                .setSourceJson(graph.toString())
                .build();
    }

    /** The illustrative SecurityAlert row of a scheduled rule, as LogsQueryClient gives it. */
    static LogQueryResult securityAlertRow() {
        return result(SampleAlerts.published("loganalytics-securityalert-row.illustrative.response.json"));
    }

    /** The same row with ExtendedProperties replaced. */
    static LogQueryResult securityAlertRowWith(String extendedProperties) {
        ObjectNode body = SampleAlerts.published("loganalytics-securityalert-row.illustrative.response.json");
        JsonNode table = body.get("tables").get(0);
        int column = 0;
        while (!table.get("columns").get(column).get("name").asText().equals("ExtendedProperties")) {
            column++;
        }
        ((com.fasterxml.jackson.databind.node.ArrayNode) table.get("rows").get(0)).set(column,
                extendedProperties == null ? com.fasterxml.jackson.databind.node.NullNode.instance
                        : com.fasterxml.jackson.databind.node.TextNode.valueOf(extendedProperties));
        return result(body);
    }

    /** What the rule's query returned, from the illustrative sample. */
    static LogQueryResult ruleRows() {
        return result(SampleAlerts.published("loganalytics-rule-query-result.illustrative.response.json"));
    }

    /** A result of {@code n} rows of two columns, as a query hitting Log Analytics' row limit returns. */
    static LogQueryResult manyRows(int n) {
        List<LogTable.Column> columns = List.of(new LogTable.Column("Computer", "string"),
                new LogTable.Column("Count", "long"));
        List<LogTable.Row> rows = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            Map<String, Object> values = new LinkedHashMap<>();
            values.put("Computer", "host-" + i);
            values.put("Count", (long) i);
            rows.add(new LogTable.Row(values));
        }
        return new LogQueryResult(List.of(new LogTable(columns, rows)), Optional.empty());
    }

    /** A query response body as LogsQueryClient decodes it: values typed by their column's Kusto type. */
    static LogQueryResult result(JsonNode body) {
        List<LogTable> tables = new ArrayList<>();
        for (JsonNode table : body.get("tables")) {
            List<LogTable.Column> columns = new ArrayList<>();
            table.get("columns").forEach(c -> columns.add(new LogTable.Column(c.get("name").asText(),
                    c.get("type").asText())));
            List<LogTable.Row> rows = new ArrayList<>();
            for (JsonNode row : table.get("rows")) {
                Map<String, Object> values = new LinkedHashMap<>();
                for (int i = 0; i < columns.size(); i++) {
                    values.put(columns.get(i).name(), value(columns.get(i).type(), row.get(i)));
                }
                rows.add(new LogTable.Row(values));
            }
            tables.add(new LogTable(columns, rows));
        }
        JsonNode error = body.path("error");
        return new LogQueryResult(tables, error.isObject() ? Optional.of(new LogQueryResult.PartialError(
                error.path("code").asText(), error.path("message").asText())) : Optional.empty());
    }

    private static Object value(String type, JsonNode cell) {
        if (cell == null || cell.isNull()) {
            return null;
        }
        return switch (type) {
            case "datetime" -> Instant.parse(cell.asText());
            case "long", "int" -> cell.asLong();
            case "real", "decimal" -> cell.asDouble();
            case "bool" -> cell.asBoolean();
            default -> cell.asText();
        };
    }
}
