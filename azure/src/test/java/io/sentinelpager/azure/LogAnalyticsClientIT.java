package io.sentinelpager.azure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sentinelpager.emulator.AzureEmulator;
import io.sentinelpager.emulator.EmulatorOptions;
import io.sentinelpager.emulator.LoggedRequest;
import io.sentinelpager.emulator.SampleAlerts;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Microsoft's LogsQueryClient, with the real credential, against the emulated Log Analytics. */
class LogAnalyticsClientIT {

    private static final String WORKSPACE_ID = "c8c99641-985d-4e4e-8e91-fb3466cd0e5b";
    private static final Instant START = Instant.parse("2023-07-24T00:00:00Z");
    private static final Instant END = Instant.parse("2023-07-25T00:00:00Z");

    private final EmulatorOptions options = EmulatorOptions.defaults();
    private AzureEmulator emulator;
    private ConnectorConfig config;

    @BeforeEach
    void start(@TempDir Path dir) {
        emulator = AzureEmulator.start(options);
        config = EmulatedTenant.connector(emulator, dir)
                .withSentinelWorkspace(new AzureWorkspace("d0cfe6b2-9ac0-4464-9919-dccaee2e48c0", "myRg", "myWorkspace",
                        Optional.of(WORKSPACE_ID)));
    }

    @AfterEach
    void stop() {
        emulator.close();
    }

    @Test
    void readsSecurityAlertRowsWithTheirExtendedProperties() throws Exception {
        emulator.logAnalytics().seedSecurityAlerts(WORKSPACE_ID);

        LogQueryResult result;
        try (CapturedLogs logs = new CapturedLogs();
             LogAnalyticsClient client = LogAnalyticsClient.create(config)) {
            result = client.query("SecurityAlert | where SystemAlertId == 'x'", START, END);

            String text = logs.text();
            assertThat(text).as("the SDK logged the call").contains("/v1/workspaces/" + WORKSPACE_ID + "/query").doesNotContain(options.clientSecret());
            emulator.issuedAccessTokens().forEach(token -> assertThat(text).doesNotContain(token));
        }

        assertThat(result.partialError()).isEmpty();
        LogTable table = result.primary();
        assertThat(table.columns()).contains(new LogTable.Column("TimeGenerated", "datetime"),
                new LogTable.Column("IsIncident", "bool"), new LogTable.Column("ConfidenceScore", "real"));
        assertThat(table.rows()).hasSize(2);
        LogTable.Row alert = table.rows().get(0);
        assertThat(alert.string("ProviderName")).isEqualTo("ASI Scheduled Alerts");
        assertThat(alert.string("ProductComponentName")).isEqualTo("Scheduled Alerts");
        assertThat(alert.instant("TimeGenerated")).isEqualTo(Instant.parse("2023-07-24T20:29:01.8010707Z"));
        assertThat(alert.bool("IsIncident")).isFalse();
        JsonNode extended = new ObjectMapper().readTree(alert.string("ExtendedProperties"));
        assertThat(extended.get("Query").asText()).endsWith("union AzureActivity").contains("set query_now = datetime(");
        assertThat(extended.get("Search Query Results Overall Count").asText()).isEqualTo("12");
        assertThat(emulator.requests().of("loganalytics.query")).extracting(LoggedRequest::status).containsExactly(200);
    }

    @Test
    void aPartialErrorComesBackWithTheRowsThatWereRead() {
        ObjectNode partial = SampleAlerts.published("la-query-post.response.json");
        partial.putObject("error").put("code", "PartialError")
                .put("message", "There were some errors when processing your query.");
        emulator.logAnalytics().answer(WORKSPACE_ID, "Usage | take 10", partial);

        try (LogAnalyticsClient client = LogAnalyticsClient.create(config)) {
            LogQueryResult result = client.query("Usage | take 10", START, END);

            assertThat(result.partialError()).contains(new LogQueryResult.PartialError("PartialError",
                    "There were some errors when processing your query."));
            assertThat(result.primary().rows()).isNotEmpty();
        }
    }

    @Test
    void aMissingRoleFailsOnceNamingLogAnalyticsReader() {
        emulator.logAnalytics().seedSecurityAlerts(WORKSPACE_ID);
        emulator.faults().revoke("loganalytics.query");

        try (LogAnalyticsClient client = LogAnalyticsClient.create(config)) {
            AzureCallException failure = catchThrowableOfType(AzureCallException.class,
                    () -> client.query("SecurityAlert", START, END));

            assertThat(failure.httpStatus()).isEqualTo(403);
            assertThat(failure.retriable()).isFalse();
            assertThat(failure.getMessage()).contains("needs the Azure role Log Analytics Reader on workspace myWorkspace");
        }
        assertThat(emulator.requests().of("loganalytics.query")).hasSize(1);
    }
}
