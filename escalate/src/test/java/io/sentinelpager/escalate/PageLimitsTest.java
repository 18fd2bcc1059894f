package io.sentinelpager.escalate;

import static io.sentinelpager.escalate.LifecycleTest.T0;
import static io.sentinelpager.escalate.LifecycleTest.action;
import static io.sentinelpager.escalate.LifecycleTest.grouped;
import static io.sentinelpager.escalate.LifecycleTest.routed;
import static io.sentinelpager.escalate.LifecycleTest.sourceChanged;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sentinelpager.schemas.ActionType;
import io.sentinelpager.schemas.AlertAction;
import io.sentinelpager.schemas.AlertLifecycle;
import io.sentinelpager.schemas.ContactMethod;
import io.sentinelpager.schemas.ContactMethodType;
import io.sentinelpager.schemas.EnrichedAlert;
import io.sentinelpager.schemas.EnrichmentColumn;
import io.sentinelpager.schemas.EnrichmentTable;
import io.sentinelpager.schemas.EscalationChainConfig;
import io.sentinelpager.schemas.LifecycleStatus;
import io.sentinelpager.schemas.NotificationRequest;
import io.sentinelpager.schemas.RecordLimits;
import io.sentinelpager.schemas.RoutedAlert;
import io.sentinelpager.schemas.SourceStatus;
import io.sentinelpager.schemas.SyncCommand;
import io.sentinelpager.schemas.TargetKind;
import io.sentinelpager.schemas.TeamConfig;
import io.sentinelpager.schemas.TimelineEvent;
import io.sentinelpager.schemas.UserConfig;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * A page's record stays within its topic's limit whatever happens to it: long comments, an incident of thousands of
 * alerts, a chain repeated for days. Each test prints the largest page it made, for the closing note's figures.
 */
class PageLimitsTest {

    final Lifecycle lifecycle = new Lifecycle(new EscalateConfig("https://pager.example"));
    final TeamConfig soc = TeamConfig.newBuilder().setId("soc").setName("SOC").setMembers(List.of("ana", "ben")).build();
    final UserConfig ana = UserConfig.newBuilder().setId("ana").setName("Ana").setEmail("ana@contoso.example")
            .setContactMethods(List.of(ContactMethod.newBuilder().setType(ContactMethodType.INBOX).setAddress("ana")
                    .build())).build();
    /** Ana, then Ben, five minutes each, repeated 1,000 times. */
    final EscalationChainConfig chain = EscalationChainConfig.newBuilder().setId("default").setName("d")
            .setSteps(List.of(EscalateTopologyIT.step(5, EscalateTopologyIT.target(TargetKind.USER, "ana")),
                    EscalateTopologyIT.step(5, EscalateTopologyIT.target(TargetKind.USER, "ben"))))
            .setRepeat(1_000).build();
    final Lifecycle.Directory directory = new Lifecycle.Directory(Map.of("soc", soc)::get, Map.of("ana", ana)::get,
            Map.of(), Map.of("default", chain)::get);

    static String euros(int bytes) {
        return "\u20ac".repeat(bytes / 3); // 3 bytes each in UTF-8
    }

    static AlertAction comment(String id, String text) {
        AlertAction comment = action(id, ActionType.ANNOTATE, "ana");
        comment.setComment(text);
        return comment;
    }

