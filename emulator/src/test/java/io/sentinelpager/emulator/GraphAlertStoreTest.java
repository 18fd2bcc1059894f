package io.sentinelpager.emulator;

import io.sentinelpager.testkit.MutableClock;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class GraphAlertStoreTest {

    private static final Instant T0 = Instant.parse("2026-05-05T08:30:00.123456789Z");
    private static final String TENANT = "6f1c1a3e-4b7d-4c55-9a0e-2d8b5f3c9e71";

    private final MutableClock clock = new MutableClock(T0);
    private final GraphAlertStore store = new GraphAlertStore(clock, TENANT);

    private static ObjectNode object() {
        return JsonNodeFactory.instance.objectNode();
    }

    @Test
    void completesAPartialAlertTheWayDefenderWould() {
        ObjectNode stored = store.add(object().put("title", "Test alert").put("incidentId", "42"));

        String id = stored.get("id").asText();
        // 18 digits of .NET ticks for T0, then a signed int.
        assertThat(id).matches("da" + GraphTime.ticks(GraphTime.now(clock)) + "_-?\\d+");
        assertThat(stored.get("@odata.type").asText()).isEqualTo("#microsoft.graph.security.alert");
        assertThat(stored.get("providerAlertId").asText()).isEqualTo(id);
        assertThat(stored.get("tenantId").asText()).isEqualTo(TENANT);
        assertThat(stored.get("status").asText()).isEqualTo("new");
        assertThat(stored.get("classification").asText()).isEqualTo("unknown");
        assertThat(stored.get("createdDateTime").asText()).isEqualTo("2026-05-05T08:30:00.1234567Z");
        assertThat(stored.get("lastUpdateDateTime").asText()).isEqualTo("2026-05-05T08:30:00.1234567Z");
        assertThat(stored.get("alertWebUrl").asText())
                .isEqualTo("https://security.microsoft.com/alerts/" + id + "?tid=" + TENANT);
        assertThat(stored.get("incidentWebUrl").asText())
                .isEqualTo("https://security.microsoft.com/incidents/42?tid=" + TENANT);
        assertThat(stored.get("evidence").isArray()).isTrue();
        assertThat(store.get(id)).contains(stored);
    }

    @Test
    void keepsAPublishedAlertAsPublished() {
        ObjectNode published = SampleAlerts.published("graph-alert-get.response.json");

        assertThat(store.add(published)).isEqualTo(published);
    }

    @Test
    void rejectsInvalidAlertsAndDuplicateIds() {
        assertThatThrownBy(() -> store.add(object().put("severity", "critical")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'critical' was not found in the severity enumeration");
        assertThatThrownBy(() -> store.add(object().put("lastUpdateDateTime", "yesterday")))
                .isInstanceOf(IllegalArgumentException.class);
        store.add(object().put("id", "a1"));
        assertThatThrownBy(() -> store.add(object().put("id", "a1"))).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void returnsCopiesSoCallersCannotChangeStoredState() {
        ObjectNode stored = store.add(object().put("id", "a1"));
        stored.put("status", "resolved");
        store.get("a1").orElseThrow().put("status", "resolved");

        assertThat(store.get("a1").orElseThrow().get("status").asText()).isEqualTo("new");
    }

    @Test
    void listsByLastUpdateThenIdAndPagesAfterACursor() {
        store.add(object().put("id", "b").put("lastUpdateDateTime", "2024-01-01T00:00:02Z"));
        store.add(object().put("id", "c").put("lastUpdateDateTime", "2024-01-01T00:00:01Z"));
        store.add(object().put("id", "a").put("lastUpdateDateTime", "2024-01-01T00:00:02Z"));

        assertThat(ids(store.all())).containsExactly("c", "a", "b");
        List<ObjectNode> first = store.page(AlertFilter.ALL, null, 2);
        assertThat(ids(first)).containsExactly("c", "a");
        AlertCursor cursor = AlertCursor.decode(GraphAlertStore.cursorOf(first.get(1)).encode());
        assertThat(ids(store.page(AlertFilter.ALL, cursor, 2))).containsExactly("b");
    }

    @Test
    void pagesByOffsetInAnotherOrderSoThatAnUpdateBetweenPagesShiftsTheRest() {
        for (String id : List.of("a", "b", "c", "d")) {
            store.add(object().put("id", id));
            clock.advance(Duration.ofSeconds(1));
        }
        assertThat(ids(store.page(AlertFilter.ALL, AlertListing.NEWEST_FIRST.order(), 0, 2)))
                .containsExactly("d", "c");
        List<ObjectNode> first = store.page(AlertFilter.ALL, AlertListing.OLDEST_UPDATE_FIRST_BY_OFFSET.order(), 0, 2);
        assertThat(ids(first)).containsExactly("a", "b");

        store.update("a", object().put("status", "inProgress"));

        // "a" went to the end, so "c" moved up into the first page, which was already served.
        assertThat(ids(store.page(AlertFilter.ALL, AlertListing.OLDEST_UPDATE_FIRST_BY_OFFSET.order(), 2, 2)))
                .containsExactly("d", "a");
        assertThat(store.count(AlertFilter.ALL)).isEqualTo(4);
    }

    @Test
    void updateChangesOnlyWhatGraphAllowsAndBumpsLastUpdate() {
        store.add(object().put("id", "a1").put("title", "Original"));
        clock.advance(Duration.ofMinutes(5));

        ObjectNode updated = store.update("a1", object()
                .put("@odata.type", "#microsoft.graph.security.alert")
                .put("status", "resolved")
                .put("assignedTo", "secAdmin@contoso.com")
                .put("classification", "truePositive")
                .put("determination", "malware")).orElseThrow();

        assertThat(updated.get("status").asText()).isEqualTo("resolved");
        assertThat(updated.get("assignedTo").asText()).isEqualTo("secAdmin@contoso.com");
        assertThat(updated.get("determination").asText()).isEqualTo("malware");
        assertThat(updated.get("title").asText()).isEqualTo("Original");
        assertThat(updated.get("lastUpdateDateTime").asText()).isEqualTo("2026-05-05T08:35:00.1234567Z");
        assertThat(updated.get("resolvedDateTime").asText()).isEqualTo("2026-05-05T08:35:00.1234567Z");

        ObjectNode reopened = store.update("a1", object().put("status", "inProgress").putNull("assignedTo"))
                .orElseThrow();
        assertThat(reopened.get("resolvedDateTime").isNull()).isTrue();
        assertThat(reopened.get("assignedTo").isNull()).isTrue();
        assertThat(store.update("missing", object().put("status", "new"))).isEmpty();
    }

    @Test
    void updateRejectsReadOnlyPropertiesAndUnknownMembers() {
        store.add(object().put("id", "a1"));

        assertThatThrownBy(() -> store.update("a1", object().put("title", "x")))
                .hasMessageContaining("'title' cannot be updated");
        assertThatThrownBy(() -> store.update("a1", object().put("status", "closed")))
                .hasMessageContaining("'closed' was not found in the status enumeration");
        assertThatThrownBy(() -> store.update("a1", object().put("status", "unknownFutureValue")))
                .hasMessageContaining("was not found");
        assertThatThrownBy(() -> store.update("a1", object().putNull("classification")))
                .hasMessageContaining("cannot be set to null");
        assertThatThrownBy(() -> store.update("a1", object().put("@odata.type", "#microsoft.graph.user")))
                .hasMessageContaining("'#microsoft.graph.user' was found, but it is not assignable to the expected"
                        + " type 'microsoft.graph.security.alert'");
        assertThat(store.update("a1", object().put("@odata.type", "microsoft.graph.security.alert")
                .put("status", "inProgress"))).isPresent();
    }

    @Test
    void commentsAccumulateAndCountAsAnUpdate() {
        store.add(object().put("id", "a1"));
        clock.advance(Duration.ofSeconds(10));

        store.addComment("a1", "first", "Sentinel Pager");
        List<ObjectNode> comments = store.addComment("a1", "second", "Sentinel Pager").orElseThrow();

        assertThat(comments).extracting(c -> c.get("comment").asText()).containsExactly("first", "second");
        assertThat(comments.get(1).get("createdByDisplayName").asText()).isEqualTo("Sentinel Pager");
        assertThat(store.get("a1").orElseThrow().get("lastUpdateDateTime").asText())
                .isEqualTo("2026-05-05T08:30:10.1234567Z");
        assertThat(store.addComment("missing", "x", "y")).isEmpty();
    }

    @Test
    void sampleAlertsAreFreshAndAcceptedByTheStore() {
        ObjectNode defender = store.add(SampleAlerts.defenderEndpoint());
        ObjectNode sentinel = store.add(SampleAlerts.sentinelScheduled());

        assertThat(defender.get("id").asText()).isNotEqualTo("da637578995287051192_756343937");
        assertThat(defender.get("tenantId").asText()).isEqualTo(TENANT);
        assertThat(defender.get("evidence")).hasSize(4);
        for (JsonNode evidence : defender.get("evidence")) {
            assertThat(evidence.get("createdDateTime").asText()).isEqualTo(defender.get("createdDateTime").asText());
        }
        assertThat(sentinel.get("serviceSource").asText()).isEqualTo("microsoftSentinel");
        assertThat(sentinel.get("lastUpdateDateTime").asText()).isEqualTo("2026-05-05T08:30:00.1234567Z");

        Random random = new Random(7);
        for (int i = 0; i < 50; i++) {
            ObjectNode alert = store.add(SampleAlerts.random(random));
            assertThat(alert.get("title").asText()).isNotBlank();
            assertThat(alert.get("evidence")).isNotEmpty();
        }
        assertThat(SampleAlerts.random(new Random(1))).isEqualTo(SampleAlerts.random(new Random(1)));
    }

    private static List<String> ids(List<ObjectNode> alerts) {
        return alerts.stream().map(a -> a.get("id").asText()).toList();
    }
}
