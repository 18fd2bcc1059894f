package io.sentinelpager.escalate;

import static org.assertj.core.api.Assertions.assertThat;

import io.sentinelpager.platform.local.LocalCluster;
import io.sentinelpager.schemas.ActionType;
import io.sentinelpager.schemas.AlertAction;
import io.sentinelpager.schemas.AlertLifecycle;
import io.sentinelpager.schemas.ContactMethod;
import io.sentinelpager.schemas.ContactMethodType;
import io.sentinelpager.schemas.DeliveryOutcome;
import io.sentinelpager.schemas.DeliveryReceipt;
import io.sentinelpager.schemas.EscalationChainConfig;
import io.sentinelpager.schemas.EscalationStep;
import io.sentinelpager.schemas.EscalationTarget;
import io.sentinelpager.schemas.LifecycleStatus;
import io.sentinelpager.schemas.MaintenanceMode;
import io.sentinelpager.schemas.MaintenanceWindow;
import io.sentinelpager.schemas.NotificationRequest;
import io.sentinelpager.schemas.NotificationRule;
import io.sentinelpager.schemas.RoutedAlert;
import io.sentinelpager.schemas.SourceStatus;
import io.sentinelpager.schemas.SyncCommand;
import io.sentinelpager.schemas.TargetKind;
import io.sentinelpager.schemas.TeamConfig;
import io.sentinelpager.schemas.Topics;
import io.sentinelpager.schemas.Urgency;
import io.sentinelpager.schemas.UserConfig;
import io.sentinelpager.testkit.LocalClusterExtension;
import io.sentinelpager.testkit.MutableClock;
import io.sentinelpager.testkit.TopologyHarness;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The escalate topology driven by Kafka's TopologyTestDriver with the real registry serdes, the clock fast-forwarded
 * minute by minute: who is paged when, through three steps and two repeats, and how an acknowledgement stops it.
 */
@ExtendWith(LocalClusterExtension.class)
class EscalateTopologyIT {

    static final Instant T0 = Instant.parse("2026-11-29T03:00:00Z");

    @TempDir
    Path stateDir;
    TopologyHarness harness;
    MutableClock clock;
    TestInputTopic<String, SpecificRecord> routed;
    TestInputTopic<String, SpecificRecord> actions;
    TestOutputTopic<String, SpecificRecord> notifications;
    TestOutputTopic<String, SpecificRecord> urgentNotifications;
    TestOutputTopic<String, SpecificRecord> sync;
    TestOutputTopic<String, SpecificRecord> state;
    AlertLifecycle latest;
    final Map<String, AlertLifecycle> states = new java.util.HashMap<>();

    @BeforeEach
    void start(LocalCluster cluster) {
        harness = TopologyHarness.start("escalate-test", cluster, stateDir, T0, Map.of(), context -> EscalateTopology
                .build(context, new EscalateConfig("https://pager")));
        clock = harness.clock();
        routed = harness.input(Topics.ALERTS_ROUTED.name());
        actions = harness.input(Topics.ALERT_ACTIONS.name());
        notifications = harness.output(Topics.NOTIFICATIONS_OUT.name());
        urgentNotifications = harness.output(Topics.NOTIFICATIONS_URGENT.name());
        sync = harness.output(Topics.SYNC_COMMANDS.name());
        state = harness.output(Topics.ALERT_STATE.name());

        publish(Topics.CONFIG_USERS.name(), Map.of("ana", user("ana"), "ben", user("ben"), "cho", user("cho")));
        publish(Topics.CONFIG_TEAMS.name(), Map.of("soc", TeamConfig.newBuilder().setId("soc").setName("SOC")
                .setMembers(List.of("ana", "ben", "cho")).build()));
        publish(Topics.CONFIG_ESCALATIONS.name(), Map.of("default", EscalationChainConfig.newBuilder().setId("default")
                .setName("default").setRepeat(2).setSteps(List.of(
                        step(5, target(TargetKind.USER, "ana")),
                        step(10, target(TargetKind.USER, "ben")),
                        step(15, target(TargetKind.TEAM, "soc")))).build()));
    }

    @AfterEach
    void stop() {
        harness.close();
    }

    @Test
    void aPageRepeated500TimesKeepsPagingWithEveryStateRecordWithinTheTopicsLimit() {
        publish(Topics.CONFIG_ESCALATIONS.name(), Map.of("nagging", EscalationChainConfig.newBuilder().setId("nagging")
                .setName("nagging").setRepeat(500).setSteps(List.of(step(5, target(TargetKind.USER, "ana")))).build()));
        RoutedAlert alert = LifecycleTest.routed(SourceStatus.NEW);
        alert.setEscalationChainId("nagging");
        routed.pipeInput("c1:a1", alert, T0);

        int largest = 0;
        int pages = 0;
        for (int minute = 0; minute <= 501 * 5; minute += 5) {
            pages += drain().size();
            for (TestRecord<String, SpecificRecord> record : state.readRecordsToList()) {
                // The bytes the service's producer writes, through the registry serde.
                largest = Math.max(largest, harness.context().serdes().value(AlertLifecycle.class).serializer()
                        .serialize(Topics.ALERT_STATE.name(), (AlertLifecycle) record.value()).length);
                latest = (AlertLifecycle) record.value();
            }
            harness.advance(Duration.ofMinutes(5));
        }
        System.out.println("EscalateTopologyIT: a page repeated 500 times: largest alert.state record " + largest
                + " bytes");

        assertThat(pages).as("the first page and 500 repeats").isEqualTo(501);
        assertThat(largest).isLessThanOrEqualTo(io.sentinelpager.schemas.RecordLimits.MAX_RECORD_BYTES);
        assertThat(latest.getEscalationRound()).isEqualTo(500);
        assertThat(latest.getTimelineDropped()).isPositive();
        actions.pipeInput("c1:a1", LifecycleTest.action("ack", ActionType.ACKNOWLEDGE, "ana"), clock.instant());
        assertThat(lastState().getStatus()).isEqualTo(LifecycleStatus.ACKNOWLEDGED);
    }