    @Test
    void aCommentAtTheLimitIsKeptWholeAndOneOverItIsRefusedNamingTheFieldAndTheLimit() {
        AlertLifecycle page = lifecycle.routed(Optional.empty(), routed(SourceStatus.NEW), directory, T0).state()
                .orElseThrow();
        String atLimit = euros(RecordLimits.COMMENT_BYTES - 1) + "x";
        assertThat(RecordLimits.utf8Length(atLimit)).isEqualTo(RecordLimits.COMMENT_BYTES);

        Lifecycle.Outcome kept = lifecycle.action(Optional.of(page), comment("n1", atLimit), directory, T0);
        assertThat(kept.state().orElseThrow().getTimeline()).last().extracting(TimelineEvent::getDetail)
                .isEqualTo(atLimit);
        assertThat(kept.emitted()).filteredOn(SyncCommand.class::isInstance)
                .allSatisfy(c -> assertThat(((SyncCommand) c).getComment()).endsWith(atLimit));

        assertThatThrownBy(() -> lifecycle.action(Optional.of(page), comment("n2", atLimit + "y"), directory, T0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("action on alert c1:a1: field 'comment' is 4001 bytes in UTF-8; the limit is 4000 bytes");
        AlertAction hugeClassification = action("n3", ActionType.CLOSE, "ana");
        hugeClassification.setClassification("x".repeat(600_000));
        assertThatThrownBy(() -> lifecycle.action(Optional.of(page), hugeClassification, directory, T0))
                .hasMessageContaining("field 'classification' is 600000 bytes in UTF-8; the limit is 64 bytes");
    }

    @Test
    void anAzureChangeOfAnAlertWithTheLongestKeyIsAccepted() {
        String alertKey = "c".repeat(RecordLimits.ID_BYTES) + ":" + "a".repeat(RecordLimits.ID_BYTES);
        RoutedAlert routed = routed(SourceStatus.NEW);
        routed.getEnriched().getAlert().setAlertKey(alertKey);
        AlertLifecycle page = lifecycle.routed(Optional.empty(), routed, directory, T0).state().orElseThrow();
        // The id ingest gives it: "azure:" + the alert key + "@" + the change's time.
        AlertAction change = sourceChanged(alertKey, SourceStatus.RESOLVED);
        change.setActionId("azure:" + alertKey + "@" + T0.toEpochMilli());

        assertThat(lifecycle.action(Optional.of(page), change, directory, T0).state().orElseThrow().getStatus())
                .isEqualTo(LifecycleStatus.CLOSED);
    }

    @Test
    void aPageRepeated500TimesKeepsPagingWithItsFirstAndLatestEventsAndCountsTheRest() {
        AlertLifecycle page = lifecycle.routed(Optional.empty(), routed(SourceStatus.NEW), directory, T0).state()
                .orElseThrow();
        Instant now = T0;
        int largest = 0;
        // 1,000 steps: every step of the chain, 500 times over, nobody answering.
        for (int i = 0; i < 1_000; i++) {
            now = page.getNextEscalationAt();
            Lifecycle.Outcome woken = lifecycle.wake(page, directory, now);
            assertThat(woken.emitted()).as("step %d pages", i).anyMatch(NotificationRequest.class::isInstance);
            page = woken.state().orElseThrow();
            largest = Math.max(largest, RecordLimits.wireSize(page));
        }
        System.out.println("PageLimitsTest: a page repeated 500 times: largest record " + largest + " bytes");

        assertThat(page.getEscalationRound()).isEqualTo(500);
        assertThat(largest).isLessThanOrEqualTo(RecordLimits.MAX_RECORD_BYTES);
        assertThat(page.getTimeline()).hasSizeLessThanOrEqualTo(RecordLimits.TIMELINE_EVENTS);
        assertThat(page.getTimeline().get(0).getType()).isEqualTo("triggered");
        assertThat(page.getTimeline()).last().satisfies(e -> assertThat(e.getDetail()).contains("repeat 500"));
        // Each step adds a "paged" event: 2 at the start, then 1,000 more.
        assertThat(page.getTimeline().size() + page.getTimelineDropped()).isEqualTo(1_002);

        Lifecycle.Outcome acked = lifecycle.action(Optional.of(page), action("ack", ActionType.ACKNOWLEDGE, "ben"),
                directory, now);
        assertThat(acked.state().orElseThrow().getStatus()).isEqualTo(LifecycleStatus.ACKNOWLEDGED);
    }

    @Test
    void anIncidentOf5000AlertsListsTheFirstAndCountsTheRestAndStillAcknowledgesAndCloses() {
        AlertLifecycle page = lifecycle.routed(Optional.empty(), grouped("c1:a0"), directory, T0).state().orElseThrow();
        int largest = 0;
        for (int i = 1; i < 5_000; i++) {
            Lifecycle.Outcome joined = lifecycle.routed(Optional.of(page), grouped("c1:a" + i), directory, T0);
            assertThat(joined.emitted()).noneMatch(NotificationRequest.class::isInstance);
            page = joined.state().orElseThrow();
            largest = Math.max(largest, RecordLimits.wireSize(page));
        }
        System.out.println("PageLimitsTest: a grouped page of 5,000 alerts: largest record " + largest + " bytes");
        assertThat(largest).isLessThanOrEqualTo(RecordLimits.MAX_RECORD_BYTES);
        assertThat(page.getMembers()).hasSize(RecordLimits.PAGE_MEMBERS).containsKey("c1:a0").containsKey("c1:a499");
        assertThat(page.getMembersUnlisted()).isEqualTo(5_000 - RecordLimits.PAGE_MEMBERS);

        // A late enrichment of an alert beyond the list is an update, not another alert.
        RoutedAlert update = grouped("c1:a4000");
        update.setEnriched(EnrichedAlert.newBuilder(update.getEnriched()).setRevision(1).build());
        AlertLifecycle updated = lifecycle.routed(Optional.of(page), update, directory, T0).state().orElseThrow();
        assertThat(updated.getMembersUnlisted()).isEqualTo(page.getMembersUnlisted());

        // One alert beyond the list resolved in Azure neither closes the page nor marks the listed ones resolved.
        Lifecycle.Outcome unlistedResolved = lifecycle.action(Optional.of(page),
                sourceChanged("c1:a4000", SourceStatus.RESOLVED), directory, T0);
        assertThat(unlistedResolved.state().orElseThrow().getStatus()).isEqualTo(LifecycleStatus.TRIGGERED);
        assertThat(unlistedResolved.state().orElseThrow().getMembers()).containsEntry("c1:a0", SourceStatus.NEW);

        Lifecycle.Outcome acked = lifecycle.action(Optional.of(page), action("ack", ActionType.ACKNOWLEDGE, "ana"),
                directory, T0.plusSeconds(60));
        assertThat(acked.state().orElseThrow().getStatus()).isEqualTo(LifecycleStatus.ACKNOWLEDGED);
        assertThat(acked.emitted()).filteredOn(SyncCommand.class::isInstance).hasSize(RecordLimits.PAGE_MEMBERS);
        assertThat(RecordLimits.wireSize(acked.state().orElseThrow())).isLessThanOrEqualTo(RecordLimits.MAX_RECORD_BYTES);

        // Defender resolves the incident: every listed alert reports resolved, and the page closes with the last.
        AlertLifecycle state = acked.state().orElseThrow();
        for (int i = 0; i < RecordLimits.PAGE_MEMBERS; i++) {
            state = lifecycle.action(Optional.of(state), sourceChanged("c1:a" + i, SourceStatus.RESOLVED), directory,
                    T0.plusSeconds(120)).state().orElseThrow();
        }
        assertThat(state.getStatus()).isEqualTo(LifecycleStatus.CLOSED);
    }

    @Test
    void thousandsOfMaximalCommentsLeaveAPageWithinItsLimit() {
        AlertLifecycle page = lifecycle.routed(Optional.empty(), routed(SourceStatus.NEW), directory, T0).state()
                .orElseThrow();
        String longest = euros(RecordLimits.COMMENT_BYTES);
        int largest = 0;
        for (int i = 0; i < 2_000; i++) {
            page = lifecycle.action(Optional.of(page), comment("n" + i, longest), directory, T0).state().orElseThrow();
            largest = Math.max(largest, RecordLimits.wireSize(page));
        }
        System.out.println("PageLimitsTest: 2,000 comments of 4,000 bytes: largest record " + largest + " bytes");
        assertThat(largest).isLessThanOrEqualTo(RecordLimits.MAX_RECORD_BYTES);
        assertThat(page.getTimeline().get(0).getType()).isEqualTo("triggered");
        assertThat(page.getTimeline()).last().extracting(TimelineEvent::getDetail).isEqualTo(longest);
        assertThat(page.getTimeline().size() + page.getTimelineDropped()).isEqualTo(2 + 2_000);
    }

    @Test
    void aPageKeepsItsAlertWithoutTheSourceJsonAndWithoutRowsThatWouldMakeItLarge() {
        RoutedAlert routed = routed(SourceStatus.NEW);
        routed.getEnriched().getAlert().setSourceJson("{\"evidence\":\"" + "x".repeat(250_000) + "\"}");
        List<List<String>> rows = Collections.nCopies(20, Collections.nCopies(100, euros(999)));
        routed.getEnriched().setTables(List.of(EnrichmentTable.newBuilder().setName("PrimaryResult")
                .setColumns(IntStream.range(0, 100).mapToObj(i -> EnrichmentColumn.newBuilder().setName("c" + i)
                        .setType("string").build()).toList())
                .setRows(new ArrayList<>(rows)).setTotalRows(20).build()));

        AlertLifecycle page = lifecycle.routed(Optional.empty(), routed, directory, T0).state().orElseThrow();

        assertThat(page.getAlert().getEnriched().getAlert().getSourceJson()).contains("alerts.raw");
        assertThat(page.getAlert().getEnriched().getTables()).isEmpty();
        assertThat(page.getAlert().getEnriched().getDetail()).contains("rows are left out of the page");
        assertThat(RecordLimits.wireSize(page.getAlert())).isLessThanOrEqualTo(PageLimits.PAGE_ALERT_BYTES);
        // Small rows stay on the page, for the app to show.
        RoutedAlert small = routed(SourceStatus.NEW);
        small.getEnriched().setTables(List.of(EnrichmentTable.newBuilder().setName("PrimaryResult")
                .setColumns(List.of(EnrichmentColumn.newBuilder().setName("Host").setType("string").build()))
                .setRows(List.of(List.of("srv01"))).setTotalRows(1).build()));
        assertThat(lifecycle.routed(Optional.empty(), small, directory, T0).state().orElseThrow().getAlert()
                .getEnriched().getTables()).hasSize(1);
    }

    /**
     * The largest notification and sync command escalate can write: alert and action ids at their bound, the title
     * and summary of an alert far over theirs in 4-byte characters, a comment at its limit, and a team of 400 paged at
     * once.
     */
    @Test
    void theLargestNotificationAndSyncCommandStayFarBelowTheLimit() {
        String longId = "u".repeat(RecordLimits.ID_BYTES);
        String alertKey = "c".repeat(RecordLimits.ID_BYTES) + ":" + "a".repeat(RecordLimits.ID_BYTES);
        // Ids of 32 bytes: with 400 of the longest possible ids in one step, the page itself would not fit (see
        // aPageThatCannotBeMadeToFitIsRefused...), and its pages would not go out.
        List<String> team = IntStream.range(0, 400).mapToObj(i -> String.format("%032d", i)).toList();
        Map<String, UserConfig> users = new java.util.HashMap<>();
        team.forEach(id -> users.put(id, UserConfig.newBuilder().setId(id).setName(id).setEmail(id + "@contoso.example")
                .setContactMethods(List.of(ContactMethod.newBuilder().setType(ContactMethodType.INBOX).setAddress(id)
                        .build())).build()));
        Lifecycle.Directory crowd = new Lifecycle.Directory(
                Map.of("soc", TeamConfig.newBuilder(soc).setMembers(team).build())::get, users::get, Map.of(),
                Map.of("default", EscalationChainConfig.newBuilder(chain).setSteps(List.of(EscalateTopologyIT.step(5,
                        EscalateTopologyIT.target(TargetKind.TEAM, "soc")))).build())::get);
        RoutedAlert routed = routed(SourceStatus.NEW);
        routed.getEnriched().getAlert().setAlertKey(alertKey);
        routed.getEnriched().getAlert().setTitle("\uD83D\uDE00".repeat(100_000));
        routed.getEnriched().setSummary("\uD83D\uDE00".repeat(100_000));

        Lifecycle.Outcome paged = lifecycle.routed(Optional.empty(), routed, crowd, T0);
        int notification = paged.emitted().stream().filter(NotificationRequest.class::isInstance)
                .mapToInt(n -> RecordLimits.wireSize((NotificationRequest) n)).max().orElseThrow();
        AlertAction close = action(longId, ActionType.CLOSE, team.get(0));
        close.setAlertKey(alertKey);
        close.setComment(euros(RecordLimits.COMMENT_BYTES));
        close.setClassification("c".repeat(RecordLimits.CLASSIFICATION_BYTES));
        int command = lifecycle.action(paged.state(), close, crowd, T0).emitted().stream()
                .filter(SyncCommand.class::isInstance).mapToInt(c -> RecordLimits.wireSize((SyncCommand) c)).max()
                .orElseThrow();
        System.out.println("PageLimitsTest: largest notifications.out record " + notification
                + " bytes, largest sync.commands record " + command + " bytes");

        assertThat(paged.emitted()).filteredOn(NotificationRequest.class::isInstance).hasSize(400)
                .allSatisfy(n -> assertThat(((NotificationRequest) n).getAlsoPaged()).hasSize(Notifications.ALSO_PAGED));
        assertThat(notification).isLessThan(16 * 1024);
        assertThat(command).isLessThan(8 * 1024);
    }

    @Test
    void aPageThatCannotBeMadeToFitIsRefusedWithItsReasonAndTheStoredPageStaysAsItWas() {
        // Hundreds of people with a delayed rule each: the one part of a page that is neither cut nor counted,
        // because each is a page still to send.
        List<String> everyone = IntStream.range(0, 400).mapToObj(i -> "user-" + i).toList();
        TeamConfig big = TeamConfig.newBuilder(soc).setMembers(everyone).build();
        EscalationChainConfig wholeTeam = EscalationChainConfig.newBuilder(chain).setSteps(List.of(
                EscalateTopologyIT.step(5, EscalateTopologyIT.target(TargetKind.TEAM, "soc")))).build();
        Map<String, UserConfig> users = new java.util.HashMap<>();
        for (String id : everyone) {
            users.put(id, UserConfig.newBuilder().setId(id).setName(id).setContactMethods(List.of(
                    ContactMethod.newBuilder().setType(ContactMethodType.SMS).setAddress("+15550100").build()))
                    .setNotificationRules(List.of(io.sentinelpager.schemas.NotificationRule.newBuilder()
                            .setContactMethod(ContactMethodType.SMS).setDelayMinutes(2)
                            .setUrgency(io.sentinelpager.schemas.Urgency.HIGH).build())).build());
        }
        Lifecycle.Directory crowd = new Lifecycle.Directory(Map.of("soc", big)::get, users::get, Map.of(),
                Map.of("default", wholeTeam)::get);
        RoutedAlert routed = routed(SourceStatus.NEW);
        routed.getEnriched().getAlert().setTitle(euros(RecordLimits.TITLE_BYTES));

        assertThatThrownBy(() -> lifecycle.routed(Optional.empty(), routed, crowd, T0))
                .isInstanceOf(PageLimits.PageTooLargeException.class)
                .hasMessageContaining("page c1:a1 would be ")
                .hasMessageContaining("over the limit of " + RecordLimits.MAX_RECORD_BYTES + " bytes")
                .hasMessageContaining("400 delayed notifications");
    }
}
