package io.sentinelpager.azure;

import io.sentinelpager.platform.config.Secret;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.microsoft.graph.models.security.Alert;
import com.microsoft.graph.models.security.AlertStatus;
import com.microsoft.graph.models.security.DetectionSource;
import com.microsoft.graph.models.security.ServiceSource;
import io.sentinelpager.emulator.AzureEmulator;
import io.sentinelpager.emulator.EmulatorOptions;
import io.sentinelpager.emulator.SampleAlerts;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real Graph SDK and azure-identity against the Azure emulator, over TLS, as production runs them. */
class GraphAlertsClientIT {

    /** A wrong secret; LogGrepIT looks for it in the logs too. */
    static final String WRONG_SECRET = "Wr08Q~this-is-not-the-secret-value";

    private static final Instant T0 = Instant.parse("2026-05-05T10:00:00Z");
    /** The emulator's "now", an hour after the seeded alerts, so a PATCH visibly moves lastUpdateDateTime. */
    private static final Instant NOW = T0.plus(Duration.ofHours(1));

    private final EmulatorOptions options = EmulatorOptions.defaults().withClock(Clock.fixed(NOW, ZoneOffset.UTC));
    private AzureEmulator emulator;
    private ConnectorConfig config;

    @BeforeEach
    void start(@TempDir Path dir) {
        emulator = AzureEmulator.start(options);
        config = EmulatedTenant.connector(emulator, dir);
    }

    @AfterEach
    void stop() {
        emulator.close();
    }

    @Test
    void listsSevenAlertsInPagesOfThree() {
        List<String> seeded = seedSevenAlertsOneSecondApart();

        List<String> listed = new ArrayList<>();
        List<Integer> sizes = new ArrayList<>();
        try (GraphAlertsClient client = GraphAlertsClient.create(config)) {
            AlertPage page = client.listUpdatedSince(T0, 3);
            while (true) {
                page.alerts().forEach(a -> listed.add(a.alert().getId()));
                sizes.add(page.alerts().size());
                if (!page.hasNext()) {
                    break;
                }
                page = client.nextPage(page.nextLink().orElseThrow());
            }
        }

        assertThat(sizes).containsExactly(3, 3, 1);
        assertThat(listed).isEqualTo(seeded);
    }

    @Test
    void filtersByTheLastUpdateWatermarkInclusively() {
        List<String> seeded = seedSevenAlertsOneSecondApart();

        try (GraphAlertsClient client = GraphAlertsClient.create(config)) {
            AlertPage page = client.listUpdatedSince(T0.plusSeconds(4), 100);

            assertThat(page.alerts()).extracting(a -> a.alert().getId()).isEqualTo(seeded.subList(4, 7));
            assertThat(page.hasNext()).isFalse();
            assertThat(client.listUpdatedSince(NOW.plusSeconds(1), 100).alerts()).isEmpty();
        }
    }

    @Test
    void keepsTheAlertAsJsonForAudit() {
        String id = emulator.alerts().add(SampleAlerts.defenderEndpoint()).get("id").asText();

        try (GraphAlertsClient client = GraphAlertsClient.create(config)) {
            SourceAlert source = client.listUpdatedSince(T0, 10).alerts().get(0);

            assertThat(source.alert().getId()).isEqualTo(id);
            assertThat(source.alert().getEvidence()).hasSize(4);
            assertThat(source.json())
                    .contains("\"id\":\"" + id + "\"")
                    .contains("\"title\":\"Suspicious execution of hidden file\"")
                    .contains("#microsoft.graph.security.deviceEvidence")
                    .contains("\"mdeDeviceId\":\"73e7e2de709dff64ef64b1d0c30e67fab63279db\"");
        }
    }

