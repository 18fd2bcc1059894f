package io.sentinelpager.azure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.microsoft.graph.models.security.Alert;
import com.microsoft.graph.models.security.AlertClassification;
import com.microsoft.graph.models.security.AlertDetermination;
import com.microsoft.graph.models.security.Incident;
import com.microsoft.graph.models.security.IncidentStatus;
import com.microsoft.graph.models.security.ServiceSource;
import io.sentinelpager.emulator.AzureEmulator;
import io.sentinelpager.emulator.EmulatorOptions;
import io.sentinelpager.emulator.LoggedRequest;
import io.sentinelpager.emulator.SampleAlerts;
import io.sentinelpager.testkit.MutableClock;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Defender incidents through the real Graph SDK against the emulator, alerts inlined. */
class GraphIncidentsClientIT {

    private static final Instant T0 = Instant.parse("2026-05-05T10:00:00Z");

    private final MutableClock clock = new MutableClock(T0);
    private final EmulatorOptions options = EmulatorOptions.defaults().withClock(clock);
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
    void thePublishedIncidentComesWithItsAlerts() {
        ObjectNode published = SampleAlerts.published("graph-incident-get.response.json");
        published.remove("@odata.context");
        String id = emulator.graphIncidents().add(published).get("id").asText();
        emulator.alerts().add(SampleAlerts.defenderEndpoint().put("incidentId", id));
        emulator.alerts().add(SampleAlerts.sentinelScheduled().put("incidentId", id));
        emulator.alerts().add(SampleAlerts.sentinelScheduled());

        try (GraphIncidentsClient client = GraphIncidentsClient.create(config)) {
            Incident incident = client.get(id);

            assertThat(incident.getDisplayName()).startsWith("Multi-stage incident involving Initial access");
            assertThat(incident.getAssignedTo()).isEqualTo("KaiC@contoso.onmicrosoft.com");
            assertThat(incident.getCustomTags()).containsExactly("Demo");
            assertThat(incident.getAlerts()).extracting(Alert::getServiceSource)
                    .containsExactlyInAnyOrder(ServiceSource.MicrosoftDefenderForEndpoint, ServiceSource.MicrosoftSentinel);
        }
    }

    @Test
    void listsIncidentsInPagesWithTheirAlerts() {
        List<String> seeded = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            String id = emulator.graphIncidents().add(JsonNodeFactory.instance.objectNode()
                    .put("displayName", "Incident " + i)).get("id").asText();
            emulator.alerts().add(SampleAlerts.defenderEndpoint().put("incidentId", id));
            seeded.add(id);
            clock.advance(Duration.ofSeconds(1));
        }

        List<String> listed = new ArrayList<>();
        try (GraphIncidentsClient client = GraphIncidentsClient.create(config)) {
            GraphIncidentPage page = client.listUpdatedSince(T0, 2);
            while (true) {
                for (Incident incident : page.incidents()) {
                    assertThat(incident.getAlerts()).hasSize(1);
                    listed.add(incident.getId());
                }
                if (!page.hasNext()) {
                    break;
                }
                page = client.nextPage(page.nextLink().orElseThrow());
            }
        }

        assertThat(listed).isEqualTo(seeded);
        assertThat(emulator.requests().of("graph.incidents.list")).hasSize(2);
    }

    @Test
    void patchResolvesTheIncident() {
        String id = emulator.graphIncidents().add(JsonNodeFactory.instance.objectNode().put("displayName", "x"))
                .get("id").asText();

        try (GraphIncidentsClient client = GraphIncidentsClient.create(config)) {
            Incident resolved = client.update(id, new GraphIncidentUpdate(IncidentStatus.Resolved,
                    "oncall@contoso.com", AlertClassification.TruePositive, AlertDetermination.Malware,
                    List.of("sentinel-pager"), "all alerts resolved"));

            assertThat(resolved.getStatus()).isEqualTo(IncidentStatus.Resolved);
        }
        ObjectNode stored = emulator.graphIncidents().get(id).orElseThrow();
        assertThat(stored.get("status").asText()).isEqualTo("resolved");
        assertThat(stored.get("determination").asText()).isEqualTo("malware");
        assertThat(stored.get("customTags").get(0).asText()).isEqualTo("sentinel-pager");
        assertThat(stored.get("resolvingComment").asText()).isEqualTo("all alerts resolved");
    }

    @Test
    void aCommentIsPostedAsTheOneDocumentedObjectAndReadBackWithTheIncident() {
        String id = emulator.graphIncidents().add(JsonNodeFactory.instance.objectNode().put("displayName", "x"))
                .get("id").asText();

        try (GraphIncidentsClient client = GraphIncidentsClient.create(config)) {
            client.addComment(id, "resolved through Sentinel Pager");

            assertThat(client.get(id).getComments()).extracting(c -> c.getComment())
                    .containsExactly("resolved through Sentinel Pager");
        }
        assertThat(emulator.requests().of("graph.incidents.comment")).singleElement()
                .satisfies(r -> assertThat(r.method()).isEqualTo("POST"));
    }

    @Test
    void aMissingPermissionNamesSecurityIncidentReadWriteAll() {
        String id = emulator.graphIncidents().add(JsonNodeFactory.instance.objectNode().put("displayName", "x"))
                .get("id").asText();
        emulator.faults().revoke("graph.incidents.patch");

        try (GraphIncidentsClient client = GraphIncidentsClient.create(config)) {
            GraphCallException failure = catchThrowableOfType(GraphCallException.class,
                    () -> client.update(id, GraphIncidentUpdate.status(IncidentStatus.Active)));

            assertThat(failure.httpStatus()).isEqualTo(403);
            assertThat(failure.getMessage()).contains("SecurityIncident.ReadWrite.All");
        }
        assertThat(emulator.requests().of("graph.incidents.patch")).extracting(LoggedRequest::status)
                .containsExactly(403);
    }
}