    @Test
    void aBurstOfStepsDueTogetherFiresInBatchesThoseDueFirstFirst() {
        int alerts = 2 * LifecycleProcessor.TIMER_BATCH + 100;
        for (int i = 0; i < alerts; i++) {
            RoutedAlert alert = LifecycleTest.routed(SourceStatus.NEW);
            alert.getEnriched().getAlert().setAlertKey("c1:a" + i);
            alert.getEnriched().getAlert().setAlertId("a" + i);
            routed.pipeInput("c1:a" + i, alert, clock.instant());
            clock.advance(Duration.ofMillis(1)); // each one's second step falls due 1 ms after the one before
        }
        assertThat(drain()).as("every alert's first step").hasSize(alerts);

        harness.advance(Duration.ofMinutes(5).plusSeconds(5)); // every second step is due now
        List<String> first = secondSteps();
        harness.advance(LifecycleProcessor.TIMER_CATCH_UP);
        List<String> second = secondSteps();
        harness.advance(LifecycleProcessor.TIMER_CATCH_UP);
        List<String> third = secondSteps();
        harness.advance(LifecycleProcessor.TIMER_SCAN);

        assertThat(first).as("one scan fires one batch, the steps due first")
                .containsExactlyElementsOf(alertKeys(0, LifecycleProcessor.TIMER_BATCH));
        assertThat(second).as("the next batch follows at the catch-up scan")
                .containsExactlyElementsOf(alertKeys(LifecycleProcessor.TIMER_BATCH, 2 * LifecycleProcessor.TIMER_BATCH));
        assertThat(third).containsExactlyElementsOf(alertKeys(2 * LifecycleProcessor.TIMER_BATCH, alerts));
        assertThat(secondSteps()).as("each step fired once").isEmpty();
    }

    /** The alerts whose page went to ben (the chain's second step) since the last read, in the order written. */
    private List<String> secondSteps() {
        List<String> keys = new ArrayList<>();
        for (TestRecord<String, SpecificRecord> r : readNotifications()) {
            NotificationRequest n = (NotificationRequest) r.value();
            assertThat(n.getUserId()).isEqualTo("ben");
            keys.add(n.getAlertKey());
        }
        return keys;
    }

    private static List<String> alertKeys(int from, int to) {
        List<String> keys = new ArrayList<>();
        for (int i = from; i < to; i++) {
            keys.add("c1:a" + i);
        }
        return keys;
    }

    @Test
    void aHighUrgencyPageAndItsLaterStepsGoOnTheUrgentLaneAndALowOneOnNotificationsOut() {
        RoutedAlert low = LifecycleTest.routed(SourceStatus.NEW);
        low.setUrgency(Urgency.LOW);
        routed.pipeInput("c1:low", low, T0);
        harness.input(Topics.ALERTS_ROUTED_URGENT.name()).pipeInput("c1:high", LifecycleTest.routed(SourceStatus.NEW),
                T0);
        harness.advance(Duration.ofMinutes(5));

        assertThat(notifications.readRecordsToList()).extracting(r -> ((NotificationRequest) r.value()).getUrgency()
                + " " + ((NotificationRequest) r.value()).getUserId()).containsExactly("LOW ana", "LOW ben");
        assertThat(urgentNotifications.readRecordsToList()).as("the first step, then the one a timer fired")
                .extracting(r -> ((NotificationRequest) r.value()).getUrgency() + " "
                        + ((NotificationRequest) r.value()).getUserId() + " " + r.getRecordTime())
                .containsExactly("HIGH ana " + T0, "HIGH ben " + T0.plus(Duration.ofMinutes(5)));
    }

    @Test
    void unansweredAlertWalksThreeStepsTwoRepeatsThenStops() {
        routed.pipeInput("c1:a1", LifecycleTest.routed(SourceStatus.NEW), T0);
        List<String> paged = runMinutes(120);

        assertThat(paged).containsExactly(
                "0 ana",                       // step 1
                "5 ben",                       // step 2 after 5 min
                "15 ana", "15 ben", "15 cho",  // step 3 (whole team) after 10 more
                "30 ana", "35 ben", "45 ana", "45 ben", "45 cho",   // repeat 1
                "60 ana", "65 ben", "75 ana", "75 ben", "75 cho");  // repeat 2, then nothing more
        AlertLifecycle last = lastState();
        assertThat(last.getStatus()).isEqualTo(LifecycleStatus.TRIGGERED);
        assertThat(last.getNextEscalationAt()).isNull();
        assertThat(last.getTimeline()).anySatisfy(e -> assertThat(e.getType()).isEqualTo("escalation-exhausted"));
    }

    @Test
    void aPageWhoseOutcomeIsUnknownAfterANotifyCrashEscalatesAfterTheStepsWaitNotAtOnce() {
        routed.pipeInput("c1:a1", LifecycleTest.routed(SourceStatus.NEW), T0);
        List<String> paged = new ArrayList<>(drain());
        assertThat(paged).containsExactly("0 ana");
        String inbox = lastState().getStepDeliveries().keySet().iterator().next();

        // 20 s later notify, restarted after a kill, reports that it cannot tell whether ana's page went out: its
        // fallback found no other contact method of hers, so the final receipt is UNKNOWN.
        TestInputTopic<String, SpecificRecord> receipts = harness.input(Topics.NOTIFICATIONS_RECEIPTS.name());
        harness.advance(Duration.ofSeconds(20));
        receipts.pipeInput("c1:a1", DeliveryReceipt.newBuilder().setNotificationId(inbox)
                .setAlertKey("c1:a1").setUserId("ana").setContactMethod(ContactMethodType.INBOX)
                .setOutcome(DeliveryOutcome.UNKNOWN)
                .setDetail("inbox outcome unknown: notify stopped after starting this send and before recording its"
                        + " result").setAt(clock.instant()).build(), clock.instant());
        harness.advance(Duration.ofSeconds(4));
        paged.addAll(drain());

        assertThat(lastState().getStepDeliveries()).containsEntry(inbox, "unknown");
        assertThat(lastState().getNextEscalationAt()).isEqualTo(T0.plus(Duration.ofMinutes(5)));
        paged.addAll(runMinutes(5));
        assertThat(paged).as("ben only when the 5 minutes are over").containsExactly("0 ana", "5 ben");
    }

