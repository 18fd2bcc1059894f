package io.sentinelpager.azure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sentinelpager.azure.SentinelIncident.Classification;
import io.sentinelpager.azure.SentinelIncident.ClassificationReason;
import io.sentinelpager.azure.SentinelIncident.Severity;
import io.sentinelpager.azure.SentinelIncident.Status;
import io.sentinelpager.emulator.AzureEmulator;
import io.sentinelpager.emulator.EmulatorOptions;
import io.sentinelpager.emulator.Fault;
import io.sentinelpager.emulator.LoggedRequest;
import io.sentinelpager.emulator.SampleAlerts;
import io.sentinelpager.emulator.SentinelWorkspace;
import io.sentinelpager.testkit.MutableClock;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Sentinel incidents client on azure-core's pipeline, with the real credential, against the emulated ARM. */
class SentinelIncidentsClientIT {

    private static final String SUBSCRIPTION = "d0cfe6b2-9ac0-4464-9919-dccaee2e48c0";
    private static final SentinelWorkspace WORKSPACE = new SentinelWorkspace(SUBSCRIPTION, "myRg", "myWorkspace");
    private static final Instant T0 = Instant.parse("2026-05-05T10:00:00Z");

    private final MutableClock clock = new MutableClock(T0);
    private final EmulatorOptions options = EmulatorOptions.defaults().withClock(clock);
    private AzureEmulator emulator;
    private ConnectorConfig config;

    @BeforeEach
    void start(@TempDir Path dir) {
        emulator = AzureEmulator.start(options);
        config = EmulatedTenant.connector(emulator, dir)
                .withSentinelWorkspace(new AzureWorkspace(SUBSCRIPTION, "myRg", "myWorkspace",
                        Optional.of("c8c99641-985d-4e4e-8e91-fb3466cd0e5b")));
    }

    @AfterEach
    void stop() {
        emulator.close();
    }

    @Test
    void thePublishedIncidentAlertsAndCommentsParse() {
        ObjectNode published = (ObjectNode) SampleAlerts.published("sentinel-GetIncidents.example.json")
                .at("/responses/200/body/value/0");
        emulator.incidents().add(WORKSPACE, published);
        String id = published.get("name").asText();
        emulator.incidents().addAlert(WORKSPACE, id,
                (ObjectNode) SampleAlerts.published("sentinel-incident-alerts.response.json").at("/value/0"));

        try (SentinelIncidentsClient client = SentinelIncidentsClient.create(config)) {
            SentinelIncident incident = client.listModifiedSince(Instant.parse("2019-01-01T00:00:00Z"), 10)
                    .incidents().get(0);
            assertThat(incident.name()).isEqualTo("73e01a99-5cd7-4139-a149-9f2736ff2ab5");
            assertThat(incident.etag()).isEqualTo("\"0300bf09-0000-0000-0000-5c37296e0000\"");
            SentinelIncident.Properties p = incident.properties();
            assertThat(p.title()).isEqualTo("My incident");
            assertThat(p.severity()).isEqualTo(Severity.High);
            assertThat(p.status()).isEqualTo(Status.Closed);
            assertThat(p.classification()).isEqualTo(Classification.FalsePositive);
            assertThat(p.classificationReason()).isEqualTo(ClassificationReason.IncorrectAlertLogic);
            assertThat(p.owner().email()).isEqualTo("john.doe@contoso.com");
            assertThat(p.incidentNumber()).isEqualTo(3177);
            assertThat(p.createdTimeUtc()).isEqualTo(Instant.parse("2019-01-01T13:15:30Z"));
            assertThat(p.additionalData().tactics()).containsExactly("Persistence");
            assertThat(incident.json().at("/properties/relatedAnalyticRuleIds/0").asText()).contains("alertRules");

            SentinelAlert alert = client.alerts(id).get(0);
            assertThat(alert.properties().systemAlertId()).isEqualTo("baa8a239-6fde-4ab7-a093-d09f7b75c58c");
            assertThat(alert.properties().productName()).isEqualTo("Azure Security Center");
            assertThat(alert.properties().timeGenerated()).isEqualTo(Instant.parse("2020-07-20T18:21:53.6158361Z"));
            assertThat(alert.json().get("kind").asText()).isEqualTo("SecurityAlert");

            String message = SampleAlerts.published("sentinel-incident-comment-create.request.json")
                    .at("/properties/message").asText();
            UUID commentId = UUID.fromString("4bb36b7b-26ff-4d1c-9cbe-0d8ab3da0014");
            IncidentComment comment = client.addComment(id, commentId, message);
            assertThat(comment.name()).isEqualTo(commentId.toString());
            assertThat(comment.properties().message()).isEqualTo("Some message");
            assertThat(comment.properties().createdTimeUtc()).isEqualTo(T0);
            client.addComment(id, commentId, message);
            assertThat(client.comments(id)).as("the same comment id twice is one comment").hasSize(1);
        }
    }

