package io.sentinelpager.azure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sentinelpager.emulator.AzureEmulator;
import io.sentinelpager.emulator.AzureEmulatorExtension;
import io.sentinelpager.emulator.Fault;
import io.sentinelpager.emulator.LoggedRequest;
import io.sentinelpager.emulator.SampleAlerts;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The storm: for 30 s every call to the emulated Azure, token endpoint included, answers
 * 429 with a Retry-After. These tests take real time (the client waits out each Retry-After on the
 * wall clock, as in production), about 35 s in all.
 */
@ExtendWith(AzureEmulatorExtension.class)
class ThrottlingStormIT {

    private static final Instant T0 = Instant.parse("2026-05-05T10:00:00Z");
    private static final Duration RETRY_AFTER = Duration.ofSeconds(8);

    @AfterEach
    void calm(AzureEmulator emulator) {
        emulator.faults().clear();
        emulator.requests().clear();
    }

    /**
     * The client rides the storm out within its four retries (8 + 8 + 8 + 8 s > 30 s). The storm
     * covers every route, the token endpoint included: the client holds a token from before the
     * storm and reuses it, so Entra's throttling never reaches it.
     */
    @Test
    void aThirtySecondStormDelaysPagingTwoThousandFiveHundredAlertsButLosesNothing(AzureEmulator emulator,
                                                                                  @TempDir Path dir) {
        List<String> seeded = seed(emulator, 2_500);
        ConnectorConfig config = EmulatedTenant.connector(emulator, dir).withRequestTimeout(Duration.ofSeconds(60));

        List<String> listed = new ArrayList<>();
        long stormStarted;
        try (GraphAlertsClient client = GraphAlertsClient.create(config)) {
            AlertPage first = client.listUpdatedSince(T0, 1000);
            listed.addAll(ids(first));
            emulator.requests().clear();
            stormStarted = System.nanoTime();
            Fault storm = Fault.throttle(RETRY_AFTER).during(Duration.ofSeconds(30));
            emulator.faults().injectEverywhere(storm);
            AlertPage page = client.nextPage(first.nextLink().orElseThrow());
            while (true) {
                listed.addAll(ids(page));
                if (!page.hasNext()) {
                    break;
                }
                page = client.nextPage(page.nextLink().orElseThrow());
            }
        }

        assertThat(Duration.ofNanos(System.nanoTime() - stormStarted)).isGreaterThanOrEqualTo(Duration.ofSeconds(30));
        assertThat(new HashSet<>(listed)).as("none listed twice").hasSize(listed.size());
        assertThat(listed).as("every alert, in order").isEqualTo(seeded);
        assertThat(emulator.requests().of("token")).as("the cached token outlived the storm").isEmpty();
        List<LoggedRequest> listCalls = emulator.requests().of("graph.alerts.list");
        assertThat(listCalls).extracting(LoggedRequest::status).containsExactly(429, 429, 429, 429, 200, 200);
        assertNeverSoonerThanRetryAfter(listCalls);
    }

    /**
     * A client whose token must be renewed in the storm meets a throttled Entra ID: azure-identity
     * retries after Retry-After too, and when the storm outlasts its retries the failure is
     * retriable (AADSTS90033 is Entra's transient error), so the poller tries again next cycle.
     */
    @Test
    void aStormOnTheTokenEndpointIsRetriedAfterRetryAfterAndReportedRetriable(AzureEmulator emulator,
                                                                             @TempDir Path dir) {
        emulator.faults().injectEverywhere(Fault.throttle(RETRY_AFTER).during(Duration.ofSeconds(30)));

        try (GraphAlertsClient client = GraphAlertsClient.create(EmulatedTenant.connector(emulator, dir)
                .withRequestTimeout(Duration.ofSeconds(60)))) {
            GraphCallException failure = catchThrowableOfType(GraphCallException.class,
                    () -> client.listUpdatedSince(T0, 10));

            assertThat(failure.errorCode()).contains("AADSTS90033");
            assertThat(failure.retriable()).as(failure.getMessage()).isTrue();
        }
        List<LoggedRequest> calls = emulator.requests().all();
        assertThat(calls).extracting(LoggedRequest::route).containsOnly("token");
        assertThat(calls).hasSizeGreaterThan(1).extracting(LoggedRequest::status).containsOnly(429);
        assertNeverSoonerThanRetryAfter(calls);
    }

    /** Each call after a 429 arrived no sooner than the Retry-After after that 429 was answered. */
    private static void assertNeverSoonerThanRetryAfter(List<LoggedRequest> calls) {
        for (int i = 0; i + 1 < calls.size(); i++) {
            LoggedRequest refused = calls.get(i);
            if (refused.status() == 429) {
                // From when the 429 arrived, not when the emulator's clock for it stopped: the client can read the
                // answer a few milliseconds before the server's bookkeeping ends (a 2 ms shortfall failed a full build).
                Duration allowedFrom = refused.sinceStart().plus(RETRY_AFTER);
                assertThat(calls.get(i + 1).sinceStart()).as("call %d after the Retry-After of call %d", i + 1, i)
                        .isGreaterThanOrEqualTo(allowedFrom);
            }
        }
    }

    private static List<String> seed(AzureEmulator emulator, int count) {
        List<String> ids = new ArrayList<>();
        Random random = new Random(count);
        for (int i = 0; i < count; i++) {
            String at = T0.plusSeconds(i).toString();
            ObjectNode alert = SampleAlerts.random(random).put("createdDateTime", at).put("lastUpdateDateTime", at);
            ids.add(emulator.alerts().add(alert).get("id").asText());
        }
        return ids;
    }

    private static List<String> ids(AlertPage page) {
        return page.alerts().stream().map(a -> a.alert().getId()).toList();
    }
}
