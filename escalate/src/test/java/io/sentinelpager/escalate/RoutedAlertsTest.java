package io.sentinelpager.escalate;

import static io.sentinelpager.escalate.LifecycleTest.T0;
import static io.sentinelpager.escalate.LifecycleTest.action;
import static io.sentinelpager.escalate.LifecycleTest.directory;
import static io.sentinelpager.escalate.LifecycleTest.grouped;
import static io.sentinelpager.escalate.LifecycleTest.lifecycle;
import static io.sentinelpager.escalate.LifecycleTest.notificationIds;
import static io.sentinelpager.escalate.LifecycleTest.routed;
import static io.sentinelpager.escalate.LifecycleTest.sourceChanged;
import static org.assertj.core.api.Assertions.assertThat;

import io.sentinelpager.schemas.ActionType;
import io.sentinelpager.schemas.AlertLifecycle;
import io.sentinelpager.schemas.EnrichedAlert;
import io.sentinelpager.schemas.EnrichmentStatus;
import io.sentinelpager.schemas.EnrichmentTable;
import io.sentinelpager.schemas.LifecycleStatus;
import io.sentinelpager.schemas.NotificationRequest;
import io.sentinelpager.schemas.RoutedAlert;
import io.sentinelpager.schemas.SourceStatus;
import io.sentinelpager.schemas.SyncCommand;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What a routed record does: opens a page, or joins, enriches or reopens it. */
class RoutedAlertsTest {

    @Test
    void aRoutedRecordOfAnAlreadyPagedAlertNeitherPagesAgainNorOverridesItsAzureStatus() {
        AlertLifecycle paged = lifecycle.routed(Optional.empty(), routed(SourceStatus.NEW), directory, T0).state().orElseThrow();
        AlertLifecycle inProgress = lifecycle.action(Optional.of(paged), sourceChanged("c1:a1", SourceStatus.IN_PROGRESS),
                directory, T0).state().orElseThrow();
        // A replay of the alert as ingest first read it: older than the change Azure reported since.
        Lifecycle.Outcome update = lifecycle.routed(Optional.of(inProgress), routed(SourceStatus.NEW), directory, T0);
        assertThat(update.emitted()).noneMatch(NotificationRequest.class::isInstance)
                .noneMatch(SyncCommand.class::isInstance).hasSize(1);
        assertThat(update.state().orElseThrow().getMembers()).containsEntry("c1:a1", SourceStatus.IN_PROGRESS);
        assertThat(update.state().orElseThrow().getStatus()).isEqualTo(LifecycleStatus.TRIGGERED);
    }

    @Test
    void anAlertAlreadyResolvedInAzureWhenItIsRoutedIsRecordedClosedAndPagesNobody() {
        Lifecycle.Outcome outcome = lifecycle.routed(Optional.empty(), routed(SourceStatus.RESOLVED), directory, T0);

        AlertLifecycle state = outcome.state().orElseThrow();
        assertThat(state.getStatus()).isEqualTo(LifecycleStatus.CLOSED);
        assertThat(state.getMembers()).containsEntry("c1:a1", SourceStatus.RESOLVED);
        assertThat(state.getNextEscalationAt()).isNull();
        assertThat(state.getTimeline()).last().satisfies(e -> {
            assertThat(e.getType()).isEqualTo("closed");
            assertThat(e.getDetail()).isEqualTo("resolved in Azure before it was paged");
        });
        // Only the state, for the responder: no page, nothing back to Azure.
        assertThat(outcome.emitted()).containsExactly(state);
    }

    @Test
    void anAlertResolvedInAzureBeforeItJoinsAGroupedPageIsRecordedAsResolvedOnThePage() {
        RoutedAlert first = routed(SourceStatus.NEW);
        first.setGroupKey("c1:incident:7");
        AlertLifecycle page = lifecycle.routed(Optional.empty(), first, directory, T0).state().orElseThrow();
        RoutedAlert second = routed(SourceStatus.RESOLVED);
        second.setGroupKey("c1:incident:7");
        second.getEnriched().getAlert().setAlertKey("c1:a2");

        Lifecycle.Outcome outcome = lifecycle.routed(Optional.of(page), second, directory, T0.plusSeconds(4));

        assertThat(outcome.emitted()).noneMatch(NotificationRequest.class::isInstance);
        assertThat(outcome.state().orElseThrow().getMembers()).containsEntry("c1:a1", SourceStatus.NEW)
                .containsEntry("c1:a2", SourceStatus.RESOLVED);
        assertThat(outcome.state().orElseThrow().getStatus()).isEqualTo(LifecycleStatus.TRIGGERED);
    }

    @Test
    void anEnrichmentArrivingAfterTheDeadlineIsAttachedToThePageWithoutPagingAgain() {
        RoutedAlert timedOut = routed(SourceStatus.NEW);
        timedOut.getEnriched().setStatus(EnrichmentStatus.TIMED_OUT);
        AlertLifecycle paged = lifecycle.routed(Optional.empty(), timedOut, directory, T0).state().orElseThrow();
        RoutedAlert update = routed(SourceStatus.NEW);
        update.setEnriched(EnrichedAlert.newBuilder(update.getEnriched()).setStatus(EnrichmentStatus.COMPLETE)
                .setRevision(1).setRuleName("Brute force").setTables(List.of(EnrichmentTable.newBuilder()
                        .setName("PrimaryResult").setColumns(List.of()).setRows(List.of()).setTotalRows(3).build()))
                .build());

        Lifecycle.Outcome outcome = lifecycle.routed(Optional.of(paged), update, directory, T0.plusSeconds(8));

        assertThat(outcome.emitted()).noneMatch(NotificationRequest.class::isInstance)
                .noneMatch(SyncCommand.class::isInstance).hasSize(1);
        AlertLifecycle state = outcome.state().orElseThrow();
        assertThat(state.getStatus()).isEqualTo(LifecycleStatus.TRIGGERED);
        assertThat(state.getAlert().getEnriched().getStatus()).isEqualTo(EnrichmentStatus.COMPLETE);
        assertThat(state.getTimeline().get(state.getTimeline().size() - 1).getDetail())
                .isEqualTo("enrichment complete from rule Brute force: 3 rows");
        assertThat(state.getNextEscalationAt()).as("escalation keeps its schedule").isEqualTo(paged.getNextEscalationAt());
    }