    @Test
    void acknowledgementStopsEscalationAndIsWrittenBackOnce() {
        routed.pipeInput("c1:a1", LifecycleTest.routed(SourceStatus.NEW), T0);
        List<String> paged = new ArrayList<>(runMinutes(7));
        actions.pipeInput("c1:a1", AlertAction.newBuilder().setActionId("ack-1").setAlertKey("c1:a1")
                .setType(ActionType.ACKNOWLEDGE).setActor("ben").setChannel("app").setOccurredAt(clock.instant()).build(),
                clock.instant());
        paged.addAll(runMinutes(60));

        assertThat(paged).containsExactly("0 ana", "5 ben");
        List<SyncCommand> commands = sync.readValuesToList().stream().map(SyncCommand.class::cast).toList();
        assertThat(commands).singleElement().satisfies(c -> {
            assertThat(c.getCommandId()).isEqualTo("ack-1");
            assertThat(c.getAssignedTo()).isEqualTo("ben");
            assertThat(c.getTargetStatus()).isEqualTo(SourceStatus.IN_PROGRESS);
        });
        assertThat(lastState().getStatus()).isEqualTo(LifecycleStatus.ACKNOWLEDGED);
    }

    @Test
    void aTeamInMaintenanceHoldsThePageUntilTheWindowEnds() {
        publish(Topics.CONFIG_TEAMS.name(), Map.of("soc", TeamConfig.newBuilder().setId("soc").setName("SOC")
                .setMembers(List.of("ana", "ben", "cho")).setMaintenance(List.of(MaintenanceWindow.newBuilder()
                        .setStart(T0.minusSeconds(60)).setEnd(T0.plusSeconds(20 * 60)).setMode(MaintenanceMode.HOLD)
                        .setReason("firewall upgrade").build())).build()));
        routed.pipeInput("c1:a1", LifecycleTest.routed(SourceStatus.NEW), T0);
        // Held for 20 minutes, then the chain starts as if the alert had just arrived.
        assertThat(runMinutes(30)).containsExactly("20 ana", "25 ben");
    }

    @Test
    void alertsOfOneIncidentMakeOnePageAndAnAcknowledgementReachesEachOfThem() {
        String group = "c1:incident:33";
        // Policy keys routed alerts by their alert; escalate brings them to one page.
        routed.pipeInput("c1:a1", grouped("c1:a1", group, SourceStatus.NEW), T0);
        routed.pipeInput("c1:a2", grouped("c1:a2", group, SourceStatus.NEW), T0);
        assertThat(runMinutes(2)).containsExactly("0 ana");

        // The responder addresses the page by its key.
        actions.pipeInput(group, AlertAction.newBuilder().setActionId("ack-g").setAlertKey(group)
                .setType(ActionType.ACKNOWLEDGE).setActor("ana").setChannel("app").setOccurredAt(clock.instant()).build(),
                clock.instant());
        assertThat(sync.readValuesToList()).map(SyncCommand.class::cast)
                .extracting(c -> c.getCommandId() + " " + c.getAlertId() + " " + c.getTargetStatus())
                .containsExactlyInAnyOrder("ack-g/c1:a1 a1 IN_PROGRESS", "ack-g/c1:a2 a2 IN_PROGRESS");
        AlertLifecycle acknowledged = lastState();
        assertThat(acknowledged.getAlertKey()).isEqualTo(group);
        assertThat(acknowledged.getStatus()).isEqualTo(LifecycleStatus.ACKNOWLEDGED);
        assertThat(acknowledged.getTimeline()).anySatisfy(e -> assertThat(e.getType()).isEqualTo("attached"));
    }

    @Test
    void anAcknowledgedIncidentPageHandsANewAlertToItsOwnerInAzureAndLeavesResolvedAlertsAlone() {
        String group = "c1:incident:33";
        routed.pipeInput("c1:a1", grouped("c1:a1", group, SourceStatus.NEW), T0);
        routed.pipeInput("c1:a2", grouped("c1:a2", group, SourceStatus.NEW), T0);
        assertThat(runMinutes(2)).containsExactly("0 ana");
        actions.pipeInput("c1:a2", azureChange("c1:a2", SourceStatus.RESOLVED), clock.instant());

        actions.pipeInput(group, AlertAction.newBuilder().setActionId("ack-g").setAlertKey(group)
                .setType(ActionType.ACKNOWLEDGE).setActor("ana").setChannel("app").setOccurredAt(clock.instant()).build(),
                clock.instant());
        // The analyst resolved c1:a2 in Defender: the acknowledgement does not open it again.
        assertThat(sync.readValuesToList()).map(SyncCommand.class::cast)
                .extracting(c -> c.getCommandId() + " " + c.getAlertId() + " " + c.getTargetStatus() + " "
                        + c.getAssignedTo())
                .containsExactly("ack-g/c1:a1 a1 IN_PROGRESS ana");

        // Defender raises another alert of the incident while ana works on it.
        routed.pipeInput("c1:a3", grouped("c1:a3", group, SourceStatus.NEW), clock.instant());

        assertThat(sync.readRecordsToList()).singleElement().satisfies(r -> {
            assertThat(r.key()).isEqualTo(group);
            SyncCommand c = (SyncCommand) r.value();
            assertThat(c.getCommandId() + " " + c.getAlertKey() + " " + c.getTargetStatus() + " " + c.getAssignedTo())
                    .isEqualTo(group + "/attached/c1:a3 c1:a3 IN_PROGRESS ana");
        });
        AlertLifecycle page = lastState();
        assertThat(page.getStatus()).isEqualTo(LifecycleStatus.ACKNOWLEDGED);
        assertThat(page.getMembers()).containsOnly(Map.entry("c1:a1", SourceStatus.IN_PROGRESS),
                Map.entry("c1:a2", SourceStatus.RESOLVED), Map.entry("c1:a3", SourceStatus.IN_PROGRESS));
        assertThat(page.getTimeline()).last().satisfies(e -> assertThat(e.getType()).isEqualTo("synced"));
        assertThat(runMinutes(30)).as("nobody is paged for it").isEmpty();
        assertThat(latestByKey()).containsOnlyKeys(group);
    }