    @Test
    void thePublishedCreateRequestIsAValidIncident() {
        ObjectNode request = SampleAlerts.published("sentinel-incident-create.request.json");
        String id = emulator.incidents().add(WORKSPACE, request).get("name").asText();

        try (SentinelIncidentsClient client = SentinelIncidentsClient.create(config)) {
            SentinelIncident incident = client.get(id);
            assertThat(incident.properties().classificationReason()).isEqualTo(ClassificationReason.IncorrectAlertLogic);
            assertThat(incident.properties().owner().objectId()).isEqualTo("2046feea-040d-4a46-9e2b-91c2941bfa70");
        }
    }

    @Test
    void listsByLastModifiedInPagesFollowingNextLink() {
        List<String> seeded = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            seeded.add(emulator.incidents().add(WORKSPACE, incident("Incident " + i, "New")).get("name").asText());
            clock.advance(Duration.ofMinutes(1));
        }

        List<String> listed = new ArrayList<>();
        try (SentinelIncidentsClient client = SentinelIncidentsClient.create(config)) {
            IncidentPage page = client.listModifiedSince(T0.plus(Duration.ofMinutes(1)), 2);
            while (true) {
                page.incidents().forEach(incident -> listed.add(incident.name()));
                if (!page.hasNext()) {
                    break;
                }
                page = client.nextPage(page.nextLink().orElseThrow());
            }
        }

        assertThat(listed).isEqualTo(seeded.subList(1, 5));
        assertThat(emulator.requests().of("sentinel.incidents.list")).hasSize(2);
    }

    @Test
    void anEtagConflictIsReadAgainAndTheIncidentEndsClosedWithTheAnalystsChange() {
        String id = emulator.incidents().add(WORKSPACE, incident("Brute force", "New")).get("name").asText();
        // An analyst raises the severity in the portal just before our write arrives.
        emulator.faults().beforeNext("sentinel.incidents.put", () -> emulator.incidents().change(WORKSPACE, id,
                JsonNodeFactory.instance.objectNode().put("severity", "High")));

        try (SentinelIncidentsClient client = SentinelIncidentsClient.create(config)) {
            SentinelIncident closed = client.update(id, IncidentUpdate.close(Classification.BenignPositive,
                    ClassificationReason.SuspiciousButExpected, "Closed by the on-call responder"));

            assertThat(closed.properties().status()).isEqualTo(Status.Closed);
        }
        ObjectNode stored = emulator.incidents().get(WORKSPACE, id).orElseThrow();
        assertThat(stored.at("/properties/status").asText()).isEqualTo("Closed");
        assertThat(stored.at("/properties/classification").asText()).isEqualTo("BenignPositive");
        assertThat(stored.at("/properties/classificationReason").asText()).isEqualTo("SuspiciousButExpected");
        assertThat(stored.at("/properties/severity").asText()).as("the analyst's change survives").isEqualTo("High");
        assertThat(emulator.requests().of("sentinel.incidents.put")).extracting(LoggedRequest::status)
                .containsExactly(409, 200);
        assertThat(emulator.requests().of("sentinel.incidents.get")).hasSize(2);
    }

    @Test
    void aMissingRoleFailsOnceNamingMicrosoftSentinelContributor() {
        String id = emulator.incidents().add(WORKSPACE, incident("Brute force", "New")).get("name").asText();
        emulator.faults().revoke("sentinel.incidents.put");

        try (SentinelIncidentsClient client = SentinelIncidentsClient.create(config)) {
            AzureCallException failure = catchThrowableOfType(AzureCallException.class,
                    () -> client.update(id, IncidentUpdate.status(Status.Active)));

            assertThat(failure.httpStatus()).isEqualTo(403);
            assertThat(failure.errorCode()).contains("AuthorizationFailed");
            assertThat(failure.retriable()).isFalse();
            assertThat(failure.getMessage()).contains("updateIncident " + id)
                    .contains("needs the Azure role Microsoft Sentinel Contributor on workspace myWorkspace");
        }
        assertThat(emulator.requests().of("sentinel.incidents.put")).extracting(LoggedRequest::status)
                .containsExactly(403);
    }

    @Test
    void throttlingIsRetriedAfterRetryAfter() {
        emulator.incidents().add(WORKSPACE, incident("Brute force", "New"));
        emulator.faults().inject("sentinel.incidents.list", Fault.throttle(Duration.ofSeconds(1)).times(2));

        try (CapturedLogs logs = new CapturedLogs();
             SentinelIncidentsClient client = SentinelIncidentsClient.create(config)) {
            assertThat(client.listModifiedSince(T0, 10).incidents()).hasSize(1);

            String text = logs.text();
            assertThat(text).doesNotContain(options.clientSecret());
            emulator.issuedAccessTokens().forEach(token -> assertThat(text).doesNotContain(token));
        }
        List<LoggedRequest> calls = emulator.requests().of("sentinel.incidents.list");
        assertThat(calls).extracting(LoggedRequest::status).containsExactly(429, 429, 200);
        for (int i = 0; i < 2; i++) {
            assertThat(calls.get(i + 1).sinceStart().minus(calls.get(i).sinceStart()))
                    .isGreaterThanOrEqualTo(Duration.ofSeconds(1));
        }
    }

    private static ObjectNode incident(String title, String status) {
        ObjectNode incident = JsonNodeFactory.instance.objectNode();
        incident.putObject("properties").put("title", title).put("severity", "Medium").put("status", status);
        return incident;
    }
}
