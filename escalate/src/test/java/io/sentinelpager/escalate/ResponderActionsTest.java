package io.sentinelpager.escalate;

import static io.sentinelpager.escalate.LifecycleTest.T0;
import static io.sentinelpager.escalate.LifecycleTest.action;
import static io.sentinelpager.escalate.LifecycleTest.directory;
import static io.sentinelpager.escalate.LifecycleTest.grouped;
import static io.sentinelpager.escalate.LifecycleTest.inMaintenance;
import static io.sentinelpager.escalate.LifecycleTest.lifecycle;
import static io.sentinelpager.escalate.LifecycleTest.routed;
import static io.sentinelpager.escalate.LifecycleTest.sourceChanged;
import static io.sentinelpager.escalate.LifecycleTest.step;
import static io.sentinelpager.escalate.LifecycleTest.syncs;
import static io.sentinelpager.escalate.LifecycleTest.target;
import static io.sentinelpager.escalate.LifecycleTest.withEmail;
import static org.assertj.core.api.Assertions.assertThat;

import io.sentinelpager.schemas.ActionType;
import io.sentinelpager.schemas.AlertAction;
import io.sentinelpager.schemas.AlertLifecycle;
import io.sentinelpager.schemas.AlertSource;
import io.sentinelpager.schemas.LifecycleStatus;
import io.sentinelpager.schemas.NotificationRequest;
import io.sentinelpager.schemas.RoutedAlert;
import io.sentinelpager.schemas.SourceStatus;
import io.sentinelpager.schemas.SyncCommand;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A responder's acknowledgement, ownership and close, and what each changes. */
class ResponderActionsTest {

    @Test
    void acknowledgeSetsOwnerAndAsksAzureToMarkInProgressOnce() {
        AlertLifecycle paged = lifecycle.routed(Optional.empty(), routed(SourceStatus.NEW), directory, T0).state().orElseThrow();
        Lifecycle.Outcome ack = lifecycle.action(Optional.of(paged), action("act-1", ActionType.ACKNOWLEDGE, "ana"), directory, T0);

        AlertLifecycle state = ack.state().orElseThrow();
        assertThat(state.getStatus()).isEqualTo(LifecycleStatus.ACKNOWLEDGED);
        assertThat(state.getOwner()).isEqualTo("ana");
        List<SyncCommand> commands = ack.emitted().stream().filter(SyncCommand.class::isInstance)
                .map(SyncCommand.class::cast).toList();
        assertThat(commands).as("Azure is asked once to mark it in progress").hasSize(1);
        SyncCommand sync = commands.get(0);
        assertThat(sync.getCommandId()).isEqualTo("act-1");
        assertThat(sync.getTargetStatus()).isEqualTo(SourceStatus.IN_PROGRESS);
        assertThat(sync.getAssignedTo()).isEqualTo("ana");
        assertThat(sync.getAlertId()).isEqualTo("a1");

        Lifecycle.Outcome again = lifecycle.action(Optional.of(state), action("act-2", ActionType.ACKNOWLEDGE, "ben"), directory, T0);
        assertThat(again.emitted()).noneMatch(SyncCommand.class::isInstance);
        assertThat(again.state().orElseThrow().getOwner()).isEqualTo("ana");
    }

