package io.sentinelpager.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.microsoft.graph.models.security.Alert;
import com.microsoft.graph.models.security.AlertSeverity;
import com.microsoft.graph.models.security.AlertStatus;
import io.sentinelpager.azure.SourceAlert;
import io.sentinelpager.platform.config.ConfigException;
import io.sentinelpager.platform.config.PagerConfig;
import io.sentinelpager.schemas.SecurityAlert;
import io.sentinelpager.schemas.Severity;
import io.sentinelpager.schemas.SourceStatus;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AlertNormalizerTest {

    static final Instant NOW = Instant.parse("2026-11-29T03:00:00Z");
    final AlertNormalizer normalizer = new AlertNormalizer("contoso", AlertBounds.defaults());

    @Test
    void aGraphAlertBecomesOurRecordKeyedByConnectorAndId() {
        Alert alert = new Alert();
        alert.setId("da637551227677560813_-961444813");
        alert.setTitle("Suspicious execution of hidden file");
        alert.setDetectorId("7f1c3609-a3ff-40e2-995b-c01770161d68");
        alert.setSeverity(AlertSeverity.Low);
        alert.setStatus(AlertStatus.InProgress);
        alert.setCreatedDateTime(OffsetDateTime.parse("2021-04-27T12:19:27.7211305Z"));
        alert.setLastUpdateDateTime(OffsetDateTime.parse("2021-05-02T14:19:01.3266667Z"));

        SecurityAlert record = normalizer.normalize(new SourceAlert(alert, "{\"id\":\"x\"}"), NOW);

        assertThat(record.getAlertKey()).isEqualTo("contoso:da637551227677560813_-961444813");
        assertThat(record.getSeverity()).isEqualTo(Severity.LOW);
        assertThat(record.getDetectorId()).as("the detection, which rule-noise reports count by")
                .isEqualTo("7f1c3609-a3ff-40e2-995b-c01770161d68");
        assertThat(record.getStatus()).isEqualTo(SourceStatus.IN_PROGRESS);
        // Avro's timestamp-millis keeps milliseconds; the watermark compares at the same precision.
        assertThat(record.getLastUpdatedAt()).isEqualTo(Instant.parse("2021-05-02T14:19:01.326Z"));
        assertThat(record.getSourceJson()).isEqualTo("{\"id\":\"x\"}");
        assertThat(record.getIngestedAt()).isEqualTo(NOW);
    }

    @Test
    void missingOrUnknownValuesNeverDropTheAlert() {
        Alert alert = new Alert();
        alert.setId("a1");
        alert.setSeverity(AlertSeverity.UnknownFutureValue);

        SecurityAlert record = normalizer.normalize(new SourceAlert(alert, "{}"), NOW);

        assertThat(record.getTitle()).isEqualTo("Alert a1");
        assertThat(record.getSeverity()).isEqualTo(Severity.UNKNOWN);
        assertThat(record.getStatus()).isEqualTo(SourceStatus.UNKNOWN);
        assertThat(record.getCreatedAt()).isEqualTo(NOW);
    }

    @Test
    void anAlertWithoutIdIsRejectedNamingTheConnector() {
        assertThatThrownBy(() -> normalizer.normalize(new SourceAlert(new Alert(), "{}"), NOW))
                .hasMessageContaining("connector contoso").hasMessageContaining("without an id");
    }

    @Test
    void settingsOutOfRangeAreRejectedWithTheirName() {
        assertThatThrownBy(() -> IngestConfig.from(PagerConfig.empty().with(Map.of("ingest.page.size", "5000"))))
                .isInstanceOf(ConfigException.class).hasMessageContaining("ingest.page.size")
                .hasMessageContaining("between 1 and 1000");
        assertThatThrownBy(() -> IngestConfig.from(PagerConfig.empty().with(Map.of("ingest.poll.interval", "0s"))))
                .hasMessageContaining("ingest.poll.interval");
    }
}
