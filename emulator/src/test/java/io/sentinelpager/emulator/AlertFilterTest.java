package io.sentinelpager.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

class AlertFilterTest {

    private static ObjectNode alert(String lastUpdate, String status, String severity) {
        return JsonNodeFactory.instance.objectNode()
                .put("lastUpdateDateTime", lastUpdate)
                .put("createdDateTime", "2024-05-01T00:00:00Z")
                .put("status", status)
                .put("severity", severity)
                .put("serviceSource", "microsoftSentinel");
    }

    @Test
    void blankFilterMatchesEverything() {
        assertThat(AlertFilter.parse(null).test(alert("2024-05-01T10:00:00Z", "new", "low"))).isTrue();
        assertThat(AlertFilter.parse("  ").test(alert("2024-05-01T10:00:00Z", "new", "low"))).isTrue();
    }

    @Test
    void comparesDateTimesAtFullGraphPrecision() {
        ObjectNode alert = alert("2021-05-02T14:19:01.3266667Z", "new", "low");

        assertThat(AlertFilter.parse("lastUpdateDateTime ge 2021-05-02T14:19:01.3266667Z").test(alert)).isTrue();
        assertThat(AlertFilter.parse("lastUpdateDateTime gt 2021-05-02T14:19:01.3266667Z").test(alert)).isFalse();
        assertThat(AlertFilter.parse("lastUpdateDateTime gt 2021-05-02T14:19:01.3266666Z").test(alert)).isTrue();
        assertThat(AlertFilter.parse("lastUpdateDateTime lt 2021-05-02T14:19:01.3266667Z").test(alert)).isFalse();
        assertThat(AlertFilter.parse("lastUpdateDateTime le 2021-05-02T16:19:01.3266667+02:00").test(alert)).isTrue();
        assertThat(AlertFilter.parse("createdDateTime lt 2024-05-01T00:00:01Z").test(alert)).isTrue();
        // A bound finer than Graph's 100 ns: 1 ns after the alert's time, so the alert is before it.
        assertThat(AlertFilter.parse("lastUpdateDateTime lt 2021-05-02T14:19:01.326666701Z").test(alert)).isTrue();
        assertThat(AlertFilter.parse("lastUpdateDateTime ge 2021-05-02T14:19:01.326666701Z").test(alert)).isFalse();
    }

    @Test
    void graphsOwnTimeFormatSortsAsItsInstants() {
        String earlier = "2021-05-02T14:19:01.3266667Z";
        String later = "2021-05-02T14:19:01.3266668Z";
        assertThat(GraphTime.isCanonical(earlier)).isTrue();
        assertThat(GraphTime.isCanonical("2021-05-02T14:19:01Z")).isFalse();
        assertThat(GraphTime.isCanonical("2021-05-02T16:19:01.3266667+02")).isFalse();
        assertThat(Integer.signum(earlier.compareTo(later)))
                .isEqualTo(Integer.signum(GraphTime.parse(earlier).compareTo(GraphTime.parse(later)))).isEqualTo(-1);
        assertThat(GraphTime.format(GraphTime.parse(earlier))).isEqualTo(earlier);
    }

    @Test
    void combinesClausesWithAnd() {
        AlertFilter filter = AlertFilter.parse(
                "lastUpdateDateTime ge 2024-05-01T10:00:00Z and status eq 'new' and severity eq 'high'");

        assertThat(filter.test(alert("2024-05-01T10:00:00Z", "new", "high"))).isTrue();
        assertThat(filter.test(alert("2024-05-01T10:00:00Z", "new", "low"))).isFalse();
        assertThat(filter.test(alert("2024-05-01T10:00:00Z", "resolved", "high"))).isFalse();
        assertThat(filter.test(alert("2024-05-01T09:59:59Z", "new", "high"))).isFalse();
        assertThat(AlertFilter.parse("serviceSource eq 'microsoftSentinel'").test(alert("2024-05-01T10:00:00Z",
                "new", "high"))).isTrue();
    }

    @Test
    void rejectsWhatItDoesNotUnderstandWithAMessageThatSaysWhy() {
        assertThatThrownBy(() -> AlertFilter.parse("title eq 'x'"))
                .hasMessageContaining("filtering on 'title' is not supported");
        assertThatThrownBy(() -> AlertFilter.parse("status eq 'new' or status eq 'resolved'"))
                .hasMessageContaining("only 'and' may join clauses, found 'or'");
        assertThatThrownBy(() -> AlertFilter.parse("status ne 'new'"))
                .hasMessageContaining("operator 'ne' is not supported on status");
        assertThatThrownBy(() -> AlertFilter.parse("status eq new"))
                .hasMessageContaining("must be a quoted string");
        assertThatThrownBy(() -> AlertFilter.parse("severity eq 'critical'"))
                .hasMessageContaining("'critical' is not a member of the severity enumeration");
        assertThatThrownBy(() -> AlertFilter.parse("lastUpdateDateTime ge '2024-05-01T10:00:00Z'"))
                .hasMessageContaining("unquoted date-time literal");
        assertThatThrownBy(() -> AlertFilter.parse("lastUpdateDateTime ge yesterday"))
                .hasMessageContaining("'yesterday' is not an ISO-8601 date-time");
        assertThatThrownBy(() -> AlertFilter.parse("lastUpdateDateTime ge"))
                .hasMessageContaining("expected '<property> <operator> <value>'");
        assertThatThrownBy(() -> AlertFilter.parse("(status eq 'new')"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void quotedValuesMayContainSpacesAndEscapedQuotes() {
        // The tokenizer keeps a quoted literal whole; the enum check then rejects it by value.
        assertThatThrownBy(() -> AlertFilter.parse("status eq 'in progress'"))
                .hasMessageContaining("'in progress' is not a member");
        assertThatThrownBy(() -> AlertFilter.parse("status eq 'it''s'"))
                .hasMessageContaining("'it's' is not a member");
    }
}