    @Test
    void anAcknowledgementLeavesThePageWithWhoeverTookOwnershipAndRecordsEveryAcknowledger() {
        AlertLifecycle paged = lifecycle.routed(Optional.empty(), routed(SourceStatus.NEW), withEmail, T0).state().orElseThrow();
        Lifecycle.Outcome own = lifecycle.action(Optional.of(paged), action("own-1", ActionType.TAKE_OWNERSHIP, "ana"),
                withEmail, T0.plusSeconds(60));
        assertThat(syncs(own)).containsExactly("own-1 c1:a1 null ana@contoso.example class=null comment=null");

        // Ben acknowledges from a push on his phone: he has seen it, but ana chose to own it.
        Lifecycle.Outcome ack = lifecycle.action(own.state(), action("ack-1", ActionType.ACKNOWLEDGE, "ben"), withEmail,
                T0.plusSeconds(120));

        AlertLifecycle acked = ack.state().orElseThrow();
        assertThat(acked.getStatus()).isEqualTo(LifecycleStatus.ACKNOWLEDGED);
        assertThat(acked.getOwner()).isEqualTo("ana");
        assertThat(acked.getAcknowledgedBy()).containsExactly("ben");
        assertThat(acked.getNextEscalationAt()).isNull();
        // In progress, and Azure's assignee stays ana: the owner did not change.
        assertThat(syncs(ack)).containsExactly("ack-1 c1:a1 IN_PROGRESS null class=null comment=null");
        assertThat(acked.getTimeline()).last().satisfies(e -> assertThat(e.getType() + " " + e.getActor())
                .isEqualTo("acknowledged ben"));

        // Another acknowledger of the acknowledged page is recorded; nothing changes in Azure.
        Lifecycle.Outcome second = lifecycle.action(Optional.of(acked), action("ack-2", ActionType.ACKNOWLEDGE, "cho"),
                withEmail, T0.plusSeconds(180));
        assertThat(second.state().orElseThrow().getOwner()).isEqualTo("ana");
        assertThat(second.state().orElseThrow().getAcknowledgedBy()).containsExactly("ben", "cho");
        assertThat(syncs(second)).isEmpty();
        // The same person again is a repeat.
        Lifecycle.Outcome repeat = lifecycle.action(second.state(), action("ack-3", ActionType.ACKNOWLEDGE, "ben"),
                withEmail, T0.plusSeconds(240));
        assertThat(repeat.state().orElseThrow().getAcknowledgedBy()).containsExactly("ben", "cho");
        assertThat(repeat.state().orElseThrow().getTimeline()).last().satisfies(e -> assertThat(e.getType())
                .isEqualTo("ignored"));
        assertThat(syncs(repeat)).isEmpty();

        // Taking ownership is what moves a page to someone else, in Azure too.
        Lifecycle.Outcome takeOver = lifecycle.action(repeat.state(), action("own-2", ActionType.TAKE_OWNERSHIP, "ben"),
                withEmail, T0.plusSeconds(300));
        assertThat(takeOver.state().orElseThrow().getOwner()).isEqualTo("ben");
        assertThat(syncs(takeOver)).containsExactly("own-2 c1:a1 null ben class=null comment=null");
    }

    @Test
    void withMultiAckTheFirstAcknowledgerOwnsAnUnownedPageAndAnOwnerKeepsIt() {
        io.sentinelpager.schemas.EscalationChainConfig chain = io.sentinelpager.schemas.EscalationChainConfig.newBuilder()
                .setId("default").setName("both").setMultiAck(true).setSteps(List.of(step(10,
                        target(io.sentinelpager.schemas.TargetKind.USER, "ana"),
                        target(io.sentinelpager.schemas.TargetKind.USER, "ben"))))
                .build();
        Lifecycle.Directory multiAck = new Lifecycle.Directory(withEmail.teams(), withEmail.users(), Map.of(),
                Map.of("default", chain)::get);
        AlertLifecycle paged = lifecycle.routed(Optional.empty(), routed(SourceStatus.NEW), multiAck, T0).state().orElseThrow();

        // Nobody owns it: the first to acknowledge does once the step is complete, as before.
        AlertLifecycle benFirst = lifecycle.action(Optional.of(paged), action("ack-b", ActionType.ACKNOWLEDGE, "ben"),
                multiAck, T0.plusSeconds(60)).state().orElseThrow();
        assertThat(benFirst.getStatus()).isEqualTo(LifecycleStatus.TRIGGERED);
        assertThat(benFirst.getOwner()).isNull();
        Lifecycle.Outcome both = lifecycle.action(Optional.of(benFirst), action("ack-a", ActionType.ACKNOWLEDGE, "ana"),
                multiAck, T0.plusSeconds(120));
        assertThat(both.state().orElseThrow().getStatus()).isEqualTo(LifecycleStatus.ACKNOWLEDGED);
        assertThat(both.state().orElseThrow().getOwner()).isEqualTo("ben");
        assertThat(both.state().orElseThrow().getAcknowledgedBy()).containsExactly("ben", "ana");
        assertThat(syncs(both)).containsExactly("ack-a c1:a1 IN_PROGRESS ben class=null comment=null");

        // Cho, not paged, took ownership first: the step's acknowledgements complete it, cho keeps it.
        AlertLifecycle owned = lifecycle.action(Optional.of(paged), action("own-c", ActionType.TAKE_OWNERSHIP, "cho"),
                multiAck, T0.plusSeconds(30)).state().orElseThrow();
        AlertLifecycle oneAcked = lifecycle.action(Optional.of(owned), action("ack-b", ActionType.ACKNOWLEDGE, "ben"),
                multiAck, T0.plusSeconds(60)).state().orElseThrow();
        assertThat(oneAcked.getStatus()).isEqualTo(LifecycleStatus.TRIGGERED);
        assertThat(oneAcked.getOwner()).isEqualTo("cho");
        Lifecycle.Outcome complete = lifecycle.action(Optional.of(oneAcked), action("ack-a", ActionType.ACKNOWLEDGE, "ana"),
                multiAck, T0.plusSeconds(120));
        assertThat(complete.state().orElseThrow().getStatus()).isEqualTo(LifecycleStatus.ACKNOWLEDGED);
        assertThat(complete.state().orElseThrow().getOwner()).isEqualTo("cho");
        assertThat(complete.state().orElseThrow().getAcknowledgedBy()).containsExactly("ben", "ana");
        assertThat(syncs(complete)).containsExactly("ack-a c1:a1 IN_PROGRESS null class=null comment=null");
    }

