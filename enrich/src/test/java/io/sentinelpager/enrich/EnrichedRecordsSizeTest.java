package io.sentinelpager.enrich;

import static org.assertj.core.api.Assertions.assertThat;

import io.sentinelpager.azure.LogQueryResult;
import io.sentinelpager.azure.LogTable;
import io.sentinelpager.platform.config.PagerConfig;
import io.sentinelpager.schemas.AlertSource;
import io.sentinelpager.schemas.EnrichedAlert;
import io.sentinelpager.schemas.EnrichmentStatus;
import io.sentinelpager.schemas.MaintenanceMode;
import io.sentinelpager.schemas.MaintenanceWindow;
import io.sentinelpager.schemas.RecordLimits;
import io.sentinelpager.schemas.RoutedAlert;
import io.sentinelpager.schemas.SecurityAlert;
import io.sentinelpager.schemas.Severity;
import io.sentinelpager.schemas.SourceStatus;
import io.sentinelpager.schemas.Urgency;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;

/**
 * The largest records of alerts.enriched and alerts.routed: an alert with every field at the bound ingest holds it to
 * (AlertBoundsTest in ingest shows it does), in 4-byte characters, enriched with everything a workspace could return,
 * through the real {@link EnrichedRecords} with every setting at its largest.
 */
class EnrichedRecordsSizeTest {

    static final Instant NOW = Instant.parse("2026-05-05T09:15:03Z");
    static final String FACE = "\uD83D\uDE00"; // 4 bytes in UTF-8

    /** Text of {@code bytes} UTF-8 bytes (a multiple of 4) in 4-byte characters. */
    static String text(int bytes) {
        return FACE.repeat(bytes / 4);
    }

    /** Size in the Confluent wire format: the Avro binary body after 5 bytes (a magic byte and the schema id). */
    static int wireBytes(SpecificRecord record) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        try {
            new SpecificDatumWriter<SpecificRecord>(record.getSchema()).write(record, encoder);
            encoder.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return 5 + out.size();
    }

    final EnrichedRecords records = new EnrichedRecords(EnrichConfig.from(PagerConfig.empty().with(Map.of(
            EnrichConfig.MAX_SUMMARY_BYTES.name(), String.valueOf(RecordLimits.SUMMARY_BYTES),
            EnrichConfig.MAX_DESCRIPTION_BYTES.name(), String.valueOf(RecordLimits.DESCRIPTION_BYTES),
            EnrichConfig.MAX_SOURCE_JSON_BYTES.name(), String.valueOf(RecordLimits.SOURCE_JSON_BYTES)))));

    /** An alerts.raw record at every bound of ingest, with evidence enough for the longest summary line. */
    static SecurityAlert largestRaw() {
        String connectorId = "c".repeat(64); // the longest connector id its config allows
        String id = text(RecordLimits.ID_BYTES);
        StringBuilder json = new StringBuilder("{\"evidence\":[");
        for (int i = 0; i < 60; i++) {
            json.append("{\"@odata.type\":\"#microsoft.graph.security.deviceEvidence\",\"deviceDnsName\":\"")
                    .append(i).append(text(100)).append("\"},");
        }
        json.append("{}],\"pad\":\"");
        int pad = RecordLimits.SOURCE_JSON_BYTES - RecordLimits.utf8Length(json) - 2;
        String sourceJson = json.append(text(pad)).append("x".repeat(pad % 4)).append("\"}").toString();
        List<String> labels = Collections.nCopies(RecordLimits.LIST_ITEMS, text(RecordLimits.LABEL_BYTES));
        return SecurityAlert.newBuilder()
                .setAlertKey(connectorId + ":" + id).setConnectorId(connectorId).setSource(AlertSource.SENTINEL)
                .setAlertId(id).setProviderAlertId(id).setIncidentId(id).setTenantId(id)
                .setTitle(text(RecordLimits.TITLE_BYTES)).setDescription(text(RecordLimits.DESCRIPTION_BYTES))
                .setSeverity(Severity.HIGH).setStatus(SourceStatus.NEW)
                .setClassification(text(RecordLimits.CLASSIFICATION_BYTES))
                .setDetermination(text(RecordLimits.CLASSIFICATION_BYTES))
                .setServiceSource(text(RecordLimits.LABEL_BYTES)).setDetectionSource(text(RecordLimits.LABEL_BYTES))
                .setProductName(text(RecordLimits.LABEL_BYTES)).setCategory(text(RecordLimits.LABEL_BYTES))
                .setMitreTechniques(labels).setTags(labels).setAssignedTo(id)
                .setAlertWebUrl(text(RecordLimits.URL_BYTES)).setIncidentWebUrl(text(RecordLimits.URL_BYTES))
                .setCreatedAt(NOW).setLastUpdatedAt(NOW).setIngestedAt(NOW)
                .setSourceJson(sourceJson).build();
    }

