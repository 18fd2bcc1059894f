package io.sentinelpager.azure;

import java.util.List;
import java.util.Optional;

/**
 * What a Log Analytics query returned. A partial error means the tables are incomplete (a row or
 * size limit, a workspace that did not answer): the rows are usable but are not all there are.
 */
public record LogQueryResult(List<LogTable> tables, Optional<PartialError> partialError) {

    public LogQueryResult {
        tables = List.copyOf(tables);
    }

    /** The service's code (e.g. PartialError) and message. */
    public record PartialError(String code, String message) {
    }

    /** The first table, PrimaryResult, which holds the query's output. */
    public LogTable primary() {
        if (tables.isEmpty()) {
            throw new IllegalStateException("the query returned no table");
        }
        return tables.get(0);
    }
}