    @Test
    void aResponderClosesASuppressedPageIntoAzureWithoutPagingAnyone() {
        Lifecycle.Directory suppressing = inMaintenance(io.sentinelpager.schemas.MaintenanceMode.SUPPRESS,
                T0.plusSeconds(3600));
        AlertLifecycle page = lifecycle.routed(Optional.empty(), grouped("c1:a1"), suppressing, T0).state().orElseThrow();
        page = lifecycle.routed(Optional.of(page), grouped("c1:a2"), suppressing, T0).state().orElseThrow();
        page = lifecycle.routed(Optional.of(page), grouped("c1:a3"), suppressing, T0).state().orElseThrow();
        page = lifecycle.action(Optional.of(page), sourceChanged("c1:a3", SourceStatus.RESOLVED), suppressing,
                T0.plusSeconds(30)).state().orElseThrow();
        assertThat(page.getStatus()).isEqualTo(LifecycleStatus.CLOSED);
        AlertLifecycle suppressed = page;
        AlertAction close = AlertAction.newBuilder(action("close-1", ActionType.CLOSE, "ana"))
                .setAlertKey("c1:incident:33").setClassification("falsePositive").setComment("pen test traffic").build();

        Lifecycle.Outcome closed = lifecycle.action(Optional.of(suppressed), close, suppressing, T0.plusSeconds(600));

        // Resolved with the classification where Azure still has the alerts open; the analyst's c1:a3 gets the note.
        assertThat(syncs(closed)).containsExactly(
                "close-1/c1:a1 c1:a1 RESOLVED ana class=falsePositive comment=ana (Sentinel Pager): pen test traffic",
                "close-1/c1:a2 c1:a2 RESOLVED ana class=falsePositive comment=ana (Sentinel Pager): pen test traffic",
                "close-1/c1:a3 c1:a3 null null class=null comment=ana (Sentinel Pager): pen test traffic");
        assertThat(closed.emitted()).noneMatch(NotificationRequest.class::isInstance);
        AlertLifecycle state = closed.state().orElseThrow();
        assertThat(state.getStatus()).isEqualTo(LifecycleStatus.CLOSED);
        assertThat(state.getNextEscalationAt()).isNull();
        assertThat(state.getMembers()).containsOnly(Map.entry("c1:a1", SourceStatus.RESOLVED),
                Map.entry("c1:a2", SourceStatus.RESOLVED), Map.entry("c1:a3", SourceStatus.RESOLVED));
        assertThat(state.getTimeline()).last().satisfies(e -> assertThat(e.getType() + " " + e.getActor() + " "
                + e.getDetail()).isEqualTo("closed ana resolved in Azure: pen test traffic"));

        // A replay of the close after a crash asks the same under the same ids.
        assertThat(syncs(lifecycle.action(Optional.of(suppressed), close, suppressing, T0.plusSeconds(601))))
                .isEqualTo(syncs(closed));
        // Another close finds nothing open in Azure: nothing is written twice.
        Lifecycle.Outcome again = lifecycle.action(closed.state(), AlertAction.newBuilder(close).setActionId("close-2")
                .build(), suppressing, T0.plusSeconds(660));
        assertThat(again.emitted()).noneMatch(SyncCommand.class::isInstance).noneMatch(NotificationRequest.class::isInstance);
        assertThat(again.state().orElseThrow().getTimeline()).last().satisfies(e -> assertThat(e.getType())
                .isEqualTo("ignored"));
    }

