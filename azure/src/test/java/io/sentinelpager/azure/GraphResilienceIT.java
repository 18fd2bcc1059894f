package io.sentinelpager.azure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.microsoft.graph.models.security.AlertStatus;
import io.apicurio.registry.client.RegistryClientFactory;
import io.apicurio.registry.client.common.RegistryClientOptions;
import io.sentinelpager.emulator.AzureEmulator;
import io.sentinelpager.emulator.EmulatorOptions;
import io.sentinelpager.emulator.Fault;
import io.sentinelpager.emulator.LoggedRequest;
import io.sentinelpager.emulator.SampleAlerts;
import io.sentinelpager.platform.config.Secret;
import io.sentinelpager.testkit.MutableClock;
import io.vertx.core.Vertx;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Graph client under the emulator's misbehaviour: big listings, throttling, missing permissions,
 * expiring tokens, dropped connections. The emulator's request log is the witness of what the client
 * actually sent and when.
 */
class GraphResilienceIT {

    private static final Instant T0 = Instant.parse("2026-05-05T10:00:00Z");
    private static final String LIST = "graph.alerts.list";
    /**
     * A wrong secret some tests send; LogGrepIT looks for it in the logs too. Unlike an Entra ID secret it holds a
     * space, {@code / " + & =}, so every spelling {@link SecretForms} searches differs from the verbatim text.
     */
    static final String WRONG_SECRET = "Wr08Q~not the/\"secret\"+&=";

    private final MutableClock clock = new MutableClock(T0.plus(Duration.ofHours(1)));
    /** Shorter than the 5 minutes before expiry in which a token is renewed, so renewal runs at half its life. */
    private final EmulatorOptions options = EmulatorOptions.defaults().withClock(clock)
            .withTokenLifetime(Duration.ofMinutes(4));
    private AzureEmulator emulator;
    private ConnectorConfig config;

    @BeforeEach
    void start(@TempDir Path dir) {
        emulator = AzureEmulator.start(options);
        config = EmulatedTenant.connector(emulator, dir)
                .withRequestTimeout(Duration.ofSeconds(20));
    }

    @AfterEach
    void stop() {
        emulator.close();
    }

    @Test
    void pagesThroughTwoThousandFiveHundredAlerts() {
        List<String> seeded = seed(2_500);

        List<String> listed = new ArrayList<>();
        try (GraphAlertsClient client = GraphAlertsClient.create(config)) {
            listAll(client, client.listUpdatedSince(T0, 1000), listed);
        }

        assertThat(listed).hasSize(2_500).isEqualTo(seeded);
        assertThat(emulator.requests().of(LIST)).extracting(LoggedRequest::status).containsExactly(200, 200, 200);
    }

    @Test
    void aThrottlingStormDelaysTheListingButLosesNothingAndRespectsRetryAfter() {
        List<String> seeded = seed(250);

        List<String> listed = new ArrayList<>();
        try (GraphAlertsClient client = GraphAlertsClient.create(config)) {
            AlertPage first = client.listUpdatedSince(T0, 100);
            // Every list call is throttled from here until three have been refused.
            emulator.faults().inject(LIST, Fault.throttle(Duration.ofSeconds(1)).times(3));
            listed.addAll(ids(first));
            listAll(client, client.nextPage(first.nextLink().orElseThrow()), listed);
        }

        assertThat(listed).isEqualTo(seeded);
        List<LoggedRequest> calls = emulator.requests().of(LIST);
        assertThat(calls).extracting(LoggedRequest::status).containsExactly(200, 429, 429, 429, 200, 200);
        for (int i = 1; i <= 3; i++) {
            Duration gap = calls.get(i + 1).sinceStart().minus(calls.get(i).sinceStart());
            assertThat(gap).as("wait after throttled call %d", i).isGreaterThanOrEqualTo(Duration.ofSeconds(1));
        }
    }

    @Test
    void aThrottlingStormLongerThanTheRetriesIsReportedRetriableWithItsRetryAfter() {
        seed(1);
        emulator.faults().inject(LIST, Fault.throttle(Duration.ofSeconds(1)).percent(100));

        try (GraphAlertsClient client = GraphAlertsClient.create(config)) {
            GraphCallException failure = catchThrowableOfType(GraphCallException.class,
                    () -> client.listUpdatedSince(T0, 10));

            assertThat(failure.httpStatus()).isEqualTo(429);
            assertThat(failure.retriable()).isTrue();
            assertThat(failure.retryAfter()).contains(Duration.ofSeconds(1));
        }
        assertThat(emulator.requests().of(LIST)).hasSize(1 + Backoff.DEFAULT.maxRetries());
    }