    @Test
    void aGroupedPageClosesWhenAzureReportsEveryAlertOfTheIncidentResolvedAndNothingGoesBack() {
        String group = "c1:incident:33";
        routed.pipeInput("c1:a1", grouped("c1:a1", group, SourceStatus.NEW), T0);
        routed.pipeInput("c1:a2", grouped("c1:a2", group, SourceStatus.NEW), T0);
        assertThat(runMinutes(1)).containsExactly("0 ana");

        // ingest, which knows no policies, reports each change under the alert's own key.
        actions.pipeInput("c1:a1", azureChange("c1:a1", SourceStatus.RESOLVED), clock.instant());
        AlertLifecycle oneResolved = lastState();
        assertThat(oneResolved.getAlertKey()).isEqualTo(group);
        assertThat(oneResolved.getStatus()).isEqualTo(LifecycleStatus.TRIGGERED);
        assertThat(oneResolved.getMembers()).containsEntry("c1:a1", SourceStatus.RESOLVED)
                .containsEntry("c1:a2", SourceStatus.NEW);
        assertThat(oneResolved.getTimeline()).last().satisfies(e -> {
            assertThat(e.getType()).isEqualTo("source-changed");
            assertThat(e.getDetail()).isEqualTo("alert c1:a1: Azure reports resolved (1 of 2 alerts resolved)");
        });
        assertThat(runMinutes(6)).as("escalation goes on while one alert is open").containsExactly("5 ben");

        actions.pipeInput("c1:a2", azureChange("c1:a2", SourceStatus.RESOLVED), clock.instant());
        AlertLifecycle closed = lastState();
        assertThat(closed.getAlertKey()).isEqualTo(group);
        assertThat(closed.getStatus()).isEqualTo(LifecycleStatus.CLOSED);
        assertThat(closed.getMembers()).containsOnly(Map.entry("c1:a1", SourceStatus.RESOLVED),
                Map.entry("c1:a2", SourceStatus.RESOLVED));
        assertThat(drainRequests()).extracting(NotificationRequest::getNotificationId)
                .containsExactlyInAnyOrder(group + "/resolved/ana/inbox", group + "/resolved/ben/inbox");
        assertThat(runMinutes(60)).as("nothing more after the close").isEmpty();
        assertThat(sync.readValuesToList()).as("no echo back to Azure").isEmpty();
        // No page was ever made under an alert's own key.
        assertThat(latestByKey()).containsOnlyKeys(group);
    }

    @Test
    void aNewAlertOfTheIncidentReopensThePageTheResponderClosedAndEscalatesAgain() {
        String group = "c1:incident:33";
        routed.pipeInput("c1:a1", grouped("c1:a1", group, SourceStatus.NEW), T0);
        List<String> paged = new ArrayList<>(runMinutes(2));
        actions.pipeInput(group, AlertAction.newBuilder().setActionId("close-g").setAlertKey(group)
                .setType(ActionType.CLOSE).setActor("ana").setChannel("app").setComment("contained")
                .setOccurredAt(clock.instant()).build(), clock.instant());
        paged.addAll(runMinutes(10));

        // The attacker is still active: ten minutes later Defender raises another alert of the incident.
        routed.pipeInput("c1:a2", grouped("c1:a2", group, SourceStatus.NEW), clock.instant());
        paged.addAll(runMinutes(6));

        assertThat(paged).containsExactly("0 ana", "12 ana", "17 ben");
        AlertLifecycle reopened = lastState();
        assertThat(reopened.getAlertKey()).isEqualTo(group);
        assertThat(reopened.getStatus()).isEqualTo(LifecycleStatus.TRIGGERED);
        assertThat(reopened.getTimeline()).anySatisfy(e -> assertThat(e.getType() + ": " + e.getDetail())
                .isEqualTo("reopened: new alert c1:a2 \"Suspicious sign-in\" of the same incident"));
        // Only the responder's close went to Azure; the reopen tells Azure nothing, like a responder's reopen.
        assertThat(sync.readValuesToList()).map(SyncCommand.class::cast)
                .extracting(c -> c.getCommandId() + " " + c.getTargetStatus()).containsExactly("close-g RESOLVED");
        assertThat(latestByKey()).containsOnlyKeys(group);
    }

    @Test
    void anIncidentWhoseFirstAlertWasResolvedBeforeItWasPagedIsPagedForItsNextAlertWhenTheHoldEnds() {
        holdPagesForTwentyMinutes();
        String group = "c1:incident:33";
        actions.pipeInput("c1:a1", azureChange("c1:a1", SourceStatus.RESOLVED), T0);
        routed.pipeInput("c1:a1", grouped("c1:a1", group, SourceStatus.NEW), T0);
        List<String> paged = new ArrayList<>(runMinutes(5));
        assertThat(lastState().getStatus()).isEqualTo(LifecycleStatus.CLOSED);

        routed.pipeInput("c1:a2", grouped("c1:a2", group, SourceStatus.NEW), clock.instant());
        paged.addAll(runMinutes(25));

        // Held like a new page would be, then the chain from its first step.
        assertThat(paged).containsExactly("20 ana", "25 ben");
        assertThat(lastState().getStatus()).isEqualTo(LifecycleStatus.TRIGGERED);
    }

