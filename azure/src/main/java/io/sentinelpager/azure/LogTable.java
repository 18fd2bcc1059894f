package io.sentinelpager.azure;

import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/** A result table: its columns with their Kusto types, and its rows with values typed by column. */
public record LogTable(List<Column> columns, List<Row> rows) {

    public LogTable {
        columns = List.copyOf(columns);
        rows = List.copyOf(rows);
    }

    /** A column and its Kusto type: bool, datetime, dynamic, int, long, real, string, guid, decimal, timespan. */
    public record Column(String name, String type) {
    }

    /**
     * One row, by column name. Values are Boolean, Instant, Long (int and long), Double (real and
     * decimal) or String (string, guid, timespan, and dynamic as its JSON text); null stays null.
     */
    public record Row(Map<String, Object> values) {

        public Row {
            values = Collections.unmodifiableMap(values);
        }

        public String string(String column) {
            return (String) value(column);
        }

        public Instant instant(String column) {
            return (Instant) value(column);
        }

        public Long number(String column) {
            return (Long) value(column);
        }

        public Double real(String column) {
            return (Double) value(column);
        }

        public Boolean bool(String column) {
            return (Boolean) value(column);
        }

        private Object value(String column) {
            if (!values.containsKey(column)) {
                throw new IllegalArgumentException("no column '" + column + "'; columns: " + values.keySet());
            }
            return values.get(column);
        }
    }
}