    @Test
    void aMissingPermissionFailsOnceNamingThePermission() {
        String id = seed(1).get(0);
        emulator.faults().revoke("graph.alerts.patch");

        try (GraphAlertsClient client = GraphAlertsClient.create(config)) {
            GraphCallException failure = catchThrowableOfType(GraphCallException.class,
                    () -> client.updateAlert(id, AlertUpdate.status(AlertStatus.Resolved)));

            assertThat(failure.httpStatus()).isEqualTo(403);
            assertThat(failure.retriable()).isFalse();
            assertThat(failure.getMessage()).contains("updateAlert of alert " + id)
                    .contains("needs the Microsoft Graph application permission SecurityAlert.ReadWrite.All");
        }
        assertThat(emulator.requests().of("graph.alerts.patch")).extracting(LoggedRequest::status).containsExactly(403);
        assertThat(emulator.alerts().get(id).orElseThrow().get("status").asText()).isEqualTo("new");
    }

    @Test
    void aMissingPermissionIsNamedAlsoAfterTheSchemaRegistryClientRegisteredItsJsonParser() {
        String id = seed(1).get(0);
        emulator.faults().revoke("graph.alerts.patch");
        Vertx vertx = Vertx.vertx();
        try (GraphAlertsClient client = GraphAlertsClient.create(config)) {
            // What every service does after its Graph client exists: a serde makes Apicurio's registry client, which
            // registers its own JSON parser and writer as Kiota's defaults for the whole JVM. No call is made.
            RegistryClientFactory.create(RegistryClientOptions.create("http://127.0.0.1:9/apis/registry/v3", vertx));

            GraphCallException failure = catchThrowableOfType(GraphCallException.class,
                    () -> client.updateAlert(id, AlertUpdate.status(AlertStatus.Resolved)));

            assertThat(failure.httpStatus()).isEqualTo(403);
            assertThat(failure.getMessage())
                    .contains("needs the Microsoft Graph application permission SecurityAlert.ReadWrite.All");
        } finally {
            vertx.close();
        }
    }

    @Test
    void anExpiredTokenIsRenewedAndCallsKeepWorking() {
        seed(3);

        try (GraphAlertsClient client = GraphAlertsClient.create(config, clock)) {
            assertThat(client.listUpdatedSince(T0, 10).alerts()).hasSize(3);
            assertThat(client.listUpdatedSince(T0, 10).alerts()).hasSize(3);
            clock.advance(options.tokenLifetime().plusSeconds(1));
            assertThat(client.listUpdatedSince(T0, 10).alerts()).hasSize(3);
            assertThat(client.listUpdatedSince(T0, 10).alerts()).hasSize(3);
        }

        assertThat(emulator.requests().of("token")).extracting(LoggedRequest::status).containsExactly(200, 200);
        assertThat(emulator.requests().of(LIST)).extracting(LoggedRequest::status).containsExactly(200, 200, 200, 200);
    }

    @Test
    void aDroppedConnectionIsRetriedForAReadAndAFailedPatchGoesBackToItsCaller() {
        String id = seed(1).get(0);
        emulator.faults().inject(LIST, Fault.reset());

        try (GraphAlertsClient client = GraphAlertsClient.create(config)) {
            assertThat(client.listUpdatedSince(T0, 10).alerts()).hasSize(1);

            // A PATCH answered 500, or whose connection dropped, may have been applied: Graph would record a second
            // one in the alert's history, so it is not sent again but reported, retriable, to the caller.
            emulator.faults().inject("graph.alerts.patch", Fault.serverError());
            GraphCallException failed = catchThrowableOfType(GraphCallException.class,
                    () -> client.updateAlert(id, AlertUpdate.status(AlertStatus.InProgress)));
            assertThat(failed.httpStatus()).isEqualTo(500);
            assertThat(failed.retriable()).isTrue();

            emulator.faults().inject("graph.alerts.patch", Fault.reset());
            GraphCallException dropped = catchThrowableOfType(GraphCallException.class,
                    () -> client.updateAlert(id, AlertUpdate.status(AlertStatus.InProgress)));
            assertThat(dropped.retriable()).isTrue();

            assertThat(client.updateAlert(id, AlertUpdate.status(AlertStatus.InProgress)).getStatus())
                    .isEqualTo(AlertStatus.InProgress);
        }

        assertThat(emulator.requests().of(LIST)).extracting(LoggedRequest::status).containsExactly(0, 200);
        assertThat(emulator.requests().of("graph.alerts.patch")).extracting(LoggedRequest::status)
                .containsExactly(500, 0, 200);
    }