    @Test
    void patchChangesTheStoredAlert() {
        String id = emulator.alerts().add(SampleAlerts.defenderEndpoint()
                .put("lastUpdateDateTime", "2026-05-05T10:00:00Z")).get("id").asText();

        try (GraphAlertsClient client = GraphAlertsClient.create(config)) {
            Alert updated = client.updateAlert(id, new AlertUpdate(AlertStatus.InProgress, "oncall@contoso.com", null, null));

            assertThat(updated.getStatus()).isEqualTo(AlertStatus.InProgress);
            assertThat(updated.getLastUpdateDateTime().toInstant()).isEqualTo(NOW);
        }
        ObjectNode stored = emulator.alerts().get(id).orElseThrow();
        assertThat(stored.get("status").asText()).isEqualTo("inProgress");
        assertThat(stored.get("assignedTo").asText()).isEqualTo("oncall@contoso.com");
        assertThat(stored.get("classification").asText()).as("unchanged").isEqualTo("unknown");
    }

    @Test
    void sendsPreferSoSentinelAlertsKeepTheirSource() {
        emulator.alerts().add(SampleAlerts.sentinelScheduled());

        try (GraphAlertsClient client = GraphAlertsClient.create(config)) {
            SourceAlert sentinel = client.listUpdatedSince(T0, 10).alerts().get(0);

            assertThat(sentinel.alert().getServiceSource()).isEqualTo(ServiceSource.MicrosoftSentinel);
            assertThat(sentinel.alert().getDetectionSource()).isEqualTo(DetectionSource.ScheduledAlerts);
            assertThat(sentinel.json()).contains("\"serviceSource\":\"microsoftSentinel\"");
        }
    }

    @Test
    void aWrongSecretFailsClearlyWithoutShowingIt() {
        String wrong = WRONG_SECRET;
        ConnectorConfig wrongSecret = new ConnectorConfig(config.id(), config.tenantId(), config.clientId(),
                Secret.of(wrong), config.authorityHost(), config.graphBaseUrl(), config.extraTrustedCertificate(),
                config.requestTimeout());

        GraphCallException failure;
        try (GraphAlertsClient client = GraphAlertsClient.create(wrongSecret)) {
            failure = catchThrowableOfType(GraphCallException.class, () -> client.listUpdatedSince(T0, 10));
        }

        assertThat(failure.getMessage())
                .startsWith("connector 'contoso': listAlerts failed: Entra ID refused a token for app "
                        + options.clientId() + " in tenant " + options.tenantId()
                        + ": AADSTS7000215: Invalid client secret provided.");
        assertThat(failure.errorCode()).contains("AADSTS7000215");
        assertThat(failure.retriable()).isFalse();
        StringWriter trace = new StringWriter();
        failure.printStackTrace(new PrintWriter(trace));
        assertThat(trace.toString()).doesNotContain(wrong).doesNotContain(options.clientSecret());
    }

    @Test
    void graphErrorsNameTheOperationAlertAndStatus() {
        try (GraphAlertsClient client = GraphAlertsClient.create(config)) {
            GraphCallException failure = catchThrowableOfType(GraphCallException.class,
                    () -> client.updateAlert("da000000000000000000_1", AlertUpdate.status(AlertStatus.Resolved)));

            assertThat(failure.getMessage()).isEqualTo("connector 'contoso': updateAlert of alert da000000000000000000_1"
                    + " failed: HTTP 404 NotFound: The alert 'da000000000000000000_1' was not found.");
            assertThat(failure.httpStatus()).isEqualTo(404);
            assertThat(failure.errorCode()).contains("NotFound");
            assertThat(failure.retriable()).isFalse();
        }
    }

    @Test
    void noAnswerIsRetriable() {
        ConnectorConfig unreachable = config.withAuthorityHost(URI.create("https://127.0.0.1:1/"))
                .withRequestTimeout(Duration.ofSeconds(5));

        try (GraphAlertsClient client = GraphAlertsClient.create(unreachable)) {
            GraphCallException failure = catchThrowableOfType(GraphCallException.class,
                    () -> client.listUpdatedSince(T0, 10));

            assertThat(failure.retriable()).as(failure.getMessage()).isTrue();
            assertThat(failure.httpStatus()).isZero();
        }
    }

    private List<String> seedSevenAlertsOneSecondApart() {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            String at = T0.plusSeconds(i).toString();
            ObjectNode alert = SampleAlerts.random(new Random(i)).put("createdDateTime", at).put("lastUpdateDateTime", at);
            ids.add(emulator.alerts().add(alert).get("id").asText());
        }
        return ids;
    }
}
