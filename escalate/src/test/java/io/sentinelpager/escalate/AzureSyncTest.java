package io.sentinelpager.escalate;

import static io.sentinelpager.escalate.LifecycleTest.T0;
import static io.sentinelpager.escalate.LifecycleTest.action;
import static io.sentinelpager.escalate.LifecycleTest.grouped;
import static io.sentinelpager.escalate.LifecycleTest.lifecycle;
import static io.sentinelpager.escalate.LifecycleTest.sourceChanged;
import static io.sentinelpager.escalate.LifecycleTest.syncs;
import static io.sentinelpager.escalate.LifecycleTest.withEmail;
import static org.assertj.core.api.Assertions.assertThat;

import io.sentinelpager.schemas.ActionType;
import io.sentinelpager.schemas.AlertAction;
import io.sentinelpager.schemas.AlertLifecycle;
import io.sentinelpager.schemas.AlertSource;
import io.sentinelpager.schemas.LifecycleStatus;
import io.sentinelpager.schemas.NotificationRequest;
import io.sentinelpager.schemas.SourceStatus;
import io.sentinelpager.schemas.SyncCommand;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What Azure is told: which alerts of a page, with which status, assignee and comment. */
class AzureSyncTest {

    @Test
    void acknowledgingOrTakingOwnershipWritesOnlyToTheAlertsAzureHasNotResolved() {
        AlertLifecycle page = lifecycle.routed(Optional.empty(), grouped("c1:a1"), withEmail, T0).state().orElseThrow();
        page = lifecycle.routed(Optional.of(page), grouped("c1:a2"), withEmail, T0).state().orElseThrow();
        page = lifecycle.routed(Optional.of(page), grouped("c1:a3"), withEmail, T0).state().orElseThrow();
        page = lifecycle.action(Optional.of(page), sourceChanged("c1:a2", SourceStatus.RESOLVED), withEmail,
                T0.plusSeconds(30)).state().orElseThrow();

        Lifecycle.Outcome ack = lifecycle.action(Optional.of(page), action("ack-1", ActionType.ACKNOWLEDGE, "ana"),
                withEmail, T0.plusSeconds(60));

        // c1:a2 was resolved in Defender: marking it in progress would open it again there.
        assertThat(syncs(ack)).containsExactly(
                "ack-1/c1:a1 c1:a1 IN_PROGRESS ana@contoso.example class=null comment=null",
                "ack-1/c1:a3 c1:a3 IN_PROGRESS ana@contoso.example class=null comment=null");
        AlertLifecycle acked = ack.state().orElseThrow();
        assertThat(acked.getMembers()).containsOnly(Map.entry("c1:a1", SourceStatus.IN_PROGRESS),
                Map.entry("c1:a2", SourceStatus.RESOLVED), Map.entry("c1:a3", SourceStatus.IN_PROGRESS));

        Lifecycle.Outcome owner = lifecycle.action(Optional.of(acked), action("own-1", ActionType.TAKE_OWNERSHIP, "ben"),
                withEmail, T0.plusSeconds(120));
        assertThat(syncs(owner)).containsExactly("own-1/c1:a1 c1:a1 null ben class=null comment=null",
                "own-1/c1:a3 c1:a3 null ben class=null comment=null");
    }

    @Test
    void afterANewAlertReopensAPageTheResponderClosedAnAcknowledgementLeavesTheClosedAlertsResolved() {
        AlertLifecycle paged = lifecycle.routed(Optional.empty(), grouped("c1:a1"), withEmail, T0).state().orElseThrow();
        AlertLifecycle acked = lifecycle.action(Optional.of(paged), action("ack-1", ActionType.ACKNOWLEDGE, "ana"),
                withEmail, T0.plusSeconds(60)).state().orElseThrow();
        Lifecycle.Outcome close = lifecycle.action(Optional.of(acked), AlertAction.newBuilder(
                action("close-1", ActionType.CLOSE, "ana")).setClassification("truePositive").build(), withEmail,
                T0.plusSeconds(120));
        assertThat(syncs(close)).containsExactly(
                "close-1 c1:a1 RESOLVED ana@contoso.example class=truePositive comment=null");
        AlertLifecycle reopened = lifecycle.routed(close.state(), grouped("c1:a2"), withEmail, T0.plusSeconds(600))
                .state().orElseThrow();

        Lifecycle.Outcome ack = lifecycle.action(Optional.of(reopened), action("ack-2", ActionType.ACKNOWLEDGE, "ben"),
                withEmail, T0.plusSeconds(660));

        assertThat(ack.state().orElseThrow().getStatus()).isEqualTo(LifecycleStatus.ACKNOWLEDGED);
        assertThat(syncs(ack)).containsExactly("ack-2/c1:a2 c1:a2 IN_PROGRESS ben class=null comment=null");
        // Ingest drops the echo of our own write, so the page records what it asked Azure for.
        assertThat(close.state().orElseThrow().getMembers()).containsOnly(Map.entry("c1:a1", SourceStatus.RESOLVED));
        // And with c1:a1 known resolved, Azure resolving the new alert closes the page.
        Lifecycle.Outcome resolved = lifecycle.action(ack.state(), sourceChanged("c1:a2", SourceStatus.RESOLVED),
                withEmail, T0.plusSeconds(900));
        assertThat(resolved.state().orElseThrow().getStatus()).isEqualTo(LifecycleStatus.CLOSED);
    }