    @Test
    void aHeldPageClosedInAzureAndReopenedByANewAlertAfterTheWindowEscalatesOnSchedule() {
        holdPagesForTwentyMinutes();
        String group = "c1:incident:33";
        routed.pipeInput("c1:a1", grouped("c1:a1", group, SourceStatus.NEW), T0);
        List<String> paged = new ArrayList<>(runMinutes(5));
        actions.pipeInput("c1:a1", azureChange("c1:a1", SourceStatus.RESOLVED), clock.instant());
        paged.addAll(runMinutes(25));
        assertThat(lastState().getStatus()).isEqualTo(LifecycleStatus.CLOSED);

        routed.pipeInput("c1:a2", grouped("c1:a2", group, SourceStatus.NEW), clock.instant());
        paged.addAll(runMinutes(6));

        // The hold that ended while the page was closed is not released a second time: step 2 follows step 1.
        assertThat(paged).containsExactly("30 ana", "35 ben");
    }

    private void holdPagesForTwentyMinutes() {
        publish(Topics.CONFIG_TEAMS.name(), Map.of("soc", TeamConfig.newBuilder().setId("soc").setName("SOC")
                .setMembers(List.of("ana", "ben", "cho")).setMaintenance(List.of(MaintenanceWindow.newBuilder()
                        .setStart(T0.minusSeconds(60)).setEnd(T0.plusSeconds(20 * 60)).setMode(MaintenanceMode.HOLD)
                        .setReason("firewall upgrade").build())).build()));
    }

    @Test
    void anUngroupedPageClosesWhenItsAlertIsResolvedInAzureWithoutWritingBack() {
        routed.pipeInput("c1:a1", LifecycleTest.routed(SourceStatus.NEW), T0);
        assertThat(runMinutes(1)).containsExactly("0 ana");
        actions.pipeInput("c1:a1", azureChange("c1:a1", SourceStatus.RESOLVED), clock.instant());

        AlertLifecycle closed = lastState();
        assertThat(closed.getStatus()).isEqualTo(LifecycleStatus.CLOSED);
        assertThat(closed.getTimeline()).last().satisfies(e -> assertThat(e.getDetail())
                .isEqualTo("Azure reports resolved"));
        assertThat(drainRequests()).extracting(NotificationRequest::getNotificationId)
                .containsExactly("c1:a1/resolved/ana/inbox");
        assertThat(runMinutes(30)).isEmpty();
        assertThat(sync.readValuesToList()).isEmpty();
    }

    @Test
    void anAlertAutoResolvedInAzureBeforeItIsRoutedIsRecordedClosedWithoutPagingAnyone() {
        // Defender resolves it seconds after raising it; ingest's report overtakes the alert still being enriched.
        actions.pipeInput("c1:a1", azureChange("c1:a1", SourceStatus.RESOLVED), T0);
        assertThat(lastState()).as("nothing to show before the alert").isNull();
        clock.advance(Duration.ofSeconds(5));
        routed.pipeInput("c1:a1", LifecycleTest.routed(SourceStatus.NEW), clock.instant());

        AlertLifecycle closed = lastState();
        assertThat(closed.getStatus()).isEqualTo(LifecycleStatus.CLOSED);
        assertThat(closed.getMembers()).containsEntry("c1:a1", SourceStatus.RESOLVED);
        assertThat(closed.getTimeline()).last().satisfies(e -> assertThat(e.getDetail())
                .isEqualTo("resolved in Azure before it was paged"));
        assertThat(runMinutes(60)).as("nobody is woken").isEmpty();
        assertThat(sync.readValuesToList()).isEmpty();
    }

    @Test
    void anEarlyAzureChangeOfAGroupedAlertIsRecordedOnItsPage() {
        String group = "c1:incident:33";
        routed.pipeInput("c1:a1", grouped("c1:a1", group, SourceStatus.NEW), T0);
        assertThat(runMinutes(1)).containsExactly("0 ana");
        actions.pipeInput("c1:a2", azureChange("c1:a2", SourceStatus.RESOLVED), clock.instant());
        routed.pipeInput("c1:a2", grouped("c1:a2", group, SourceStatus.NEW), clock.instant());

        AlertLifecycle page = lastState();
        assertThat(page.getAlertKey()).isEqualTo(group);
        assertThat(page.getStatus()).isEqualTo(LifecycleStatus.TRIGGERED);
        assertThat(page.getMembers()).containsEntry("c1:a1", SourceStatus.NEW).containsEntry("c1:a2", SourceStatus.RESOLVED);
        assertThat(latestByKey()).containsOnlyKeys(group);
    }

    @Test
    void anEarlyAzureChangeNoAlertClaimsIsForgottenAfterADay() {
        actions.pipeInput("c1:a1", azureChange("c1:a1", SourceStatus.RESOLVED), T0);
        harness.advance(Duration.ofHours(25));
        routed.pipeInput("c1:a1", LifecycleTest.routed(SourceStatus.NEW), clock.instant());

        assertThat(drainRequests()).extracting(NotificationRequest::getUserId).containsExactly("ana");
        assertThat(lastState().getStatus()).isEqualTo(LifecycleStatus.TRIGGERED);
    }

    @Test
    void aClosedPageIsForgottenAfterTheRetentionAndCanBeReopenedUntilThen() {
        routed.pipeInput("c1:a1", LifecycleTest.routed(SourceStatus.NEW), T0);
        assertThat(runMinutes(1)).containsExactly("0 ana");
        actions.pipeInput("c1:a1", azureChange("c1:a1", SourceStatus.RESOLVED), clock.instant());
        drainRequests();

        // Within the retention (14 days by default) a closed page can still be reopened.
        harness.advance(Duration.ofDays(13));
        actions.pipeInput("c1:a1", AlertAction.newBuilder(ack("reopen-1", "ben")).setType(ActionType.REOPEN).build(),
                clock.instant());
        assertThat(drainRequests()).extracting(NotificationRequest::getNotificationId)
                .containsExactly("c1:a1/reopen-1/round-0/step-0/ana/inbox");
        assertThat(lastState().getStatus()).isEqualTo(LifecycleStatus.TRIGGERED);
        actions.pipeInput("c1:a1", AlertAction.newBuilder(ack("close-1", "ana")).setType(ActionType.CLOSE).build(),
                clock.instant());
        assertThat(lastState().getStatus()).isEqualTo(LifecycleStatus.CLOSED);

        // The retention counts from the last change: 13 days after the second close the page is still there.
        harness.advance(Duration.ofDays(13));
        assertThat(state.readRecordsToList()).isEmpty();
        assertThat(harness.driver().getKeyValueStore(EscalateTopology.LIFECYCLE_STORE).get("c1:a1")).isNotNull();

        harness.advance(Duration.ofDays(1).plusHours(1));
        assertThat(state.readRecordsToList()).singleElement().satisfies(r -> {
            assertThat(r.key()).isEqualTo("c1:a1");
            assertThat(r.value()).as("tombstone").isNull();
        });
        assertThat(harness.driver().getKeyValueStore(EscalateTopology.LIFECYCLE_STORE).get("c1:a1")).isNull();
        assertThat(drainRequests()).isEmpty();
    }

