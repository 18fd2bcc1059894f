package io.sentinelpager.azure;

import static org.assertj.core.api.Assertions.assertThat;

import io.sentinelpager.emulator.AzureEmulator;
import io.sentinelpager.emulator.EmulatorOptions;
import io.sentinelpager.emulator.LoggedRequest;
import io.sentinelpager.emulator.SampleAlerts;
import io.sentinelpager.testkit.MutableClock;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A connector asks Entra ID for a token once per client and scope, not once per call, and once more
 * when that token expires. The emulator's request log counts the token requests. The clients and
 * the emulator share one clock, as production's client and Entra share real time, so a token expires
 * for both when the test moves the clock.
 */
class TokenCacheIT {

    private static final Instant T0 = Instant.parse("2026-05-05T10:00:00Z");
    private static final String WORKSPACE_ID = "c8c99641-985d-4e4e-8e91-fb3466cd0e5b";
    private static final Instant LA_START = Instant.parse("2023-07-24T00:00:00Z");
    private static final Instant LA_END = Instant.parse("2023-07-25T00:00:00Z");

    private final MutableClock clock = new MutableClock(T0);
    private final EmulatorOptions options = EmulatorOptions.defaults().withClock(clock);
    private AzureEmulator emulator;
    private ConnectorConfig config;

    @BeforeEach
    void start(@TempDir Path dir) {
        emulator = AzureEmulator.start(options);
        config = EmulatedTenant.connector(emulator, dir)
                .withSentinelWorkspace(new AzureWorkspace("d0cfe6b2-9ac0-4464-9919-dccaee2e48c0", "myRg",
                        "myWorkspace", Optional.of(WORKSPACE_ID)));
        Random random = new Random(7);
        for (int i = 0; i < 5; i++) {
            emulator.alerts().add(SampleAlerts.random(random).put("createdDateTime", T0.toString())
                    .put("lastUpdateDateTime", T0.toString()));
        }
        emulator.logAnalytics().seedSecurityAlerts(WORKSPACE_ID);
    }

    @AfterEach
    void stop() {
        emulator.close();
    }

    @Test
    void manyCallsCostOneTokenRequestPerClientAndScope() {
        try (GraphAlertsClient alerts = GraphAlertsClient.create(config, clock);
             GraphIncidentsClient incidents = GraphIncidentsClient.create(config, clock);
             LogAnalyticsClient logs = LogAnalyticsClient.create(config, clock);
             SentinelIncidentsClient sentinel = SentinelIncidentsClient.create(config, clock)) {
            for (int i = 0; i < 50; i++) {
                assertThat(alerts.listUpdatedSince(T0.minus(Duration.ofDays(1)), 10).alerts()).hasSize(5);
            }
            assertThat(tokenRequests()).as("Graph alerts: 50 calls").isEqualTo(1);
            for (int i = 0; i < 10; i++) {
                incidents.listUpdatedSince(T0.minus(Duration.ofDays(1)), 10);
            }
            assertThat(tokenRequests()).as("Graph incidents, a second credential: 10 calls").isEqualTo(2);
            for (int i = 0; i < 20; i++) {
                assertThat(logs.query("SecurityAlert | take 1", LA_START, LA_END).primary().rows()).isNotEmpty();
            }
            assertThat(tokenRequests()).as("Log Analytics: 20 queries").isEqualTo(3);
            for (int i = 0; i < 20; i++) {
                sentinel.listModifiedSince(T0.minus(Duration.ofDays(1)), 10);
            }
            assertThat(tokenRequests()).as("Sentinel ARM: 20 calls").isEqualTo(4);
        }
        assertThat(emulator.requests().all()).extracting(LoggedRequest::status).containsOnly(200);
        assertThat(emulator.requests().all()).hasSize(4 + 50 + 10 + 20 + 20);
    }

    /**
     * Graph only: its SDK takes every token from our credential, so our clock decides. Log Analytics
     * and ARM go through azure-core's bearer policy, which also caches and renews on the system
     * clock; a test cannot move that, so for them the test above proves the reuse.
     */
    @Test
    void anExpiredTokenIsRenewedExactlyOnceAndEveryCallSucceeds() {
        try (GraphAlertsClient alerts = GraphAlertsClient.create(config, clock);
             GraphIncidentsClient incidents = GraphIncidentsClient.create(config, clock)) {
            callEach(alerts, incidents, 10);
            assertThat(tokenRequests()).isEqualTo(2);

            clock.advance(options.tokenLifetime().plusSeconds(1));
            callEach(alerts, incidents, 10);
            assertThat(tokenRequests()).as("one renewal per client after expiry").isEqualTo(4);

            clock.advance(Duration.ofMinutes(30));
            callEach(alerts, incidents, 10);
            assertThat(tokenRequests()).as("the renewed tokens are still fresh").isEqualTo(4);
        }
        assertThat(emulator.requests().all()).hasSize(4 + 3 * 2 * 10)
                .extracting(LoggedRequest::status).containsOnly(200);
    }

    @Test
    void aTokenIsRenewedBeforeItExpiresSoNoCallMeetsAnExpiredToken() {
        try (GraphAlertsClient alerts = GraphAlertsClient.create(config, clock)) {
            alerts.listUpdatedSince(T0, 10);
            // Inside the last five minutes of the token's life: renewed now, not after a 401.
            clock.advance(options.tokenLifetime().minus(Duration.ofMinutes(4)));
            alerts.listUpdatedSince(T0, 10);
            alerts.listUpdatedSince(T0, 10);
            clock.advance(Duration.ofMinutes(5));
            alerts.listUpdatedSince(T0, 10);
        }
        assertThat(tokenRequests()).isEqualTo(2);
        assertThat(emulator.requests().all()).extracting(LoggedRequest::status).containsOnly(200);
    }

    private static void callEach(GraphAlertsClient alerts, GraphIncidentsClient incidents, int n) {
        for (int i = 0; i < n; i++) {
            alerts.listUpdatedSince(T0.minus(Duration.ofDays(1)), 10);
            incidents.listUpdatedSince(T0.minus(Duration.ofDays(1)), 10);
        }
    }

    private long tokenRequests() {
        List<LoggedRequest> tokens = emulator.requests().of("token");
        assertThat(tokens).extracting(LoggedRequest::status).containsOnly(200);
        return tokens.size();
    }
}