    @Test
    void aCloseOfAPageAlreadyClosedByAResponderOrResolvedInAzureWritesNothing() {
        AlertAction close = AlertAction.newBuilder(action("close-2", ActionType.CLOSE, "ben"))
                .setClassification("truePositive").setComment("done").build();
        AlertLifecycle paged = lifecycle.routed(Optional.empty(), routed(SourceStatus.NEW), withEmail, T0).state().orElseThrow();
        AlertLifecycle byResponder = lifecycle.action(Optional.of(paged), AlertAction.newBuilder(
                action("close-1", ActionType.CLOSE, "ana")).setClassification("truePositive").build(), withEmail,
                T0.plusSeconds(60)).state().orElseThrow();
        AlertLifecycle byAzure = lifecycle.action(Optional.of(paged), sourceChanged("c1:a1", SourceStatus.RESOLVED),
                withEmail, T0.plusSeconds(60)).state().orElseThrow();
        assertThat(byResponder.getClassification()).as("the close's classification, which the reports count")
                .isEqualTo("truePositive");
        AlertLifecycle resolvedBeforePaged = lifecycle.routed(Optional.empty(), routed(SourceStatus.RESOLVED), withEmail, T0)
                .state().orElseThrow();
        // Raised by the pager itself: there is nothing in Azure to close, whatever its members say.
        RoutedAlert ours = routed(SourceStatus.NEW);
        ours.getEnriched().getAlert().setSource(AlertSource.PAGER);
        AlertLifecycle pagerAlert = lifecycle.action(lifecycle.routed(Optional.empty(), ours, withEmail, T0).state(),
                action("close-1", ActionType.CLOSE, "ana"), withEmail, T0.plusSeconds(60)).state().orElseThrow();
        assertThat(pagerAlert.getStatus()).isEqualTo(LifecycleStatus.CLOSED);

        for (AlertLifecycle closed : List.of(byResponder, byAzure, resolvedBeforePaged, pagerAlert)) {
            Lifecycle.Outcome outcome = lifecycle.action(Optional.of(closed), close, withEmail, T0.plusSeconds(120));
            assertThat(outcome.emitted()).noneMatch(SyncCommand.class::isInstance)
                    .noneMatch(NotificationRequest.class::isInstance);
            assertThat(outcome.state().orElseThrow().getTimeline()).last().satisfies(e -> assertThat(
                    e.getType() + ": " + e.getDetail()).isEqualTo("ignored: close ignored: already closed"));
        }
    }

    @Test
    void takingOwnershipOfAClosedPageOrOfOnesOwnPageChangesNothingAndWritesNothingToAzure() {
        AlertLifecycle paged = lifecycle.routed(Optional.empty(), routed(SourceStatus.NEW), withEmail, T0).state().orElseThrow();
        AlertLifecycle owned = lifecycle.action(Optional.of(paged), action("own-1", ActionType.TAKE_OWNERSHIP, "ana"),
                withEmail, T0.plusSeconds(30)).state().orElseThrow();
        AlertLifecycle byResponder = lifecycle.action(Optional.of(owned), AlertAction.newBuilder(
                action("close-1", ActionType.CLOSE, "ana")).setClassification("truePositive").build(), withEmail,
                T0.plusSeconds(60)).state().orElseThrow();
        AlertLifecycle byAzure = lifecycle.action(Optional.of(owned), sourceChanged("c1:a1", SourceStatus.RESOLVED),
                withEmail, T0.plusSeconds(60)).state().orElseThrow();
        // Suppressed: closed here while Azure still has the alert new; only a close resolves it there.
        AlertLifecycle suppressed = lifecycle.routed(Optional.empty(), routed(SourceStatus.NEW),
                inMaintenance(io.sentinelpager.schemas.MaintenanceMode.SUPPRESS, T0.plusSeconds(3600)), T0)
                .state().orElseThrow();
        assertThat(suppressed.getStatus()).isEqualTo(LifecycleStatus.CLOSED);

        for (AlertLifecycle closed : List.of(byResponder, byAzure, suppressed)) {
            Lifecycle.Outcome outcome = lifecycle.action(Optional.of(closed),
                    action("own-2", ActionType.TAKE_OWNERSHIP, "ben"), withEmail, T0.plusSeconds(120));
            AlertLifecycle state = outcome.state().orElseThrow();
            assertThat(outcome.emitted()).noneMatch(SyncCommand.class::isInstance)
                    .noneMatch(NotificationRequest.class::isInstance);
            assertThat(state.getOwner()).isEqualTo(closed.getOwner());
            assertThat(state.getStatus()).isEqualTo(LifecycleStatus.CLOSED);
            assertThat(state.getMembers()).isEqualTo(closed.getMembers());
            assertThat(state.getTimeline()).last().satisfies(e -> assertThat(e.getType() + " " + e.getActor() + ": "
                    + e.getDetail()).isEqualTo("ignored ben: take ownership ignored: alert is closed"));
        }

        // The owner taking it again: Azure's assignee is not rewritten.
        Lifecycle.Outcome again = lifecycle.action(Optional.of(owned), action("own-3", ActionType.TAKE_OWNERSHIP, "ana"),
                withEmail, T0.plusSeconds(90));
        assertThat(again.emitted()).noneMatch(SyncCommand.class::isInstance);
        assertThat(again.state().orElseThrow().getOwner()).isEqualTo("ana");
        assertThat(again.state().orElseThrow().getTimeline()).last().satisfies(e -> assertThat(e.getType() + ": "
                + e.getDetail()).isEqualTo("ignored: take ownership ignored: ana owns it already"));
    }
}
