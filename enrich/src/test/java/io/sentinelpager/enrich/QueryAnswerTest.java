package io.sentinelpager.enrich;

import static org.assertj.core.api.Assertions.assertThat;

import io.sentinelpager.azure.LogQueryResult;
import io.sentinelpager.azure.LogTable;
import io.sentinelpager.schemas.EnrichmentTable;
import io.sentinelpager.schemas.RecordLimits;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A query that projects hundreds of wide columns in any script still gives a table of bounded size. */
class QueryAnswerTest {

    @Test
    void columnsAreCappedAndNamesAndCellsCutInBytes() {
        String face = "\uD83D\uDE00"; // 4 bytes in UTF-8
        List<LogTable.Column> columns = new ArrayList<>();
        Map<String, Object> values = new LinkedHashMap<>();
        for (int c = 0; c < 300; c++) {
            LogTable.Column column = new LogTable.Column(c + face.repeat(100), "string");
            columns.add(column);
            values.put(column.name(), face.repeat(1_000));
        }
        LogQueryResult result = new LogQueryResult(List.of(new LogTable(columns, List.of(new LogTable.Row(values)))),
                Optional.empty());

        EnrichmentTable table = QueryAnswer.of(result, 20, 1_000).tables().get(0);

        assertThat(table.getColumns()).hasSize(QueryAnswer.MAX_COLUMNS);
        assertThat(table.getTruncated()).isTrue();
        assertThat(table.getColumns()).allSatisfy(column ->
                assertThat(RecordLimits.utf8Length(column.getName())).isLessThanOrEqualTo(RecordLimits.LABEL_BYTES));
        assertThat(table.getRows().get(0)).hasSize(QueryAnswer.MAX_COLUMNS).allSatisfy(cell -> {
            assertThat(RecordLimits.utf8Length(cell)).isLessThanOrEqualTo(1_000).isGreaterThan(960);
            assertThat(cell).startsWith(face).endsWith("… [cut: 4000 bytes in all]");
        });
    }
}
