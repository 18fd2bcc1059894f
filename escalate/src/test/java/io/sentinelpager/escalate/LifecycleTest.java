package io.sentinelpager.escalate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sentinelpager.schemas.ActionType;
import io.sentinelpager.schemas.AlertAction;
import io.sentinelpager.schemas.AlertLifecycle;
import io.sentinelpager.schemas.AlertSource;
import io.sentinelpager.schemas.ContactMethod;
import io.sentinelpager.schemas.ContactMethodType;
import io.sentinelpager.schemas.EnrichedAlert;
import io.sentinelpager.schemas.EnrichmentStatus;
import io.sentinelpager.schemas.EnrichmentTable;
import io.sentinelpager.schemas.LifecycleStatus;
import io.sentinelpager.schemas.NotificationRequest;
import io.sentinelpager.schemas.NotificationRule;
import io.sentinelpager.schemas.RoutedAlert;
import io.sentinelpager.schemas.SecurityAlert;
import io.sentinelpager.schemas.Severity;
import io.sentinelpager.schemas.SourceStatus;
import io.sentinelpager.schemas.SyncCommand;
import io.sentinelpager.schemas.TeamConfig;
import io.sentinelpager.schemas.TimelineEvent;
import io.sentinelpager.schemas.Urgency;
import io.sentinelpager.schemas.UserConfig;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class LifecycleTest {

    static final Instant T0 = Instant.parse("2026-11-29T03:00:00Z");
    final Lifecycle lifecycle = new Lifecycle(new EscalateConfig("https://pager.example"));
    final TeamConfig soc = TeamConfig.newBuilder().setId("soc").setName("SOC").setMembers(List.of("ana", "ben")).build();
    final UserConfig ana = UserConfig.newBuilder().setId("ana").setName("Ana").setContactMethods(List.of(
            ContactMethod.newBuilder().setType(ContactMethodType.INBOX).setAddress("ana").build(),
            ContactMethod.newBuilder().setType(ContactMethodType.EMAIL).setAddress("ana@contoso.example").build())).build();
    final Lifecycle.Directory directory = new Lifecycle.Directory(Map.of("soc", soc)::get, Map.of("ana", ana)::get, Map.of(),
            id -> null);
    /** Ana with the e-mail Azure knows her by; ben has no user config, so Azure gets his user id. */
    final Lifecycle.Directory withEmail = new Lifecycle.Directory(Map.of("soc", soc)::get,
            Map.of("ana", UserConfig.newBuilder(ana).setEmail("ana@contoso.example").build())::get, Map.of(), id -> null);

    static RoutedAlert routed(SourceStatus status) {
        SecurityAlert alert = SecurityAlert.newBuilder().setAlertKey("c1:a1").setConnectorId("c1")
                .setSource(AlertSource.GRAPH).setAlertId("a1").setTitle("Suspicious sign-in").setSeverity(Severity.HIGH)
                .setStatus(status).setCreatedAt(T0).setLastUpdatedAt(T0).setIngestedAt(T0).setSourceJson("{}").build();
        EnrichedAlert enriched = EnrichedAlert.newBuilder().setAlert(alert).setStatus(EnrichmentStatus.NOT_APPLICABLE)
                .setSummary("host pc-17").setEnrichedAt(T0).build();
        return RoutedAlert.newBuilder().setEnriched(enriched).setTeamId("soc").setEscalationChainId("default")
                .setUrgency(Urgency.HIGH).setPolicyId("default").setPolicyVersion(0).setRoutedAt(T0).build();
    }

    static AlertAction action(String id, ActionType type, String actor) {
        return AlertAction.newBuilder().setActionId(id).setAlertKey("c1:a1").setType(type).setActor(actor)
                .setChannel("app").setOccurredAt(T0).build();
    }

    @Test
    void newAlertPagesTheOnCallUserOnEveryContactMethodWithStableIds() {
        Lifecycle.Outcome outcome = lifecycle.routed(Optional.empty(), routed(SourceStatus.NEW), directory, T0);

        AlertLifecycle state = outcome.state().orElseThrow();
        assertThat(state.getStatus()).isEqualTo(LifecycleStatus.TRIGGERED);
        List<NotificationRequest> pages = outcome.emitted().stream().filter(NotificationRequest.class::isInstance)
                .map(NotificationRequest.class::cast).toList();
        assertThat(pages).extracting(NotificationRequest::getUserId).containsOnly("ana");
        assertThat(pages).extracting(NotificationRequest::getNotificationId)
                .containsExactly("c1:a1/round-0/step-0/ana/inbox", "c1:a1/round-0/step-0/ana/email");
        assertThat(pages.get(0).getBody()).contains("Suspicious sign-in").contains("host pc-17")
                .contains("https://pager.example/api/alerts/c1:a1/ack");
        // The same event again (a replay) gives the same ids, which notify skips.
        assertThat(lifecycle.routed(Optional.empty(), routed(SourceStatus.NEW), directory, T0.plusSeconds(5)).emitted())
                .filteredOn(NotificationRequest.class::isInstance)
                .extracting(r -> ((NotificationRequest) r).getNotificationId())
                .containsExactly("c1:a1/round-0/step-0/ana/inbox", "c1:a1/round-0/step-0/ana/email");
    }

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
    void anAlertResolvedInAzureClosesThePageAndTellsWhoeverWasPaged() {
        AlertLifecycle paged = lifecycle.routed(Optional.empty(), routed(SourceStatus.NEW), directory, T0).state().orElseThrow();
        Lifecycle.Outcome update = lifecycle.action(Optional.of(paged), sourceChanged("c1:a1", SourceStatus.RESOLVED),
                directory, T0);
        assertThat(update.state().orElseThrow().getStatus()).isEqualTo(LifecycleStatus.CLOSED);
        assertThat(update.emitted()).noneMatch(SyncCommand.class::isInstance);
        // Whoever was paged hears that it is resolved, on each contact method, once.
        assertThat(update.emitted()).filteredOn(NotificationRequest.class::isInstance)
                .extracting(r -> ((NotificationRequest) r).getNotificationId())
                .containsExactly("c1:a1/resolved/ana/inbox", "c1:a1/resolved/ana/email");
        assertThat(update.emitted()).filteredOn(NotificationRequest.class::isInstance)
                .allSatisfy(r -> assertThat(((NotificationRequest) r).getBody()).startsWith("RESOLVED in Azure"));
    }

    @Test
    void aGroupedPageClosesWhenTheLastOfItsAlertsIsResolvedInAzure() {
        AlertLifecycle page = lifecycle.routed(Optional.empty(), grouped("c1:a1"), directory, T0).state().orElseThrow();
        page = lifecycle.routed(Optional.of(page), grouped("c1:a2"), directory, T0).state().orElseThrow();
        assertThat(page.getAlertKey()).isEqualTo("c1:incident:33");
        assertThat(page.getMembers()).containsOnlyKeys("c1:a1", "c1:a2");

        Lifecycle.Outcome first = lifecycle.action(Optional.of(page), sourceChanged("c1:a2", SourceStatus.RESOLVED),
                directory, T0.plusSeconds(60));
        AlertLifecycle oneResolved = first.state().orElseThrow();
        assertThat(oneResolved.getStatus()).isEqualTo(LifecycleStatus.TRIGGERED);
        assertThat(first.emitted()).noneMatch(NotificationRequest.class::isInstance);
        assertThat(oneResolved.getTimeline().get(oneResolved.getTimeline().size() - 1).getDetail())
                .isEqualTo("alert c1:a2: Azure reports resolved (1 of 2 alerts resolved)");

        Lifecycle.Outcome last = lifecycle.action(Optional.of(oneResolved), sourceChanged("c1:a1", SourceStatus.RESOLVED),
                directory, T0.plusSeconds(120));
        assertThat(last.state().orElseThrow().getStatus()).isEqualTo(LifecycleStatus.CLOSED);
        assertThat(last.state().orElseThrow().getMembers()).containsOnly(
                Map.entry("c1:a1", SourceStatus.RESOLVED), Map.entry("c1:a2", SourceStatus.RESOLVED));
        assertThat(last.emitted()).noneMatch(SyncCommand.class::isInstance)
                .filteredOn(NotificationRequest.class::isInstance)
                .extracting(r -> ((NotificationRequest) r).getNotificationId())
                .containsExactly("c1:incident:33/resolved/ana/inbox", "c1:incident:33/resolved/ana/email");
    }

    @Test
    void aGroupedPageIsPagedUnderItsGroupKeySoThatItsLinkAndReceiptsFindIt() {
        List<NotificationRequest> pages = lifecycle.routed(Optional.empty(), grouped("c1:a1"), directory, T0).emitted()
                .stream().filter(NotificationRequest.class::isInstance).map(NotificationRequest.class::cast).toList();
        assertThat(pages).extracting(NotificationRequest::getNotificationId)
                .containsExactly("c1:incident:33/round-0/step-0/ana/inbox", "c1:incident:33/round-0/step-0/ana/email");
        assertThat(pages).allSatisfy(p -> {
            assertThat(p.getAlertKey()).isEqualTo("c1:incident:33");
            assertThat(p.getBody()).contains("https://pager.example/api/alerts/c1:incident:33/ack");
        });
    }

    static RoutedAlert grouped(String alertKey) {
        return grouped(alertKey, SourceStatus.NEW);
    }

    static RoutedAlert grouped(String alertKey, SourceStatus status) {
        RoutedAlert routed = routed(status);
        routed.getEnriched().getAlert().setAlertKey(alertKey);
        routed.getEnriched().getAlert().setAlertId(alertKey.substring(alertKey.indexOf(':') + 1));
        routed.setGroupKey("c1:incident:33");
        return routed;
    }

    static AlertAction sourceChanged(String alertKey, SourceStatus status) {
        return AlertAction.newBuilder().setActionId("azure:" + alertKey + "@" + status).setAlertKey(alertKey)
                .setType(ActionType.SOURCE_STATUS_CHANGED).setActor("c1").setChannel("azure").setSourceStatus(status)
                .setOccurredAt(T0).build();
    }

    @Test
    void unknownTeamIsRecordedInTheTimelineNotSilentlyDropped() {
        Lifecycle.Directory empty = new Lifecycle.Directory(id -> null, id -> null, Map.of(), id -> null);
        AlertLifecycle state = lifecycle.routed(Optional.empty(), routed(SourceStatus.NEW), empty, T0).state().orElseThrow();
        // Held until the team is configured: see HeldPagesTest.
        assertThat(state.getStatus()).isEqualTo(LifecycleStatus.HELD);
        assertThat(state.getTimeline()).anySatisfy(e -> assertThat(e.getDetail()).contains("team soc are not configured"));
    }

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
    void resolvedInAzureClosesThePageWithoutWritingBack() {
        AlertLifecycle paged = lifecycle.routed(Optional.empty(), routed(SourceStatus.NEW), directory, T0).state().orElseThrow();
        AlertAction resolved = AlertAction.newBuilder(action("src-1", ActionType.SOURCE_STATUS_CHANGED, "c1"))
                .setSourceStatus(SourceStatus.RESOLVED).setChannel("azure").build();
        Lifecycle.Outcome outcome = lifecycle.action(Optional.of(paged), resolved, directory, T0);
        assertThat(outcome.state().orElseThrow().getStatus()).isEqualTo(LifecycleStatus.CLOSED);
        assertThat(outcome.emitted()).noneMatch(SyncCommand.class::isInstance);
    }

    @Test
    void anAnalystsCommentJoinsTheTimelineAndTellsTheOwnerOnceByTheirLowUrgencyRules() {
        // Ana's low-urgency rules: e-mail now and again in 10 minutes; her high-urgency one, the inbox.
        UserConfig withRules = UserConfig.newBuilder(ana).setNotificationRules(List.of(
                rule(Urgency.HIGH, ContactMethodType.INBOX, 0), rule(Urgency.LOW, ContactMethodType.EMAIL, 0),
                rule(Urgency.LOW, ContactMethodType.EMAIL, 10))).build();
        Lifecycle.Directory rules = new Lifecycle.Directory(Map.of("soc", soc)::get, Map.of("ana", withRules)::get,
                Map.of(), id -> null);
        AlertLifecycle paged = lifecycle.routed(Optional.empty(), routed(SourceStatus.NEW), rules, T0).state()
                .orElseThrow();
        AlertLifecycle owned = lifecycle.action(Optional.of(paged), action("act-1", ActionType.ACKNOWLEDGE, "ana"),
                rules, T0).state().orElseThrow();

        Lifecycle.Outcome outcome = lifecycle.action(Optional.of(owned), analystComment(), rules, T0.plusSeconds(90));

        assertThat(outcome.state().orElseThrow().getTimeline()).last().satisfies(e -> {
            assertThat(e.getType()).isEqualTo("comment");
            assertThat(e.getActor()).isEqualTo("Soc Lead");
            assertThat(e.getChannel()).isEqualTo("azure");
            assertThat(e.getDetail()).isEqualTo("Isolated the host");
            assertThat(e.getAt()).as("when the analyst wrote it").isEqualTo(T0.plusSeconds(60));
        });
        List<NotificationRequest> notices = outcome.emitted().stream().filter(NotificationRequest.class::isInstance)
                .map(NotificationRequest.class::cast).toList();
        assertThat(notices).singleElement().satisfies(n -> {
            assertThat(n.getUserId()).isEqualTo("ana");
            assertThat(n.getContactMethod()).isEqualTo(ContactMethodType.EMAIL);
            assertThat(n.getUrgency()).isEqualTo(Urgency.LOW);
            assertThat(n.getNotificationId()).isEqualTo("c1:a1/azure-comment:1f2e/ana/email");
            assertThat(n.getTitle()).isEqualTo("Comment: Suspicious sign-in");
            assertThat(n.getSummary()).isEqualTo("Soc Lead commented in Azure: Isolated the host");
        });
        assertThat(outcome.emitted()).as("nothing goes back to Azure").noneMatch(SyncCommand.class::isInstance);
        // The same comment again (a replay) is on the timeline already: nothing changes, nobody is told twice.
        Lifecycle.Outcome again = lifecycle.action(outcome.state(), analystComment(), rules, T0.plusSeconds(95));
        assertThat(again.state()).isEmpty();
        assertThat(again.emitted()).isEmpty();
    }

    @Test
    void anIncidentsCommentReadForEachOfItsAlertsIsShownAndToldOnceOnTheirGroupedPage() {
        AlertLifecycle page = lifecycle.routed(Optional.empty(), grouped("c1:a1"), directory, T0).state().orElseThrow();
        page = lifecycle.routed(Optional.of(page), grouped("c1:a2"), directory, T0).state().orElseThrow();
        page = lifecycle.action(Optional.of(page), action("act-1", ActionType.ACKNOWLEDGE, "ana"), directory, T0)
                .state().orElseThrow();
        // A Sentinel incident's comment: ingest reads it for each alert of the incident, under one action id.
        AlertAction forFirst = AlertAction.newBuilder(analystComment()).setAlertKey("c1:a1").build();
        AlertAction forSecond = AlertAction.newBuilder(analystComment()).setAlertKey("c1:a2").build();

        Lifecycle.Outcome first = lifecycle.action(Optional.of(page), forFirst, directory, T0.plusSeconds(90));
        Lifecycle.Outcome second = lifecycle.action(first.state(), forSecond, directory, T0.plusSeconds(90));

        assertThat(first.state().orElseThrow().getTimeline()).filteredOn(e -> e.getType().equals("comment"))
                .extracting(e -> e.getActor() + ": " + e.getDetail()).containsExactly("Soc Lead: Isolated the host");
        assertThat(first.emitted()).filteredOn(NotificationRequest.class::isInstance).isNotEmpty();
        assertThat(second.state()).as("shown once").isEmpty();
        assertThat(second.emitted()).as("told once").isEmpty();
    }

    @Test
    void anAnalystsCommentOnAPageNobodyOwnsNotifiesNobody() {
        AlertLifecycle paged = lifecycle.routed(Optional.empty(), routed(SourceStatus.NEW), directory, T0).state()
                .orElseThrow();

        Lifecycle.Outcome outcome = lifecycle.action(Optional.of(paged), analystComment(), directory, T0.plusSeconds(90));

        assertThat(outcome.state().orElseThrow().getTimeline()).extracting(e -> e.getType()).contains("comment");
        assertThat(outcome.emitted()).noneMatch(NotificationRequest.class::isInstance)
                .noneMatch(SyncCommand.class::isInstance);
        assertThat(lifecycle.action(Optional.empty(), analystComment(), directory, T0).state())
                .as("a comment on an alert escalate never paged").isEmpty();
    }

    static AlertAction analystComment() {
        return AlertAction.newBuilder(action("azure-comment:1f2e", ActionType.SOURCE_COMMENT, "Soc Lead"))
                .setChannel("azure").setComment("Isolated the host").setOccurredAt(T0.plusSeconds(60)).build();
    }

    static NotificationRule rule(Urgency urgency, ContactMethodType method, int delayMinutes) {
        return NotificationRule.newBuilder().setUrgency(urgency).setContactMethod(method).setDelayMinutes(delayMinutes)
                .build();
    }

    @Test
    void actionOnAnAlertNeverSeenIsRejectedWithItsIds() {
        assertThatThrownBy(() -> lifecycle.action(Optional.empty(), action("act-9", ActionType.ACKNOWLEDGE, "ana"), directory, T0))
                .hasMessageContaining("act-9").hasMessageContaining("c1:a1").hasMessageContaining("never seen");
    }

    @Test
    void eachPageCarriesTheEnrichmentSummaryAndNamesTheOthersPagedInTheStep() {
        io.sentinelpager.schemas.EscalationChainConfig chain = io.sentinelpager.schemas.EscalationChainConfig.newBuilder()
                .setId("default").setName("d").setSteps(List.of(EscalateTopologyIT.step(10,
                        EscalateTopologyIT.target(io.sentinelpager.schemas.TargetKind.USER, "ana"),
                        EscalateTopologyIT.target(io.sentinelpager.schemas.TargetKind.USER, "ben"))))
                .build();
        Lifecycle.Directory withChain = new Lifecycle.Directory(Map.of("soc", soc)::get, Map.of("ana", ana)::get,
                Map.of(), Map.of("default", chain)::get);

        List<NotificationRequest> pages = lifecycle.routed(Optional.empty(), routed(SourceStatus.NEW), withChain, T0)
                .emitted().stream().filter(NotificationRequest.class::isInstance).map(NotificationRequest.class::cast)
                .toList();

        assertThat(pages).extracting(NotificationRequest::getUserId).containsExactly("ana", "ana", "ben");
        assertThat(pages).allSatisfy(p -> assertThat(p.getSummary()).isEqualTo("host pc-17"));
        assertThat(pages).filteredOn(p -> p.getUserId().equals("ana"))
                .allSatisfy(p -> assertThat(p.getAlsoPaged()).containsExactly("ben"));
        assertThat(pages).filteredOn(p -> p.getUserId().equals("ben"))
                .allSatisfy(p -> assertThat(p.getAlsoPaged()).containsExactly("ana"));
    }

    @Test
    void whenEveryNotificationOfAStepFailedTheNextStepIsDueAtOnce() {
        io.sentinelpager.schemas.EscalationChainConfig chain = io.sentinelpager.schemas.EscalationChainConfig.newBuilder()
                .setId("default").setName("d").setSteps(List.of(
                        EscalateTopologyIT.step(10, EscalateTopologyIT.target(io.sentinelpager.schemas.TargetKind.USER, "ana")),
                        EscalateTopologyIT.step(10, EscalateTopologyIT.target(io.sentinelpager.schemas.TargetKind.USER, "ben"))))
                .build();
        Lifecycle.Directory withChain = new Lifecycle.Directory(Map.of("soc", soc)::get, Map.of("ana", ana)::get,
                Map.of(), Map.of("default", chain)::get);
        AlertLifecycle paged = lifecycle.routed(Optional.empty(), routed(SourceStatus.NEW), withChain, T0).state().orElseThrow();
        assertThat(paged.getNextEscalationAt()).isEqualTo(T0.plusSeconds(600));

        AlertLifecycle oneFailed = lifecycle.receipt(Optional.of(paged),
                receipt("c1:a1/round-0/step-0/ana/inbox", io.sentinelpager.schemas.DeliveryOutcome.FAILED), T0).state().orElseThrow();
        assertThat(oneFailed.getNextEscalationAt()).as("e-mail may still arrive").isEqualTo(T0.plusSeconds(600));

        AlertLifecycle bothFailed = lifecycle.receipt(Optional.of(oneFailed),
                receipt("c1:a1/round-0/step-0/ana/email", io.sentinelpager.schemas.DeliveryOutcome.FAILED), T0.plusSeconds(3))
                .state().orElseThrow();
        assertThat(bothFailed.getNextEscalationAt()).isEqualTo(T0.plusSeconds(3));
        assertThat(lifecycle.wake(bothFailed, withChain, T0.plusSeconds(3)).emitted())
                .filteredOn(NotificationRequest.class::isInstance)
                .extracting(r -> ((NotificationRequest) r).getUserId()).containsExactly("ben");
    }

    @Test
    void anUnknownOutcomeIsNotAFailureAndTheStepWaitsItsPlannedTime() {
        io.sentinelpager.schemas.EscalationChainConfig chain = io.sentinelpager.schemas.EscalationChainConfig.newBuilder()
                .setId("default").setName("d").setSteps(List.of(
                        EscalateTopologyIT.step(10, EscalateTopologyIT.target(io.sentinelpager.schemas.TargetKind.USER, "ana")),
                        EscalateTopologyIT.step(10, EscalateTopologyIT.target(io.sentinelpager.schemas.TargetKind.USER, "ben"))))
                .build();
        Lifecycle.Directory withChain = new Lifecycle.Directory(Map.of("soc", soc)::get, Map.of("ana", ana)::get,
                Map.of(), Map.of("default", chain)::get);
        AlertLifecycle paged = lifecycle.routed(Optional.empty(), routed(SourceStatus.NEW), withChain, T0).state().orElseThrow();

        // notify was killed while paging by inbox, could not tell afterwards, and the e-mail fallback failed too:
        // the receipt of the inbox page says UNKNOWN, the e-mail one FAILED.
        AlertLifecycle unknown = lifecycle.receipt(Optional.of(paged),
                receipt("c1:a1/round-0/step-0/ana/inbox", io.sentinelpager.schemas.DeliveryOutcome.UNKNOWN), T0.plusSeconds(20))
                .state().orElseThrow();
        AlertLifecycle andFailed = lifecycle.receipt(Optional.of(unknown),
                receipt("c1:a1/round-0/step-0/ana/email", io.sentinelpager.schemas.DeliveryOutcome.FAILED), T0.plusSeconds(24))
                .state().orElseThrow();

        assertThat(andFailed.getStepDeliveries()).containsEntry("c1:a1/round-0/step-0/ana/inbox", "unknown")
                .containsEntry("c1:a1/round-0/step-0/ana/email", "failed");
        assertThat(andFailed.getNextEscalationAt()).as("ana may well have been paged").isEqualTo(T0.plusSeconds(600));
        assertThat(andFailed.getTimeline()).extracting(TimelineEvent::getType)
                .contains("notification-unknown", "notification-failed").doesNotContain("escalating-now");
        assertThat(lifecycle.wake(andFailed, withChain, T0.plusSeconds(599)).emitted()).as("before the wait is over")
                .filteredOn(NotificationRequest.class::isInstance).isEmpty();
        assertThat(lifecycle.wake(andFailed, withChain, T0.plusSeconds(600)).emitted())
                .filteredOn(NotificationRequest.class::isInstance)
                .extracting(r -> ((NotificationRequest) r).getUserId()).containsExactly("ben");
    }

    static io.sentinelpager.schemas.DeliveryReceipt receipt(String id, io.sentinelpager.schemas.DeliveryOutcome outcome) {
        return io.sentinelpager.schemas.DeliveryReceipt.newBuilder().setNotificationId(id).setAlertKey("c1:a1")
                .setUserId("ana").setContactMethod(ContactMethodType.INBOX).setOutcome(outcome).setAt(T0).build();
    }

    @Test
    void reopeningAClosedPagePagesAgainWithNewIds() {
        AlertLifecycle paged = lifecycle.routed(Optional.empty(), routed(SourceStatus.NEW), directory, T0).state().orElseThrow();
        AlertLifecycle closed = lifecycle.action(Optional.of(paged), action("close-1", ActionType.CLOSE, "ana"), directory, T0)
                .state().orElseThrow();
        Lifecycle.Outcome reopened = lifecycle.action(Optional.of(closed), action("reopen-1", ActionType.REOPEN, "ben"),
                directory, T0.plusSeconds(60));
        assertThat(reopened.state().orElseThrow().getStatus()).isEqualTo(LifecycleStatus.TRIGGERED);
        assertThat(reopened.emitted()).filteredOn(NotificationRequest.class::isInstance)
                .extracting(r -> ((NotificationRequest) r).getNotificationId())
                .containsExactly("c1:a1/reopen-1/round-0/step-0/ana/inbox", "c1:a1/reopen-1/round-0/step-0/ana/email");
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
    void aNewAlertOfAClosedPageHonoursTheTeamsMaintenanceWindowLikeANewPage() {
        AlertLifecycle closed = lifecycle.routed(Optional.empty(), grouped("c1:a1", SourceStatus.RESOLVED), directory, T0)
                .state().orElseThrow();
        Instant end = T0.plusSeconds(3600);

        Lifecycle.Outcome suppressed = lifecycle.routed(Optional.of(closed), grouped("c1:a2"),
                inMaintenance(io.sentinelpager.schemas.MaintenanceMode.SUPPRESS, end), T0.plusSeconds(60));
        assertThat(suppressed.state().orElseThrow().getStatus()).isEqualTo(LifecycleStatus.CLOSED);
        assertThat(suppressed.emitted()).hasSize(1);
        assertThat(suppressed.state().orElseThrow().getTimeline()).last().satisfies(e -> {
            assertThat(e.getType()).isEqualTo("suppressed");
            assertThat(e.getDetail()).isEqualTo("maintenance until " + end + " (pen test)");
        });

        Lifecycle.Directory holding = inMaintenance(io.sentinelpager.schemas.MaintenanceMode.HOLD, end);
        Lifecycle.Outcome held = lifecycle.routed(Optional.of(closed), grouped("c1:a2"), holding, T0.plusSeconds(60));
        AlertLifecycle page = held.state().orElseThrow();
        assertThat(page.getStatus()).isEqualTo(LifecycleStatus.TRIGGERED);
        assertThat(page.getHeldUntil()).isEqualTo(end);
        assertThat(held.emitted()).hasSize(1);
        // When the window ends, the first step is paged.
        assertThat(lifecycle.wake(page, holding, end).emitted()).filteredOn(NotificationRequest.class::isInstance)
                .extracting(r -> ((NotificationRequest) r).getNotificationId())
                .containsExactly("c1:incident:33/reopen-1/round-0/step-0/ana/inbox",
                        "c1:incident:33/reopen-1/round-0/step-0/ana/email");
    }

    @Test
    void whoeverAReopenedPageWokeHearsWhenAzureResolvesItAgain() {
        AlertLifecycle page = lifecycle.routed(Optional.empty(), grouped("c1:a1"), directory, T0).state().orElseThrow();
        Lifecycle.Outcome firstClose = lifecycle.action(Optional.of(page), sourceChanged("c1:a1", SourceStatus.RESOLVED),
                directory, T0.plusSeconds(60));
        assertThat(notificationIds(firstClose)).containsExactly("c1:incident:33/resolved/ana/inbox",
                "c1:incident:33/resolved/ana/email");
        Lifecycle.Outcome reopened = lifecycle.routed(firstClose.state(), grouped("c1:a2"), directory, T0.plusSeconds(600));
        assertThat(notificationIds(reopened)).hasSize(2);

        Lifecycle.Outcome secondClose = lifecycle.action(reopened.state(), sourceChanged("c1:a2", SourceStatus.RESOLVED),
                directory, T0.plusSeconds(900));

        assertThat(secondClose.state().orElseThrow().getStatus()).isEqualTo(LifecycleStatus.CLOSED);
        // Ids of their own: notify would skip the first close's ids as already sent.
        assertThat(notificationIds(secondClose)).containsExactly("c1:incident:33/reopen-1/resolved/ana/inbox",
                "c1:incident:33/reopen-1/resolved/ana/email");
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
                .setId("default").setName("both").setMultiAck(true).setSteps(List.of(EscalateTopologyIT.step(10,
                        EscalateTopologyIT.target(io.sentinelpager.schemas.TargetKind.USER, "ana"),
                        EscalateTopologyIT.target(io.sentinelpager.schemas.TargetKind.USER, "ben"))))
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

    Lifecycle.Directory inMaintenance(io.sentinelpager.schemas.MaintenanceMode mode, Instant end) {
        TeamConfig team = TeamConfig.newBuilder(soc).setMaintenance(List.of(
                io.sentinelpager.schemas.MaintenanceWindow.newBuilder().setStart(T0).setEnd(end).setMode(mode)
                        .setReason("pen test").build())).build();
        return new Lifecycle.Directory(Map.of("soc", team)::get, Map.of("ana", ana)::get, Map.of(), id -> null);
    }

    /** Each sync command as "id alert status assignee class=… comment=…", in the order emitted. */
    static List<String> syncs(Lifecycle.Outcome outcome) {
        return outcome.emitted().stream().filter(SyncCommand.class::isInstance).map(SyncCommand.class::cast)
                .map(c -> c.getCommandId() + " " + c.getAlertKey() + " " + c.getTargetStatus() + " " + c.getAssignedTo()
                        + " class=" + c.getClassification() + " comment=" + c.getComment())
                .toList();
    }

    static List<String> notificationIds(Lifecycle.Outcome outcome) {
        return outcome.emitted().stream().filter(NotificationRequest.class::isInstance)
                .map(r -> ((NotificationRequest) r).getNotificationId()).toList();
    }
}
