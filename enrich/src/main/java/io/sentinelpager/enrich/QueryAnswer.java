package io.sentinelpager.enrich;

import io.sentinelpager.azure.LogQueryResult;
import io.sentinelpager.azure.LogTable;
import io.sentinelpager.schemas.EnrichmentColumn;
import io.sentinelpager.schemas.EnrichmentTable;
import io.sentinelpager.schemas.RecordLimits;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A rule query's result cut to what a page carries: at most {@value #MAX_TABLES} tables of at most
 * {@value #MAX_COLUMNS} columns and {@code maxRows} rows, every cell as text of at most {@code maxCellBytes} bytes,
 * with the total row count and a truncated flag. Cutting happens as soon as the answer arrives, so a query that
 * returns 500,000 rows costs its rows once and is never cached or sent whole.
 *
 * @param partialError the service's code and message when the tables are incomplete, else empty
 */
record QueryAnswer(List<EnrichmentTable> tables, Optional<String> partialError) {

    /** Tables beyond these are dropped; a rule query returns one (PrimaryResult). */
    static final int MAX_TABLES = 3;
    /** Columns beyond these are dropped, and the table is marked truncated: a KQL query can project hundreds. */
    static final int MAX_COLUMNS = 50;

    QueryAnswer {
        tables = List.copyOf(tables);
    }

    static QueryAnswer of(LogQueryResult result, int maxRows, int maxCellBytes) {
        List<EnrichmentTable> tables = new ArrayList<>();
        for (int t = 0; t < Math.min(MAX_TABLES, result.tables().size()); t++) {
            tables.add(table(t == 0 ? "PrimaryResult" : "Table_" + t, result.tables().get(t), maxRows, maxCellBytes));
        }
        return new QueryAnswer(tables, result.partialError().map(e -> e.code() + ": " + e.message()));
    }

    private static EnrichmentTable table(String name, LogTable table, int maxRows, int maxCellBytes) {
        List<LogTable.Column> columns = table.columns().subList(0, Math.min(MAX_COLUMNS, table.columns().size()));
        List<List<String>> rows = new ArrayList<>();
        for (LogTable.Row row : table.rows().subList(0, Math.min(maxRows, table.rows().size()))) {
            List<String> cells = new ArrayList<>(columns.size());
            for (LogTable.Column column : columns) {
                cells.add(RecordLimits.cut(text(row.values().get(column.name())), maxCellBytes));
            }
            rows.add(cells);
        }
        return EnrichmentTable.newBuilder()
                .setName(name)
                .setColumns(columns.stream().map(c -> new EnrichmentColumn(RecordLimits.cut(c.name(),
                        RecordLimits.LABEL_BYTES), RecordLimits.cut(c.type(), RecordLimits.LABEL_BYTES))).toList())
                .setRows(rows)
                .setTotalRows(table.rows().size())
                .setTruncated(table.rows().size() > maxRows || table.columns().size() > MAX_COLUMNS)
                .build();
    }

    /** Kusto values as text: times in ISO 8601, numbers and booleans as Java prints them, dynamic as its JSON. */
    private static String text(Object value) {
        if (value == null) {
            return null;
        }
        return value instanceof Instant instant ? instant.toString() : value.toString();
    }
}
