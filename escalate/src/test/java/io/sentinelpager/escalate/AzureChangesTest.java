package io.sentinelpager.escalate;

import static io.sentinelpager.escalate.LifecycleTest.T0;
import static io.sentinelpager.escalate.LifecycleTest.action;
import static io.sentinelpager.escalate.LifecycleTest.ana;
import static io.sentinelpager.escalate.LifecycleTest.analystComment;
import static io.sentinelpager.escalate.LifecycleTest.directory;
import static io.sentinelpager.escalate.LifecycleTest.grouped;
import static io.sentinelpager.escalate.LifecycleTest.lifecycle;
import static io.sentinelpager.escalate.LifecycleTest.notificationIds;
import static io.sentinelpager.escalate.LifecycleTest.routed;
import static io.sentinelpager.escalate.LifecycleTest.rule;
import static io.sentinelpager.escalate.LifecycleTest.soc;
import static io.sentinelpager.escalate.LifecycleTest.sourceChanged;
import static org.assertj.core.api.Assertions.assertThat;

import io.sentinelpager.schemas.ActionType;
import io.sentinelpager.schemas.AlertAction;
import io.sentinelpager.schemas.AlertLifecycle;
import io.sentinelpager.schemas.ContactMethodType;
import io.sentinelpager.schemas.LifecycleStatus;
import io.sentinelpager.schemas.NotificationRequest;
import io.sentinelpager.schemas.SourceStatus;
import io.sentinelpager.schemas.SyncCommand;
import io.sentinelpager.schemas.Urgency;
import io.sentinelpager.schemas.UserConfig;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What Azure reports: an alert resolved there, an analyst's comment. */
class AzureChangesTest {

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
}