    @Test
    void aForgottenGroupedPageTakesItsAlertsOutOfThePageIndex() {
        String group = "c1:incident:33";
        routed.pipeInput("c1:a1", grouped("c1:a1", group, SourceStatus.NEW), T0);
        routed.pipeInput("c1:a2", grouped("c1:a2", group, SourceStatus.NEW), T0);
        actions.pipeInput("c1:a1", azureChange("c1:a1", SourceStatus.RESOLVED), T0);
        actions.pipeInput("c1:a2", azureChange("c1:a2", SourceStatus.RESOLVED), T0);
        assertThat(lastState().getStatus()).isEqualTo(LifecycleStatus.CLOSED);
        org.apache.kafka.streams.state.KeyValueStore<String, String> index =
                harness.driver().getKeyValueStore(EscalateTopology.PAGE_INDEX_STORE);
        assertThat(index.get("c1:a1")).isEqualTo(group);

        harness.advance(Duration.ofDays(14).plusHours(1));

        assertThat(state.readRecordsToList()).singleElement().satisfies(r -> {
            assertThat(r.key()).isEqualTo(group);
            assertThat(r.value()).isNull();
        });
        assertThat(index.get("c1:a1")).isNull();
        assertThat(index.get("c1:a2")).isNull();
    }

    @Test
    void aLateEnrichmentOfAGroupedAlertIsAttachedToItsPageWithoutPagingAgain() {
        String group = "c1:incident:33";
        RoutedAlert timedOut = grouped("c1:a1", group, SourceStatus.NEW);
        timedOut.getEnriched().setStatus(io.sentinelpager.schemas.EnrichmentStatus.TIMED_OUT);
        routed.pipeInput("c1:a1", timedOut, T0);
        assertThat(runMinutes(1)).containsExactly("0 ana");

        RoutedAlert update = grouped("c1:a1", group, SourceStatus.NEW);
        update.getEnriched().setStatus(io.sentinelpager.schemas.EnrichmentStatus.COMPLETE);
        update.getEnriched().setRevision(1);
        update.getEnriched().setRuleName("Brute force");
        routed.pipeInput("c1:a1", update, clock.instant());

        AlertLifecycle page = lastState();
        assertThat(page.getAlertKey()).isEqualTo(group);
        assertThat(page.getAlert().getEnriched().getStatus())
                .isEqualTo(io.sentinelpager.schemas.EnrichmentStatus.COMPLETE);
        assertThat(page.getTimeline()).last().satisfies(e -> assertThat(e.getDetail())
                .isEqualTo("enrichment complete from rule Brute force: 0 rows"));
        assertThat(runMinutes(3)).isEmpty();
    }

    @Test
    void anActionForAPageEscalateNeverSawIsDeadLetteredToTheTopicItCameFrom() {
        TestOutputTopic<byte[], byte[]> dead = harness.driver().createOutputTopic(
                Topics.ALERT_ACTIONS.deadLetterTopic(),
                new org.apache.kafka.common.serialization.ByteArrayDeserializer(),
                new org.apache.kafka.common.serialization.ByteArrayDeserializer());
        // It fails in the lifecycle stage, after the repartition hop; the dead letter still goes to alert.actions.dlq.
        actions.pipeInput("c1:gone", AlertAction.newBuilder(ack("ack-gone", "ana")).setAlertKey("c1:gone").build(), T0);

        TestRecord<byte[], byte[]> letter = dead.readRecord();
        assertThat(new String(letter.headers().lastHeader(io.sentinelpager.platform.kafka.DeadLetters.HEADER_MESSAGE)
                .value())).contains("ack-gone").contains("never seen");
        assertThat(dead.isEmpty()).isTrue();
    }

    static AlertAction azureChange(String alertKey, SourceStatus status) {
        return AlertAction.newBuilder().setActionId("azure:" + alertKey + "@" + status).setAlertKey(alertKey)
                .setType(ActionType.SOURCE_STATUS_CHANGED).setActor("c1").setChannel("azure")
                .setComment("Changed in Azure: status new → " + status.name().toLowerCase()).setSourceStatus(status)
                .setOccurredAt(T0).build();
    }

    static RoutedAlert grouped(String alertKey, String group, SourceStatus status) {
        RoutedAlert routed = LifecycleTest.routed(status);
        routed.getEnriched().getAlert().setAlertKey(alertKey);
        routed.getEnriched().getAlert().setAlertId(alertKey.substring(alertKey.indexOf(':') + 1));
        routed.setGroupKey(group);
        return routed;
    }