    @Test
    void closingResolvesEveryAlertNotYetResolvedAndCommentsReachThemAll() {
        AlertLifecycle page = lifecycle.routed(Optional.empty(), grouped("c1:a1"), withEmail, T0).state().orElseThrow();
        page = lifecycle.routed(Optional.of(page), grouped("c1:a2"), withEmail, T0).state().orElseThrow();
        page = lifecycle.routed(Optional.of(page), grouped("c1:a3"), withEmail, T0).state().orElseThrow();
        page = lifecycle.action(Optional.of(page), sourceChanged("c1:a2", SourceStatus.RESOLVED), withEmail,
                T0.plusSeconds(30)).state().orElseThrow();
        page = lifecycle.action(Optional.of(page), sourceChanged("c1:a3", SourceStatus.IN_PROGRESS), withEmail,
                T0.plusSeconds(30)).state().orElseThrow();

        Lifecycle.Outcome comment = lifecycle.action(Optional.of(page), AlertAction.newBuilder(
                action("note-1", ActionType.ANNOTATE, "ana")).setComment("isolating pc-17").build(), withEmail,
                T0.plusSeconds(60));
        assertThat(syncs(comment)).containsExactly(
                "note-1/c1:a1 c1:a1 null null class=null comment=ana (Sentinel Pager): isolating pc-17",
                "note-1/c1:a2 c1:a2 null null class=null comment=ana (Sentinel Pager): isolating pc-17",
                "note-1/c1:a3 c1:a3 null null class=null comment=ana (Sentinel Pager): isolating pc-17");

        Lifecycle.Outcome close = lifecycle.action(comment.state(), AlertAction.newBuilder(
                action("close-1", ActionType.CLOSE, "ana")).setClassification("truePositive").setComment("contained")
                .build(), withEmail, T0.plusSeconds(120));

        // The analyst who resolved c1:a2 keeps their classification and assignment; the closing note reaches it.
        assertThat(syncs(close)).containsExactly(
                "close-1/c1:a1 c1:a1 RESOLVED ana@contoso.example class=truePositive comment=ana (Sentinel Pager): contained",
                "close-1/c1:a2 c1:a2 null null class=null comment=ana (Sentinel Pager): contained",
                "close-1/c1:a3 c1:a3 RESOLVED ana@contoso.example class=truePositive comment=ana (Sentinel Pager): contained");
        assertThat(close.state().orElseThrow().getMembers()).containsOnly(Map.entry("c1:a1", SourceStatus.RESOLVED),
                Map.entry("c1:a2", SourceStatus.RESOLVED), Map.entry("c1:a3", SourceStatus.RESOLVED));
    }

