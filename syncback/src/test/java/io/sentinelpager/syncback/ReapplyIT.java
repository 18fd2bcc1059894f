package io.sentinelpager.syncback;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sentinelpager.azure.ConnectorConfig;
import io.sentinelpager.azure.Connectors;
import io.sentinelpager.azure.RollupSummary;
import io.sentinelpager.azure.SentinelIncidentsClient;
import io.sentinelpager.emulator.AzureEmulator;
import io.sentinelpager.emulator.EmulatorOptions;
import io.sentinelpager.emulator.SentinelWorkspace;
import io.sentinelpager.platform.config.PagerConfig;
import io.sentinelpager.platform.config.Secret;
import io.sentinelpager.schemas.AlertSource;
import io.sentinelpager.schemas.IncidentMember;
import io.sentinelpager.schemas.IncidentRollup;
import io.sentinelpager.schemas.PendingSync;
import io.sentinelpager.schemas.SourceStatus;
import io.sentinelpager.schemas.SyncCommand;
import io.sentinelpager.schemas.SyncOutcome;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A write made twice, as after a crash between Azure taking it and its result being committed: Azure ends up with
 * the same alert as after one, the change in its history once and each comment once. Against the emulator's Graph
 * and Sentinel over HTTPS.
 */
class ReapplyIT {

    static final SentinelWorkspace WORKSPACE =
            new SentinelWorkspace("d0cfe6b2-9ac0-4464-9919-dccaee2e48c0", "soc-rg", "soc-workspace");
    static final Instant T0 = Instant.parse("2026-11-29T03:00:00Z");

    static AzureEmulator azure;
    static List<ConnectorConfig> connectors;

    @BeforeAll
    static void start(@TempDir Path dir) {
        azure = AzureEmulator.start(EmulatorOptions.defaults());
        Path pem = dir.resolve("emulator.pem");
        azure.writeCertificatePem(pem);
        EmulatorOptions app = azure.options();
        Map<String, String> settings = new HashMap<>();
        for (String id : List.of("graph", "sentinel")) {
            settings.putAll(Connectors.settings(id, app.tenantId(), app.clientId(), Secret.of(app.clientSecret()),
                    azure.authorityHost(), azure.graphBaseUrl(), pem));
        }
        settings.put(Connectors.source("sentinel").name(), "sentinel");
        settings.put(Connectors.managementUrl("sentinel").name(), azure.managementUrl());
        settings.put(Connectors.subscriptionId("sentinel").name(), WORKSPACE.subscriptionId());
        settings.put(Connectors.resourceGroup("sentinel").name(), WORKSPACE.resourceGroup());
        settings.put(Connectors.workspaceName("sentinel").name(), WORKSPACE.workspaceName());
        connectors = Connectors.from(PagerConfig.empty().with(settings));
    }

    @AfterAll
    static void stop() {
        azure.close();
    }

    @Test
    void aGraphAlertWrittenTwiceShowsEachCommentOnce() {
        String id = azure.alerts().add(JsonNodeFactory.instance.objectNode().put("title", "Twice")).get("id").asText();
        PendingSync write = write("graph:" + id, AlertSource.GRAPH, "on it", "isolated the host");
        try (GraphWriter writer = new GraphWriter(connectors)) {
            assertThat(writer.apply(write).outcome()).isEqualTo(SyncOutcome.APPLIED);
            assertThat(writer.apply(write)).satisfies(again -> {
                assertThat(again.outcome()).isEqualTo(SyncOutcome.APPLIED);
                assertThat(again.detail()).isEqualTo(GraphWriter.ALREADY_APPLIED);
            });
        }
        assertThat(azure.alerts().history(id).orElseThrow()).filteredOn(h -> h.get("changes").has("status"))
                .as("the close is in the alert's history once").hasSize(1);
        JsonNode alert = azure.alerts().get(id).orElseThrow();
        assertThat(alert.get("status").asText()).isEqualTo("resolved");
        assertThat(StreamSupport.stream(alert.get("comments").spliterator(), false).map(c -> c.get("comment").asText()))
                .containsExactly("on it", "isolated the host");
    }

    @Test
    void aSentinelIncidentWrittenTwiceIsClosedOnceAndShowsEachCommentOnce() {
        ObjectNode incident = JsonNodeFactory.instance.objectNode();
        incident.putObject("properties").put("title", "Twice").put("severity", "High").put("status", "New");
        String name = azure.incidents().add(WORKSPACE, incident).get("name").asText();
        azure.incidents().addAlert(WORKSPACE, name, JsonNodeFactory.instance.objectNode().put("name", "alert-a"));
        PendingSync write = write("sentinel:" + name + ":alert-a", AlertSource.SENTINEL, "on it", "isolated the host");
        IncidentRollup rollup = IncidentRollups.merge(null, IncidentMember.newBuilder().setConnectorId("sentinel")
                .setSource(AlertSource.SENTINEL).setIncidentId(name).setAlertKey(write.getAlertKey())
                .setAlertId(write.getAlertId()).setStatus(write.getTargetStatus())
                .setClassification(write.getClassification()).setRequestedBy("ana").setAt(T0).build(), T0);
        try (SentinelWriter writer = new SentinelWriter(connectors)) {
            assertThat(writer.apply(write).outcome()).isEqualTo(SyncOutcome.APPLIED);
            assertThat(writer.apply(write).outcome()).isEqualTo(SyncOutcome.APPLIED);
            assertThat(writer.rollUp(rollup).done()).isTrue();
            assertThat(writer.rollUp(rollup).done()).isTrue();
        }
        assertThat(azure.incidents().get(WORKSPACE, name).orElseThrow().get("properties").get("status").asText())
                .isEqualTo("Closed");
        assertThat(azure.requests().of("sentinel.incidents.put")).filteredOn(r -> r.path().endsWith("/" + name))
                .as("the second check found the incident closed").hasSize(1);
        try (SentinelIncidentsClient client = SentinelIncidentsClient.create(connectors.stream()
                .filter(c -> c.id().equals("sentinel")).findFirst().orElseThrow())) {
            assertThat(client.comments(name)).extracting(c -> c.properties().message())
                    .containsExactlyInAnyOrder("on it", "isolated the host", RollupSummary.PREFIX
                            + "incident resolved by ana: 1 of 1 alerts resolved (1 through Sentinel Pager, 0 in"
                            + " Azure); classified truePositive.");
        }
    }

    /** An acknowledge with a comment and a close with a comment, merged as they wait. */
    private static PendingSync write(String key, AlertSource source, String first, String second) {
        SyncCommand ack = SyncCommand.newBuilder().setCommandId("ack/" + key).setAlertKey(key)
                .setConnectorId(key.substring(0, key.indexOf(':'))).setSource(source)
                .setAlertId(key.substring(key.indexOf(':') + 1)).setTargetStatus(SourceStatus.IN_PROGRESS)
                .setAssignedTo("ana@contoso.example").setComment(first).setRequestedAt(T0).build();
        SyncCommand close = SyncCommand.newBuilder(ack).setCommandId("close/" + key).setTargetStatus(SourceStatus.RESOLVED)
                .setClassification("truePositive").setComment(second).setRequestedAt(T0.plusSeconds(60)).build();
        return PendingWrites.merge(PendingWrites.merge(null, ack, T0), close, T0);
    }
}