    @Test
    void withMultiAckEscalationGoesOnUntilEveryoneInTheStepAcknowledged() {
        publish(Topics.CONFIG_ESCALATIONS.name(), Map.of("default", EscalationChainConfig.newBuilder().setId("default")
                .setName("both").setMultiAck(true).setSteps(List.of(
                        step(5, target(TargetKind.USER, "ana"), target(TargetKind.USER, "ben")),
                        step(5, target(TargetKind.TEAM, "soc")))).build()));
        routed.pipeInput("c1:a1", LifecycleTest.routed(SourceStatus.NEW), T0);
        List<String> paged = new ArrayList<>(runMinutes(1));
        actions.pipeInput("c1:a1", ack("ack-ana", "ana"), clock.instant());
        assertThat(lastState().getStatus()).isEqualTo(LifecycleStatus.TRIGGERED);
        paged.addAll(runMinutes(5));
        // Step 2 pages the team, but not ana, who already acknowledged.
        actions.pipeInput("c1:a1", ack("ack-ben", "ben"), clock.instant());
        paged.addAll(runMinutes(10));

        assertThat(paged).containsExactly("0 ana", "0 ben", "5 ben", "5 cho");
        AlertLifecycle state = lastState();
        assertThat(state.getStatus()).as("cho, paged in step 2, has not acknowledged").isEqualTo(LifecycleStatus.TRIGGERED);
        actions.pipeInput("c1:a1", ack("ack-cho", "cho"), clock.instant());
        assertThat(lastState().getStatus()).isEqualTo(LifecycleStatus.ACKNOWLEDGED);
        assertThat(lastState().getAcknowledgedBy()).containsExactly("ana", "ben", "cho");
        assertThat(sync.readValuesToList()).hasSize(1);
    }

    AlertAction ack(String id, String actor) {
        return AlertAction.newBuilder().setActionId(id).setAlertKey("c1:a1").setType(ActionType.ACKNOWLEDGE)
                .setActor(actor).setChannel("app").setOccurredAt(clock.instant()).build();
    }

    @Test
    void aPolicyInMaintenanceSuppressesItsPages() {
        RoutedAlert routedByPolicy = RoutedAlert.newBuilder(LifecycleTest.routed(SourceStatus.NEW))
                .setMaintenance(List.of(MaintenanceWindow.newBuilder().setStart(T0.minusSeconds(60))
                        .setEnd(T0.plusSeconds(3600)).setMode(MaintenanceMode.SUPPRESS).setReason("pen test").build()))
                .build();
        routed.pipeInput("c1:a1", routedByPolicy, T0);
        assertThat(runMinutes(30)).isEmpty();
        assertThat(lastState().getStatus()).isEqualTo(LifecycleStatus.CLOSED);
        assertThat(lastState().getTimeline()).anySatisfy(e -> assertThat(e.getDetail()).contains("pen test"));
    }

    @Test
    void anAcknowledgementByTheNextStepStopsEscalationButLeavesThePageWithItsOwner() {
        routed.pipeInput("c1:a1", LifecycleTest.routed(SourceStatus.NEW), T0);
        List<String> paged = new ArrayList<>(runMinutes(2));
        actions.pipeInput("c1:a1", AlertAction.newBuilder().setActionId("own-1").setAlertKey("c1:a1")
                .setType(ActionType.TAKE_OWNERSHIP).setActor("ana").setChannel("app").setOccurredAt(clock.instant())
                .build(), clock.instant());
        // Owning is not acknowledging: step 2 pages ben, who acknowledges from his phone.
        paged.addAll(runMinutes(5));
        actions.pipeInput("c1:a1", ack("ack-1", "ben"), clock.instant());
        paged.addAll(runMinutes(60));

        assertThat(paged).containsExactly("0 ana", "5 ben");
        assertThat(sync.readValuesToList()).map(SyncCommand.class::cast)
                .extracting(c -> c.getCommandId() + " " + c.getAlertKey() + " " + c.getTargetStatus() + " "
                        + c.getAssignedTo())
                .containsExactly("own-1 c1:a1 null ana", "ack-1 c1:a1 IN_PROGRESS null");
        AlertLifecycle page = lastState();
        assertThat(page.getStatus()).isEqualTo(LifecycleStatus.ACKNOWLEDGED);
        assertThat(page.getOwner()).isEqualTo("ana");
        assertThat(page.getAcknowledgedBy()).containsExactly("ben");
    }

    @Test
    void aResponderClosesASuppressedPageIntoAzureOnceWithoutPagingAnyone() {
        RoutedAlert routedByPolicy = RoutedAlert.newBuilder(LifecycleTest.routed(SourceStatus.NEW))
                .setMaintenance(List.of(MaintenanceWindow.newBuilder().setStart(T0.minusSeconds(60))
                        .setEnd(T0.plusSeconds(3600)).setMode(MaintenanceMode.SUPPRESS).setReason("pen test").build()))
                .build();
        routed.pipeInput("c1:a1", routedByPolicy, T0);
        List<String> paged = new ArrayList<>(runMinutes(5));
        assertThat(lastState().getStatus()).isEqualTo(LifecycleStatus.CLOSED);

        // Still new in Defender: the responder who knows it was the pen test closes it from the app.
        AlertAction close = AlertAction.newBuilder().setActionId("close-1").setAlertKey("c1:a1")
                .setType(ActionType.CLOSE).setActor("ana").setChannel("app").setClassification("falsePositive")
                .setComment("pen test").setOccurredAt(clock.instant()).build();
        actions.pipeInput("c1:a1", close, clock.instant());
        paged.addAll(runMinutes(5));
        actions.pipeInput("c1:a1", AlertAction.newBuilder(close).setActionId("close-2").build(), clock.instant());
        paged.addAll(runMinutes(30));

        assertThat(paged).isEmpty();
        assertThat(sync.readValuesToList()).map(SyncCommand.class::cast)
                .extracting(c -> c.getCommandId() + " " + c.getAlertKey() + " " + c.getTargetStatus() + " "
                        + c.getAssignedTo() + " " + c.getClassification() + " " + c.getComment())
                .containsExactly("close-1 c1:a1 RESOLVED ana falsePositive ana (Sentinel Pager): pen test");
        AlertLifecycle page = lastState();
        assertThat(page.getStatus()).isEqualTo(LifecycleStatus.CLOSED);
        assertThat(page.getMembers()).containsOnly(Map.entry("c1:a1", SourceStatus.RESOLVED));
        assertThat(page.getTimeline()).extracting(e -> e.getType() + " " + e.getActor()).endsWith("closed ana",
                "ignored ana");
    }