    @Test
    void aNewAlertOfAnIncidentWhoseFirstAlertWasResolvedBeforeItWasPagedPagesTheFirstStep() {
        AlertLifecycle closed = lifecycle.routed(Optional.empty(), grouped("c1:a1", SourceStatus.RESOLVED), directory, T0)
                .state().orElseThrow();
        assertThat(closed.getStatus()).isEqualTo(LifecycleStatus.CLOSED);

        Lifecycle.Outcome outcome = lifecycle.routed(Optional.of(closed), grouped("c1:a2"), directory, T0.plusSeconds(180));

        AlertLifecycle page = outcome.state().orElseThrow();
        assertThat(page.getStatus()).isEqualTo(LifecycleStatus.TRIGGERED);
        assertThat(page.getMembers()).containsOnly(Map.entry("c1:a1", SourceStatus.RESOLVED),
                Map.entry("c1:a2", SourceStatus.NEW));
        assertThat(notificationIds(outcome)).containsExactly("c1:incident:33/reopen-1/round-0/step-0/ana/inbox",
                "c1:incident:33/reopen-1/round-0/step-0/ana/email");
        assertThat(outcome.emitted()).noneMatch(SyncCommand.class::isInstance);
        assertThat(page.getTimeline()).last().satisfies(e -> assertThat(e.getType()).isEqualTo("paged"));
        assertThat(page.getTimeline()).anySatisfy(e -> {
            assertThat(e.getType()).isEqualTo("reopened");
            assertThat(e.getDetail()).isEqualTo("new alert c1:a2 \"Suspicious sign-in\" of the same incident");
        });
    }

    @Test
    void aNewAlertOfTheSameIncidentReopensAPageTheResponderClosedAndPagesAgain() {
        AlertLifecycle paged = lifecycle.routed(Optional.empty(), grouped("c1:a1"), directory, T0).state().orElseThrow();
        AlertLifecycle acked = lifecycle.action(Optional.of(paged), action("ack-1", ActionType.ACKNOWLEDGE, "ana"),
                directory, T0.plusSeconds(60)).state().orElseThrow();
        AlertLifecycle closed = lifecycle.action(Optional.of(acked), action("close-1", ActionType.CLOSE, "ana"), directory,
                T0.plusSeconds(120)).state().orElseThrow();
        assertThat(closed.getStatus()).isEqualTo(LifecycleStatus.CLOSED);

        // The attacker is still active: Defender raises another alert of the incident.
        Lifecycle.Outcome outcome = lifecycle.routed(Optional.of(closed), grouped("c1:a2"), directory,
                T0.plusSeconds(600));

        AlertLifecycle reopened = outcome.state().orElseThrow();
        assertThat(reopened.getStatus()).isEqualTo(LifecycleStatus.TRIGGERED);
        assertThat(reopened.getOwner()).as("nobody owns it until someone acknowledges again").isNull();
        assertThat(reopened.getAcknowledgedBy()).isEmpty();
        assertThat(reopened.getReopened()).isEqualTo(1);
        assertThat(notificationIds(outcome)).containsExactly("c1:incident:33/reopen-1/round-0/step-0/ana/inbox",
                "c1:incident:33/reopen-1/round-0/step-0/ana/email");
        // Like a responder's reopen: Azure keeps what the responder told it; the new alert is new there anyway.
        assertThat(outcome.emitted()).noneMatch(SyncCommand.class::isInstance);
        assertThat(reopened.getTimeline()).extracting(e -> e.getType() + ": " + e.getDetail()).endsWith(
                "attached: alert c1:a2 \"Suspicious sign-in\" of the same incident",
                "reopened: new alert c1:a2 \"Suspicious sign-in\" of the same incident",
                "paged: chain default is not configured; paged team soc on call");
    }

    @Test
    void aClosedPageStaysClosedForAResolvedNewAlertARedeliveryOrALateEnrichment() {
        AlertLifecycle paged = lifecycle.routed(Optional.empty(), grouped("c1:a1"), directory, T0).state().orElseThrow();
        AlertLifecycle closed = lifecycle.action(Optional.of(paged), action("close-1", ActionType.CLOSE, "ana"), directory,
                T0.plusSeconds(60)).state().orElseThrow();
        RoutedAlert enrichment = grouped("c1:a1");
        enrichment.getEnriched().setStatus(EnrichmentStatus.COMPLETE);
        enrichment.getEnriched().setRevision(1);

        for (RoutedAlert record : List.of(grouped("c1:a2", SourceStatus.RESOLVED), grouped("c1:a1"), enrichment)) {
            Lifecycle.Outcome outcome = lifecycle.routed(Optional.of(closed), record, directory, T0.plusSeconds(120));
            assertThat(outcome.state().orElseThrow().getStatus()).isEqualTo(LifecycleStatus.CLOSED);
            assertThat(outcome.emitted()).hasSize(1).noneMatch(NotificationRequest.class::isInstance);
            assertThat(outcome.state().orElseThrow().getTimeline()).noneMatch(e -> e.getType().equals("reopened"));
        }
    }
}
