package io.sentinelpager.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sentinelpager.azure.SentinelAlert;
import io.sentinelpager.azure.SentinelAlertId;
import io.sentinelpager.azure.SentinelIncident;
import io.sentinelpager.emulator.SampleAlerts;
import io.sentinelpager.schemas.AlertSource;
import io.sentinelpager.schemas.IngestSeen;
import io.sentinelpager.schemas.SecurityAlert;
import io.sentinelpager.schemas.Severity;
import io.sentinelpager.schemas.SourceStatus;
import io.sentinelpager.schemas.SyncCommand;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Normalization of Microsoft's published Sentinel incident and incident-alerts payloads. */
class SentinelNormalizerTest {

    static final Instant NOW = Instant.parse("2026-11-29T03:00:00Z");
    static final String INCIDENT = "73e01a99-5cd7-4139-a149-9f2736ff2ab5";
    static final String ALERT = "baa8a239-6fde-4ab7-a093-d09f7b75c58c";

    final SentinelNormalizer normalizer = new SentinelNormalizer("contoso", "tenant-1", AlertBounds.defaults());

    @Test
    void anAlertOfThePublishedIncidentTakesItsTextFromTheAlertAndItsStateFromTheIncident() {
        SecurityAlert alert = normalizer.normalize(incident(), alert(), NOW);

        assertThat(alert.getAlertKey()).isEqualTo("contoso:" + INCIDENT + ":" + ALERT);
        assertThat(alert.getAlertId()).isEqualTo(INCIDENT + ":" + ALERT);
        assertThat(SentinelAlertId.parse(alert.getAlertId()).incidentName()).isEqualTo(INCIDENT);
        assertThat(alert.getSource()).isEqualTo(AlertSource.SENTINEL);
        assertThat(alert.getIncidentId()).as("the group key of groupByIncident").isEqualTo(INCIDENT);
        assertThat(alert.getProviderAlertId()).as("SystemAlertId, which enrich looks up").isEqualTo(ALERT);
        assertThat(alert.getTenantId()).isEqualTo("tenant-1");
        assertThat(alert.getTitle()).isEqualTo("myAlert");
        assertThat(alert.getDescription()).as("the alert has none: the incident's").isEqualTo("This is a demo incident");
        assertThat(alert.getSeverity()).as("the alert's, not the incident's High").isEqualTo(Severity.LOW);
        assertThat(alert.getProductName()).isEqualTo("Azure Security Center");
        assertThat(alert.getServiceSource()).isEqualTo("microsoftSentinel");
        assertThat(alert.getCategory()).as("the alert has no tactics: the incident's").isEqualTo("Persistence");
        // The analyst's decisions live on the incident: Closed as FalsePositive by john.
        assertThat(alert.getStatus()).isEqualTo(SourceStatus.RESOLVED);
        assertThat(alert.getClassification()).isEqualTo("falsePositive");
        assertThat(alert.getAssignedTo()).isEqualTo("john@contoso.com");
        assertThat(alert.getIncidentWebUrl()).startsWith("https://portal.azure.com/");
        assertThat(alert.getCreatedAt()).as("timestamp-millis").isEqualTo(Instant.parse("2020-07-20T18:21:53.615Z"));
        assertThat(alert.getLastUpdatedAt()).as("the incident's version").isEqualTo(Instant.parse("2019-01-01T13:15:30Z"));
        assertThat(alert.getSourceJson()).contains("\"incident\":").contains("\"alert\":")
                .contains("resourceIdentifiers").contains("IncorrectAlertLogic");
    }

    @Test
    void anIncidentWithoutAlertsIsPagedItself() {
        SecurityAlert alert = normalizer.normalize(incident(), null, NOW);
        assertThat(alert.getAlertId()).isEqualTo(INCIDENT);
        assertThat(alert.getTitle()).isEqualTo("My incident");
        assertThat(alert.getSeverity()).isEqualTo(Severity.HIGH);
        assertThat(alert.getProviderAlertId()).isNull();
        assertThat(alert.getProductName()).isEqualTo("Azure Sentinel");
    }

    @Test
    void statusAndClassificationReadInGraphsWordsAndUndeterminedAsNone() {
        ObjectNode json = SampleAlerts.published("sentinel-incident-get.response.json");
        ((ObjectNode) json.get("properties")).put("status", "Active").put("classification", "Undetermined")
                .put("severity", "SomethingNew").remove("owner");
        SecurityAlert alert = normalizer.normalize(SentinelIncident.fromJson(json), null, NOW);
        assertThat(alert.getStatus()).isEqualTo(SourceStatus.IN_PROGRESS);
        assertThat(alert.getClassification()).isNull();
        assertThat(alert.getAssignedTo()).isNull();
        assertThat(alert.getSeverity()).as("a severity Sentinel adds later pages loudly").isEqualTo(Severity.UNKNOWN);
    }