    @Test
    void anEmergencyChainNotifiesEveryStepAtOnceAndRepeats() {
        publish(Topics.CONFIG_ESCALATIONS.name(), Map.of("default", EscalationChainConfig.newBuilder().setId("default")
                .setName("everyone").setRepeat(1).setEmergency(true).setSteps(List.of(
                        step(5, target(TargetKind.USER, "ana")),
                        step(10, target(TargetKind.USER, "ben"), target(TargetKind.USER, "ana")),
                        step(15, target(TargetKind.USER, "cho")))).build()));
        routed.pipeInput("c1:a1", LifecycleTest.routed(SourceStatus.NEW), T0);
        assertThat(runMinutes(30)).containsExactly("0 ana", "0 ben", "0 cho", "5 ana", "5 ben", "5 cho");
    }

    @Test
    void notificationRulesDelayTheSecondChannelAndAnAcknowledgementCancelsIt() {
        UserConfig ana = UserConfig.newBuilder(user("ana")).setContactMethods(List.of(
                        ContactMethod.newBuilder().setType(ContactMethodType.INBOX).setAddress("ana").build(),
                        ContactMethod.newBuilder().setType(ContactMethodType.EMAIL).setAddress("ana@contoso.example").build()))
                .setNotificationRules(List.of(
                        NotificationRule.newBuilder().setUrgency(Urgency.HIGH).setContactMethod(ContactMethodType.INBOX)
                                .setDelayMinutes(0).build(),
                        NotificationRule.newBuilder().setUrgency(Urgency.HIGH).setContactMethod(ContactMethodType.EMAIL)
                                .setDelayMinutes(3).build())).build();
        publish(Topics.CONFIG_USERS.name(), Map.of("ana", ana));

        routed.pipeInput("c1:a1", LifecycleTest.routed(SourceStatus.NEW), T0);
        List<NotificationRequest> first = new ArrayList<>(drainRequests());
        for (int i = 0; i < 4; i++) {
            harness.advance(Duration.ofMinutes(1));
            first.addAll(drainRequests());
        }
        // Push-like channel at once, e-mail 3 minutes later, then step 2 (ben) at minute 5 is not reached yet.
        assertThat(first).extracting(n -> Duration.between(T0, n.getRequestedAt()).toMinutes() + " "
                        + n.getUserId() + " " + n.getContactMethod())
                .containsExactly("0 ana INBOX", "3 ana EMAIL");

        RoutedAlert second = RoutedAlert.newBuilder(LifecycleTest.routed(SourceStatus.NEW)).build();
        second.getEnriched().getAlert().setAlertKey("c1:a2");
        routed.pipeInput("c1:a2", second, clock.instant());
        harness.advance(Duration.ofMinutes(1));
        actions.pipeInput("c1:a2", AlertAction.newBuilder().setActionId("ack-2").setAlertKey("c1:a2")
                .setType(ActionType.ACKNOWLEDGE).setActor("ana").setChannel("app").setOccurredAt(clock.instant()).build(),
                clock.instant());
        List<NotificationRequest> afterAck = new ArrayList<>(drainRequests());
        for (int i = 0; i < 10; i++) {
            harness.advance(Duration.ofMinutes(1));
            afterAck.addAll(drainRequests());
        }
        assertThat(afterAck).filteredOn(n -> n.getAlertKey().equals("c1:a2"))
                .extracting(n -> n.getContactMethod().name()).containsExactly("INBOX");
    }

    private List<NotificationRequest> drainRequests() {
        return readNotifications().stream().map(r -> (NotificationRequest) r.value()).toList();
    }

    /** What escalate wrote on both lanes of notifications, in the order it wrote them (the driver's time). */
    private List<TestRecord<String, SpecificRecord>> readNotifications() {
        List<TestRecord<String, SpecificRecord>> out = new ArrayList<>(notifications.readRecordsToList());
        out.addAll(urgentNotifications.readRecordsToList());
        out.sort(Comparator.comparing(TestRecord::getRecordTime));
        return out;
    }

    /** Advances the clock a minute at a time; returns "minute user" for each notification, in order. */
    private List<String> runMinutes(int minutes) {
        List<String> paged = new ArrayList<>(drain());
        for (int i = 0; i < minutes; i++) {
            harness.advance(Duration.ofMinutes(1));
            paged.addAll(drain());
        }
        return paged;
    }

    private List<String> drain() {
        List<String> out = new ArrayList<>();
        for (TestRecord<String, SpecificRecord> r : readNotifications()) {
            NotificationRequest n = (NotificationRequest) r.value();
            out.add(Duration.between(T0, n.getRequestedAt()).toMinutes() + " " + n.getUserId());
        }
        return out;
    }

    /** The newest alert.state record, remembered across calls because reading consumes the output topic. */
    private AlertLifecycle lastState() {
        for (TestRecord<String, SpecificRecord> record : state.readRecordsToList()) {
            latest = (AlertLifecycle) record.value();
            states.put(record.key(), latest);
        }
        return latest;
    }

    /** Every page's newest alert.state record, by its key. */
    private Map<String, AlertLifecycle> latestByKey() {
        lastState();
        return states;
    }

    private void publish(String topic, Map<String, ? extends SpecificRecord> records) {
        TestInputTopic<String, SpecificRecord> input = harness.input(topic);
        records.forEach((k, v) -> input.pipeInput(k, v, T0));
    }

    static UserConfig user(String id) {
        return UserConfig.newBuilder().setId(id).setName(id).setContactMethods(List.of(
                ContactMethod.newBuilder().setType(ContactMethodType.INBOX).setAddress(id).build())).build();
    }

    static EscalationStep step(int delayMinutes, EscalationTarget... targets) {
        return EscalationStep.newBuilder().setDelayMinutes(delayMinutes).setTargets(List.of(targets)).build();
    }

    static EscalationTarget target(TargetKind kind, String id) {
        return EscalationTarget.newBuilder().setKind(kind).setId(id).build();
    }
}
