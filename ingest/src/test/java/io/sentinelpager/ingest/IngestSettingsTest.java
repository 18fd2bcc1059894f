package io.sentinelpager.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sentinelpager.platform.config.ConfigException;
import io.sentinelpager.platform.config.PagerConfig;
import io.sentinelpager.schemas.Severity;
import io.sentinelpager.testkit.Alerts;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class IngestSettingsTest {

    @Test
    void perConnectorFiltersAndIntervalsAreReadBesideTheConnector() {
        PagerConfig config = PagerConfig.empty().with(Map.of("connectors.contoso.filter.severity", "HIGH, medium",
                "connectors.contoso.filter.status", "new,inprogress", "connectors.contoso.poll.interval", "10s",
                "connectors.contoso.filter.service.source", "microsoftDefenderForEndpoint"));
        IngestConfig defaults = IngestConfig.from(config);
        ConnectorSettings settings = ConnectorSettings.from("contoso", config, defaults);

        assertThat(settings.pollInterval()).isEqualTo(Duration.ofSeconds(10));
        assertThat(settings.lookback()).isEqualTo(Duration.ofHours(24));
        assertThat(settings.scope().severities()).isEqualTo(Set.of("high", "medium"));
        assertThat(settings.scope().statuses()).isEqualTo(Set.of("new", "inProgress"));
        // Two severities cannot be one eq clause; status is never pushed to Graph (a paged alert must stay visible).
        assertThat(settings.scope().graphFilter()).isEqualTo("serviceSource eq 'microsoftDefenderForEndpoint'");
        assertThat(defaults.pollInterval()).isEqualTo(Duration.ofSeconds(30));
        assertThat(defaults.outageThreshold()).isEqualTo(Duration.ofMinutes(10));
    }

    @Test
    void anUnknownFilterValueFailsAtStartNamingTheSetting() {
        PagerConfig config = PagerConfig.empty().with(Map.of("connectors.contoso.filter.severity", "critical"));
        assertThatThrownBy(() -> ConnectorSettings.from("contoso", config, IngestConfig.from(config)))
                .isInstanceOf(ConfigException.class).hasMessageContaining("connectors.contoso.filter.severity")
                .hasMessageContaining("critical");
    }

    @Test
    void highSeverityTakesTheUrgentLaneUnlessTheSettingSaysOtherwise() {
        assertThat(IngestConfig.from(PagerConfig.empty()).urgentSeverities()).containsExactly(Severity.HIGH);
        assertThat(IngestConfig.from(PagerConfig.empty().with(Map.of("ingest.urgent.severities", "High, MEDIUM")))
                .urgentSeverities()).containsExactlyInAnyOrder(Severity.HIGH, Severity.MEDIUM);
        assertThat(IngestConfig.from(PagerConfig.empty().with(Map.of("ingest.urgent.severities", "none")))
                .urgentSeverities()).isEmpty();
        assertThatThrownBy(() -> IngestConfig.from(PagerConfig.empty().with(Map.of("ingest.urgent.severities",
                "critical")))).isInstanceOf(ConfigException.class).hasMessageContaining("ingest.urgent.severities");
    }

    @Test
    void anAlertGoesOnTheLaneOfItsSeverity() {
        Outbox out = new Outbox(0, new ConnectorHealthTrackerTest.AvroBinary(), Set.of(Severity.HIGH));
        out.alert(Alerts.alert("c1:high", Instant.EPOCH).build());
        out.alert(Alerts.alert("c1:medium", Instant.EPOCH).setSeverity(Severity.MEDIUM).build());

        assertThat(out.records()).extracting(r -> new String(r.key()) + " " + r.topic())
                .containsExactly("c1:high alerts.raw.urgent", "c1:medium alerts.raw");
    }

    @Test
    void theRequestBudgetAllowsABurstThenOneRequestPerShareOfAMinute() {
        Instant t0 = Instant.parse("2026-11-29T03:00:00Z");
        RequestBudget budget = new RequestBudget(150, t0);
        for (int i = 0; i < 150; i++) {
            assertThat(budget.take(t0)).isZero();
        }
        assertThat(budget.take(t0)).isEqualTo(Duration.ofMillis(400));
        assertThat(budget.take(t0.plusMillis(400))).isZero();
        assertThat(budget.take(t0.plusMillis(400))).isPositive();
    }

    @Test
    void connectorsShareOutByTheirPartitionAsKafkaPlacesTheirKey() {
        // Kafka's default partitioner on the string key: the connector's health record lands where its poller writes.
        assertThat(IngestLoop.partitionOf("contoso", 6)).isBetween(0, 5);
        assertThat(IngestLoop.partitionOf("contoso", 6)).isEqualTo(IngestLoop.partitionOf("contoso", 6));
    }
}