    @Test
    void aNewAlertOfAnAcknowledgedPageIsMarkedInProgressForTheOwnerInAzureWithoutPagingAgain() {
        AlertLifecycle paged = lifecycle.routed(Optional.empty(), grouped("c1:a1"), withEmail, T0).state().orElseThrow();
        AlertLifecycle acked = lifecycle.action(Optional.of(paged), action("ack-1", ActionType.ACKNOWLEDGE, "ana"),
                withEmail, T0.plusSeconds(60)).state().orElseThrow();

        Lifecycle.Outcome outcome = lifecycle.routed(Optional.of(acked), grouped("c1:a2"), withEmail, T0.plusSeconds(600));

        AlertLifecycle page = outcome.state().orElseThrow();
        assertThat(page.getStatus()).isEqualTo(LifecycleStatus.ACKNOWLEDGED);
        assertThat(page.getOwner()).isEqualTo("ana");
        assertThat(outcome.emitted()).noneMatch(NotificationRequest.class::isInstance);
        // Like the acknowledgement did for c1:a1: otherwise Defender shows c1:a2 new and unassigned, free to be taken.
        assertThat(syncs(outcome)).containsExactly(
                "c1:incident:33/attached/c1:a2 c1:a2 IN_PROGRESS ana@contoso.example class=null comment=null");
        SyncCommand command = (SyncCommand) outcome.emitted().get(1);
        assertThat(command.getConnectorId()).isEqualTo("c1");
        assertThat(command.getAlertId()).isEqualTo("a2");
        assertThat(command.getSource()).isEqualTo(AlertSource.GRAPH);
        assertThat(command.getRequestedAt()).isEqualTo(T0.plusSeconds(600));
        assertThat(page.getMembers()).containsOnly(Map.entry("c1:a1", SourceStatus.IN_PROGRESS),
                Map.entry("c1:a2", SourceStatus.IN_PROGRESS));
        assertThat(page.getTimeline()).extracting(e -> e.getType() + ": " + e.getDetail()).endsWith(
                "attached: alert c1:a2 \"Suspicious sign-in\" of the same incident",
                "synced: alert c1:a2 joins an acknowledged page: in progress in Azure, assigned to ana@contoso.example");

        // The same record replayed after a crash asks again under the same id, which syncback and ingest know.
        assertThat(syncs(lifecycle.routed(Optional.of(acked), grouped("c1:a2"), withEmail, T0.plusSeconds(601))))
                .containsExactly(
                        "c1:incident:33/attached/c1:a2 c1:a2 IN_PROGRESS ana@contoso.example class=null comment=null");
        // A re-delivery of an alert the page has, or a new alert Azure already resolved, asks nothing.
        assertThat(syncs(lifecycle.routed(Optional.of(page), grouped("c1:a2"), withEmail, T0.plusSeconds(700))))
                .isEmpty();
        Lifecycle.Outcome resolved = lifecycle.routed(Optional.of(page), grouped("c1:a3", SourceStatus.RESOLVED),
                withEmail, T0.plusSeconds(700));
        assertThat(syncs(resolved)).isEmpty();
        assertThat(resolved.state().orElseThrow().getMembers()).containsEntry("c1:a3", SourceStatus.RESOLVED);
    }

    @Test
    void aNewAlertOfAPageSomeoneOwnsIsAssignedInAzureToWhoeverOwnsItNow() {
        AlertLifecycle paged = lifecycle.routed(Optional.empty(), grouped("c1:a1"), withEmail, T0).state().orElseThrow();
        AlertLifecycle owned = lifecycle.action(Optional.of(paged), action("own-1", ActionType.TAKE_OWNERSHIP, "ana"),
                withEmail, T0.plusSeconds(60)).state().orElseThrow();

        // Owned but not acknowledged: taking ownership only assigned the alerts, so the new one is only assigned too.
        Lifecycle.Outcome joined = lifecycle.routed(Optional.of(owned), grouped("c1:a2"), withEmail, T0.plusSeconds(120));
        assertThat(joined.state().orElseThrow().getStatus()).isEqualTo(LifecycleStatus.TRIGGERED);
        assertThat(syncs(joined)).containsExactly(
                "c1:incident:33/attached/c1:a2 c1:a2 null ana@contoso.example class=null comment=null");
        assertThat(joined.state().orElseThrow().getMembers()).containsEntry("c1:a2", SourceStatus.NEW);
        assertThat(joined.state().orElseThrow().getTimeline()).last().satisfies(e -> assertThat(e.getDetail())
                .isEqualTo("alert c1:a2 joins a page ana owns: assigned to ana@contoso.example in Azure"));

        // Acknowledged by ana, then ben took it over: the alerts are ben's in Azure, and so is the next one.
        AlertLifecycle acked = lifecycle.action(joined.state(), action("ack-1", ActionType.ACKNOWLEDGE, "ana"), withEmail,
                T0.plusSeconds(180)).state().orElseThrow();
        AlertLifecycle bens = lifecycle.action(Optional.of(acked), action("own-2", ActionType.TAKE_OWNERSHIP, "ben"),
                withEmail, T0.plusSeconds(240)).state().orElseThrow();
        assertThat(syncs(lifecycle.routed(Optional.of(bens), grouped("c1:a3"), withEmail, T0.plusSeconds(300))))
                .containsExactly("c1:incident:33/attached/c1:a3 c1:a3 IN_PROGRESS ben class=null comment=null");

        // Nobody owns a page that is only paging: a new alert of it stays Azure's business until someone acts.
        assertThat(syncs(lifecycle.routed(Optional.of(paged), grouped("c1:a2"), withEmail, T0.plusSeconds(120))))
                .isEmpty();
    }
}