    @Test
    void anIncidentWithoutNameCannotBePagedAndSaysWhy() {
        ObjectNode json = SampleAlerts.published("sentinel-incident-get.response.json");
        json.remove("name");
        assertThatThrownBy(() -> normalizer.normalize(SentinelIncident.fromJson(json), alert(), NOW))
                .isInstanceOf(AlertNormalizer.UnusableAlertException.class)
                .hasMessageContaining("connector contoso").hasMessageContaining("Sentinel incident name");
    }

    @Test
    void closingTheIncidentInSentinelBecomesAnActionButOurOwnCloseDoesNot() {
        ObjectNode open = SampleAlerts.published("sentinel-incident-get.response.json");
        ObjectNode p = (ObjectNode) open.get("properties");
        p.put("status", "New").put("lastModifiedTimeUtc", "2026-11-29T02:00:00Z").remove(
                java.util.List.of("classification", "classificationReason", "owner"));
        AlertTriage triage = new AlertTriage("contoso", AlertScope.ALL, new SeenRetention(Duration.ofDays(30)));
        Map<String, IngestSeen> seen = new HashMap<>();
        OurWrites ours = new OurWrites(Set.of("contoso"));
        AlertTriage.Outcome first = triage.triage(item(open), seen::get, ours, NOW, false);
        assertThat(first).isInstanceOf(AlertTriage.New.class);
        seen.put(first.seen().getAlertKey(), first.seen());

        // The published incident: closed as FalsePositive by john, later than we read it.
        ObjectNode closed = SampleAlerts.published("sentinel-incident-get.response.json");
        ((ObjectNode) closed.get("properties")).put("lastModifiedTimeUtc", "2026-11-29T02:30:00Z");
        AlertTriage.Outcome analyst = triage.triage(item(closed), seen::get, ours, NOW, false);
        assertThat(analyst).isInstanceOfSatisfying(AlertTriage.Changed.class, c -> {
            assertThat(c.action().getSourceStatus()).isEqualTo(SourceStatus.RESOLVED);
            assertThat(c.action().getClassification()).isEqualTo("falsePositive");
            assertThat(c.action().getComment()).contains("assigned to john@contoso.com");
        });

        // Had syncback been asked to write exactly that, it is our echo.
        ours.add(SyncCommand.newBuilder().setCommandId("close-1").setAlertKey(first.seen().getAlertKey())
                .setConnectorId("contoso").setSource(AlertSource.SENTINEL).setAlertId(INCIDENT + ":" + ALERT)
                .setTargetStatus(SourceStatus.RESOLVED).setAssignedTo("john@contoso.com")
                .setClassification("falsePositive").setRequestedAt(NOW).build());
        assertThat(triage.triage(item(closed), seen::get, ours, NOW, false)).isInstanceOf(AlertTriage.Echo.class);
    }

    private SourceItem item(ObjectNode incidentJson) {
        SentinelIncident incident = SentinelIncident.fromJson(incidentJson);
        // Generated shortly before it is read: the published sample's alert of 2020 would be one that ingest may
        // have paged and forgotten since, which is a change when read again, not a new alert (SeenRetention).
        ObjectNode json = (ObjectNode) SampleAlerts.published("sentinel-incident-alerts.response.json").get("value")
                .get(0);
        ((ObjectNode) json.get("properties")).put("timeGenerated", "2026-11-29T01:59:00Z");
        SentinelAlert alert = SentinelAlert.fromJson(json);
        return new SourceItem(INCIDENT + ":" + ALERT, incident.properties().lastModifiedTimeUtc(),
                SentinelNormalizer.sourceJson(incident, alert), now -> normalizer.normalize(incident, alert, now),
                List.of());
    }

    private static SentinelIncident incident() {
        return SentinelIncident.fromJson((ObjectNode) SampleAlerts.published("sentinel-incidents-list.response.json")
                .get("value").get(0));
    }

    private static SentinelAlert alert() {
        return SentinelAlert.fromJson((ObjectNode) SampleAlerts.published("sentinel-incident-alerts.response.json")
                .get("value").get(0));
    }
}