    @Test
    void aCommentIsAddedOnceAndAFailedCommentIsNotSentTwice() {
        String id = seed(1).get(0);

        try (GraphAlertsClient client = GraphAlertsClient.create(config)) {
            client.addComment(id, "Acknowledged by the on-call responder");

            emulator.faults().inject("graph.alerts.comment", Fault.serverError());
            GraphCallException failure = catchThrowableOfType(GraphCallException.class,
                    () -> client.addComment(id, "Escalated to the second line"));
            assertThat(failure.httpStatus()).isEqualTo(500);
            assertThat(failure.retriable()).as("the caller may retry, knowing it may duplicate").isTrue();
        }
        assertThat(emulator.requests().of("graph.alerts.comment")).extracting(LoggedRequest::status)
                .containsExactly(200, 500);
        assertThat(emulator.alerts().get(id).orElseThrow().get("comments")).singleElement()
                .satisfies(comment -> assertThat(comment.get("comment").asText())
                        .isEqualTo("Acknowledged by the on-call responder"));
    }

    @Test
    void noSecretOrTokenAppearsInAnyLogLineOrException() {
        String id = seed(2).get(0);
        // The emulator forgets expired tokens, so collect them before the clock moves past them.
        Set<String> tokens = new HashSet<>();
        StringBuilder failures = new StringBuilder();
        String logs;
        try (CapturedLogs captured = new CapturedLogs();
             GraphAlertsClient client = GraphAlertsClient.create(config, clock)) {
            client.listUpdatedSince(T0, 1);
            emulator.faults().inject(LIST, Fault.throttle(Duration.ofSeconds(1)));
            client.listUpdatedSince(T0, 10);
            emulator.faults().revoke("graph.alerts.patch");
            failures.append(trace(catchThrowableOfType(GraphCallException.class,
                    () -> client.updateAlert(id, AlertUpdate.status(AlertStatus.Resolved)))));
            tokens.addAll(emulator.issuedAccessTokens());
            clock.advance(options.tokenLifetime().plusSeconds(1));
            client.listUpdatedSince(T0, 10);
            tokens.addAll(emulator.issuedAccessTokens());
            logs = captured.text();
            assertThat(captured.lines()).as("the libraries logged at DEBUG").isGreaterThan(10);
        }
        try (GraphAlertsClient wrong = GraphAlertsClient.create(new ConnectorConfig(config.id(), config.tenantId(),
                config.clientId(), Secret.of(WRONG_SECRET), config.authorityHost(), config.graphBaseUrl(),
                config.extraTrustedCertificate(), config.requestTimeout()))) {
            failures.append(trace(catchThrowableOfType(GraphCallException.class, () -> wrong.listUpdatedSince(T0, 1))));
        }

        assertThat(tokens).hasSizeGreaterThanOrEqualTo(2);
        Map<String, Map<String, String>> secrets = new LinkedHashMap<>();
        secrets.put("the client secret", SecretForms.ofClientSecret(config.clientId(), options.clientSecret()));
        secrets.put("the wrong client secret", SecretForms.ofClientSecret(config.clientId(), WRONG_SECRET));
        List<String> issued = List.copyOf(tokens);
        for (int i = 0; i < issued.size(); i++) {
            secrets.put("access token " + i, SecretForms.of(issued.get(i)));
        }
        assertThat(SecretForms.foundIn(logs, secrets)).as("secrets in the log lines").isEmpty();
        assertThat(SecretForms.foundIn(failures.toString(), secrets)).as("secrets in the exceptions").isEmpty();
    }

    private List<String> seed(int count) {
        List<String> ids = new ArrayList<>();
        Random random = new Random(count);
        for (int i = 0; i < count; i++) {
            String at = T0.plusSeconds(i).toString();
            ObjectNode alert = SampleAlerts.random(random).put("createdDateTime", at).put("lastUpdateDateTime", at);
            ids.add(emulator.alerts().add(alert).get("id").asText());
        }
        return ids;
    }

    private static void listAll(GraphAlertsClient client, AlertPage page, List<String> into) {
        Set<String> seen = new HashSet<>(into);
        while (true) {
            for (String id : ids(page)) {
                assertThat(seen.add(id)).as("listed once: %s", id).isTrue();
                into.add(id);
            }
            if (!page.hasNext()) {
                return;
            }
            page = client.nextPage(page.nextLink().orElseThrow());
        }
    }

    private static List<String> ids(AlertPage page) {
        return page.alerts().stream().map(a -> a.alert().getId()).toList();
    }

    private static String trace(Throwable failure) {
        StringWriter trace = new StringWriter();
        failure.printStackTrace(new PrintWriter(trace));
        return trace.toString();
    }
}