    /** What a workspace could answer at worst: every table, far more columns and rows than kept, long cells. */
    static Enrichment largestEnrichment(EnrichConfig config) {
        String cell = text(config.maxCellBytes() * 2);
        List<LogTable> tables = new ArrayList<>();
        for (int t = 0; t < QueryAnswer.MAX_TABLES + 1; t++) {
            List<LogTable.Column> columns = new ArrayList<>();
            for (int c = 0; c < QueryAnswer.MAX_COLUMNS * 4; c++) {
                columns.add(new LogTable.Column(c + text(1_000), text(1_000)));
            }
            List<LogTable.Row> rows = new ArrayList<>();
            for (int r = 0; r < config.maxRows() * 2; r++) {
                Map<String, Object> values = new LinkedHashMap<>();
                columns.forEach(column -> values.put(column.name(), cell));
                rows.add(new LogTable.Row(values));
            }
            tables.add(new LogTable(columns, rows));
        }
        QueryAnswer answer = QueryAnswer.of(new LogQueryResult(tables, Optional.empty()), config.maxRows(),
                config.maxCellBytes());
        return new Enrichment(EnrichmentStatus.PARTIAL, text(100_000), answer.tables(), text(100_000),
                text(100_000), NOW, NOW, text(RecordLimits.URL_BYTES), null);
    }

    @Test
    void theLargestEnrichedAlertGoesOutWithoutItsRowsWithinTheLimit() {
        EnrichConfig config = EnrichConfig.defaults();
        EnrichedAlert full = records.build(largestRaw(), largestEnrichment(config), 1, NOW,
                "alerts.raw partition 11 offset 9223372036854775807");
        int withRows = wireBytes(full);
        EnrichedAlert published = EnrichedRecords.withoutRows(full, withRows);
        int withoutRows = wireBytes(published);

        System.out.println("Worst-case EnrichedAlert (alerts.enriched): " + withRows + " bytes with "
                + config.maxRows() + " rows of " + QueryAnswer.MAX_COLUMNS + " cells of " + config.maxCellBytes()
                + " bytes in each of " + QueryAnswer.MAX_TABLES + " tables; " + withoutRows + " bytes without rows;"
                + " enrich publishes at most " + EnrichLoop.MAX_RECORD_BYTES);
        assertThat(full.getAlert().getSourceJson()).as("at its bound, the audit copy is kept")
                .isEqualTo(largestRaw().getSourceJson());
        assertThat(RecordLimits.utf8Length(full.getSummary())).isGreaterThan(RecordLimits.SUMMARY_BYTES - 40)
                .isLessThanOrEqualTo(RecordLimits.SUMMARY_BYTES);
        assertThat(full.getLink()).as("at its bound, the link is kept").isNotNull();
        assertThat(withRows).as("so the rows can outgrow a record, and EnrichLoop leaves them out")
                .isGreaterThan(EnrichLoop.MAX_RECORD_BYTES);
        assertThat(withoutRows).isLessThanOrEqualTo(EnrichLoop.MAX_RECORD_BYTES);
    }

    @Test
    void theLargestRoutedAlertFitsWithTheRoomEnrichLeavesForPolicy() {
        EnrichedAlert enriched = EnrichedRecords.withoutRows(records.build(largestRaw(),
                largestEnrichment(EnrichConfig.defaults()), 1, NOW, "here"), Integer.MAX_VALUE);
        String id = text(RecordLimits.ID_BYTES);
        String reason = text(RecordLimits.REASON_BYTES);
        // What DefaultRoute adds. Ids are at most 64 characters in the on-call config, taken here at ID_BYTES; the
        // on-call config allows at most MAINTENANCE_WINDOWS windows per policy and REASON_BYTES per reason.
        List<MaintenanceWindow> windows = Collections.nCopies(RecordLimits.MAINTENANCE_WINDOWS, MaintenanceWindow
                .newBuilder().setStart(NOW)
                .setEnd(NOW).setMode(MaintenanceMode.SUPPRESS).setReason(reason).build());
        RoutedAlert routed = RoutedAlert.newBuilder().setEnriched(enriched).setTeamId(id).setEscalationChainId(id)
                .setUrgency(Urgency.HIGH).setPolicyId(id).setPolicyVersion(Integer.MAX_VALUE)
                .setGroupKey(enriched.getAlert().getConnectorId() + ":incident:" + enriched.getAlert().getIncidentId())
                .setMaintenance(windows).setSuppressReason(reason).setRoutedAt(NOW).build();
        int routing = wireBytes(routed) - wireBytes(enriched);
        // An enriched record can be as large as enrich publishes, its rows filling it.
        int worst = EnrichLoop.MAX_RECORD_BYTES + routing;

        System.out.println("Worst-case RoutedAlert (alerts.routed): " + worst + " bytes (" + routing
                + " of routing, with " + RecordLimits.MAINTENANCE_WINDOWS + " maintenance windows); without rows " + wireBytes(routed)
                + "; the limit is " + RecordLimits.MAX_RECORD_BYTES);
        assertThat(routing).isLessThanOrEqualTo(RecordLimits.ROUTING_BYTES);
        assertThat(worst).isLessThanOrEqualTo(RecordLimits.MAX_RECORD_BYTES);
        assertThat(routed.getGroupKey().getBytes(StandardCharsets.UTF_8).length)
                .isLessThanOrEqualTo(RecordLimits.ALERT_KEY_BYTES + ":incident:".length());
    }
}
