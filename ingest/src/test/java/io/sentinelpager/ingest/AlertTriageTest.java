package io.sentinelpager.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.graph.models.security.Alert;
import com.microsoft.graph.models.security.AlertComment;
import com.microsoft.graph.models.security.AlertSeverity;
import com.microsoft.graph.models.security.AlertStatus;
import io.sentinelpager.azure.SourceAlert;
import io.sentinelpager.schemas.ActionType;
import io.sentinelpager.schemas.AlertSource;
import io.sentinelpager.schemas.IngestSeen;
import io.sentinelpager.schemas.RecordLimits;
import io.sentinelpager.schemas.SourceStatus;
import io.sentinelpager.schemas.SyncCommand;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AlertTriageTest {

    static final Instant T0 = Instant.parse("2026-11-29T03:00:00Z");

    static final AlertNormalizer NORMALIZER = new AlertNormalizer("contoso", AlertBounds.defaults());
    static final SeenRetention RETENTION = new SeenRetention(Duration.ofDays(30));

    final AlertTriage triage = new AlertTriage("contoso", AlertScope.ALL, RETENTION);
    final OurWrites ours = new OurWrites(Set.of("contoso"));
    final Map<String, IngestSeen> remembered = new HashMap<>();

    @Test
    void aNewAlertIsPagedAndItsSecondReadIsADuplicate() {
        AlertTriage.Outcome first = run(alert("a1", AlertStatus.New, null, 0));
        assertThat(first).isInstanceOf(AlertTriage.New.class);
        assertThat(((AlertTriage.New) first).alert().getAlertKey()).isEqualTo("contoso:a1");
        assertThat(run(alert("a1", AlertStatus.New, null, 0))).isInstanceOf(AlertTriage.Duplicate.class);
    }

    @Test
    void anAnalystResolvingTheAlertBecomesASourceStatusChangedAction() {
        run(alert("a1", AlertStatus.New, null, 0));
        AlertTriage.Outcome changed = run(alert("a1", AlertStatus.Resolved, "soc-lead@contoso.example", 60));

        assertThat(changed).isInstanceOf(AlertTriage.Changed.class);
        var action = ((AlertTriage.Changed) changed).action();
        assertThat(action.getType()).isEqualTo(ActionType.SOURCE_STATUS_CHANGED);
        assertThat(action.getAlertKey()).isEqualTo("contoso:a1");
        assertThat(action.getActor()).isEqualTo("contoso");
        assertThat(action.getChannel()).isEqualTo("azure");
        assertThat(action.getSourceStatus()).isEqualTo(SourceStatus.RESOLVED);
        assertThat(action.getComment()).contains("status new → resolved").contains("assigned to soc-lead@contoso.example");
        // The same change read again (a retried poll) has the same id, so escalate applies it once.
        assertThat(action.getActionId()).isEqualTo("azure:contoso:a1@" + T0.plusSeconds(60).toEpochMilli());
    }

    @Test
    void ourOwnWriteBackIsRecognisedAndNotEchoed() {
        run(alert("a1", AlertStatus.New, null, 0));
        ours.add(command("ack-1", SourceStatus.IN_PROGRESS, "ana@contoso.example"));

        AlertTriage.Outcome echo = run(alert("a1", AlertStatus.InProgress, "ana@contoso.example", 30));

        assertThat(echo).isInstanceOf(AlertTriage.Echo.class);
        assertThat(echo.seen().getEchoedCommandId()).isEqualTo("ack-1");
    }

    @Test
    void anAnalystRepeatingWhatWeWroteAfterTheEchoIsNotMistakenForUs() {
        run(alert("a1", AlertStatus.New, null, 0));
        ours.add(command("ack-1", SourceStatus.IN_PROGRESS, "ana@contoso.example"));
        run(alert("a1", AlertStatus.InProgress, "ana@contoso.example", 30));
        run(alert("a1", AlertStatus.New, null, 60)); // an analyst un-assigns it: a change, not ours

        AlertTriage.Outcome again = run(alert("a1", AlertStatus.InProgress, "ana@contoso.example", 90));

        assertThat(again).as("ack-1 was already echoed").isInstanceOf(AlertTriage.Changed.class);
    }

    @Test
    void aChangeThatOnlyPartlyMatchesOurWriteIsTheAnalysts() {
        run(alert("a1", AlertStatus.New, null, 0));
        ours.add(command("ack-1", SourceStatus.IN_PROGRESS, "ana@contoso.example"));
        // We set inProgress for ana; the analyst resolved it for someone else.
        assertThat(run(alert("a1", AlertStatus.Resolved, "ana@contoso.example", 30)))
                .isInstanceOf(AlertTriage.Changed.class);
    }

    @Test
    void aCommentOrNewEvidenceChangesNothingToPage() {
        run(alert("a1", AlertStatus.New, null, 0));
        assertThat(run(alert("a1", AlertStatus.New, null, 30))).isInstanceOf(AlertTriage.Touched.class);
    }

    @Test
    void anAnalystsCommentBecomesAnActionWithItsAuthorAndTime() {
        run(alert("a1", AlertStatus.New, null, 0));

        AlertTriage.Outcome touched = run(commented(alert("a1", AlertStatus.New, null, 30),
                comment("Soc Lead", 30, "Isolated the host, please check the VPN logs")));

        assertThat(touched).isInstanceOf(AlertTriage.Touched.class);
        assertThat(touched.comments()).singleElement().satisfies(action -> {
            assertThat(action.getType()).isEqualTo(ActionType.SOURCE_COMMENT);
            assertThat(action.getAlertKey()).isEqualTo("contoso:a1");
            assertThat(action.getActor()).isEqualTo("Soc Lead");
            assertThat(action.getChannel()).isEqualTo("azure");
            assertThat(action.getComment()).isEqualTo("Isolated the host, please check the VPN logs");
            assertThat(action.getOccurredAt()).isEqualTo(T0.plusSeconds(30));
        });
    }

    @Test
    void aCommentArrivingWithAStatusChangeIsImportedBesideTheChange() {
        run(alert("a1", AlertStatus.New, null, 0));

        AlertTriage.Outcome changed = run(commented(alert("a1", AlertStatus.Resolved, null, 30),
                comment("Soc Lead", 30, "False alarm, closing")));

        assertThat(changed).isInstanceOf(AlertTriage.Changed.class);
        assertThat(changed.comments()).extracting(a -> a.getComment()).containsExactly("False alarm, closing");
    }

    @Test
    void ourOwnCommentIsNotImportedButTheSameTextFromAnAnalystLaterIs() {
        run(alert("a1", AlertStatus.New, null, 0));
        ours.add(commentCommand("note-1", "ana (Sentinel Pager): on it"));

        AlertTriage.Outcome echo = run(commented(alert("a1", AlertStatus.New, null, 30),
                comment("Sentinel Pager", 30, "ana (Sentinel Pager): on it")));

        assertThat(echo.comments()).as("our write-back is not an analyst's comment").isEmpty();
        assertThat(echo.seen().getEchoedCommentCommandId()).isEqualTo("note-1");
        AlertTriage.Outcome copied = run(commented(alert("a1", AlertStatus.New, null, 60),
                comment("Sentinel Pager", 30, "ana (Sentinel Pager): on it"),
                comment("Soc Lead", 60, "ana (Sentinel Pager): on it")));
        assertThat(copied.comments()).as("note-1 was already echoed").extracting(a -> a.getActor())
                .containsExactly("Soc Lead");
    }

    @Test
    void ourCommentPostedAfterItsStatusChangeIsStillRecognised() {
        run(alert("a1", AlertStatus.New, null, 0));
        ours.add(SyncCommand.newBuilder(command("ack-1", SourceStatus.IN_PROGRESS, "ana@contoso.example"))
                .setComment("ana (Sentinel Pager): acknowledged").build());
        // Syncback PATCHes, then posts the comment: a poll in between sees the status alone.
        assertThat(run(alert("a1", AlertStatus.InProgress, "ana@contoso.example", 30)))
                .isInstanceOf(AlertTriage.Echo.class);

        AlertTriage.Outcome later = run(commented(alert("a1", AlertStatus.InProgress, "ana@contoso.example", 31),
                comment("Sentinel Pager", 31, "ana (Sentinel Pager): acknowledged")));

        assertThat(later.comments()).isEmpty();
    }

    @Test
    void theSameCommentIsNotImportedTwice() {
        run(alert("a1", AlertStatus.New, null, 0));
        IngestSeen before = remembered.get("contoso:a1");
        Alert withComment = commented(alert("a1", AlertStatus.New, null, 30), comment("Soc Lead", 30, "Looking"));
        AlertTriage.Outcome first = run(withComment);
        assertThat(first.comments()).hasSize(1);

        assertThat(run(withComment)).as("the same version read again").isInstanceOf(AlertTriage.Duplicate.class);
        AlertTriage.Outcome next = run(commented(alert("a1", AlertStatus.Resolved, null, 60),
                comment("Soc Lead", 30, "Looking")));
        assertThat(next.comments()).as("a later version with the same comment").isEmpty();
        // A poll retried after a crash judges the version again from the record before it: the same action id, which
        // escalate's notification ids derive from.
        AlertTriage.Outcome retried = triage.triage(graph(withComment, "{}"), key -> before, ours, T0, false);
        assertThat(retried.comments()).extracting(a -> a.getActionId())
                .containsExactly(first.comments().get(0).getActionId());
    }

    @Test
    void anOversizedCommentAndAuthorAreCutToTheActionsBoundsAndSaySo() {
        run(alert("a1", AlertStatus.New, null, 0));
        String text = "€".repeat(5_000);

        AlertTriage.Outcome touched = run(commented(alert("a1", AlertStatus.New, null, 30),
                comment("x".repeat(1_000), 30, text)));

        var action = touched.comments().get(0);
        assertThat(RecordLimits.utf8Length(action.getComment())).isLessThanOrEqualTo(RecordLimits.COMMENT_BYTES);
        assertThat(action.getComment()).startsWith("€€€").endsWith("[cut: 15000 bytes in all]");
        assertThat(RecordLimits.utf8Length(action.getActor())).isLessThanOrEqualTo(RecordLimits.ID_BYTES);
        assertThat(RecordLimits.utf8Length(action.getActionId())).isLessThanOrEqualTo(RecordLimits.ID_BYTES);
    }

    @Test
    void commentsAnAlertHasWhenFirstReadAreNotImported() {
        AlertTriage.Outcome first = run(commented(alert("a1", AlertStatus.New, null, 0),
                comment("Soc Lead", 0, "Seen this before")));
        assertThat(first).isInstanceOf(AlertTriage.New.class);
        assertThat(first.comments()).isEmpty();

        // Nor after an upgrade, when ingest's record of the alert predates comments.
        remembered.put("contoso:a1", IngestSeen.newBuilder(first.seen()).setCommentsRead(null).build());
        AlertTriage.Outcome upgraded = run(commented(alert("a1", AlertStatus.New, null, 30),
                comment("Soc Lead", 0, "Seen this before")));
        assertThat(upgraded.comments()).isEmpty();
        assertThat(run(commented(alert("a1", AlertStatus.New, null, 60), comment("Soc Lead", 0, "Seen this before"),
                comment("Soc Lead", 60, "New one"))).comments()).extracting(a -> a.getComment())
                .containsExactly("New one");
    }

    @Test
    void anAlertOutsideTheFiltersIsNotPagedButAChangeOfAPagedOneAlwaysPasses() {
        AlertTriage onlyNewHigh = new AlertTriage("contoso",
                new AlertScope(Set.of("high"), Set.of("new"), Set.of(), Set.of()), RETENTION);
        Alert low = alert("a2", AlertStatus.New, null, 0);
        low.setSeverity(AlertSeverity.Low);
        assertThat(onlyNewHigh.triage(graph(low, "{}"), remembered::get, ours, T0, false))
                .isInstanceOfSatisfying(AlertTriage.OutOfScope.class,
                        o -> assertThat(o.reason()).contains("severity low"));

        AlertTriage.Outcome paged = onlyNewHigh.triage(graph(alert("a3", AlertStatus.New, null, 0), "{}"),
                remembered::get, ours, T0, false);
        remembered.put("contoso:a3", paged.seen());
        assertThat(onlyNewHigh.triage(graph(alert("a3", AlertStatus.Resolved, null, 10), "{}"),
                remembered::get, ours, T0, false)).isInstanceOf(AlertTriage.Changed.class);
    }

    @Test
    void anAlertWithoutIdIsDeadLetteredOnceWithTheReason() {
        Alert noId = alert(null, AlertStatus.New, null, 0);
        noId.setTitle("Ransomware behaviour");
        AlertTriage.Outcome first = run(noId);
        assertThat(first).isInstanceOfSatisfying(AlertTriage.Unusable.class, u -> {
            assertThat(u.reason()).contains("connector contoso").contains("without an id")
                    .contains("Ransomware behaviour");
            assertThat(u.seen().getAlertKey()).startsWith("contoso:unusable-");
        });
        assertThat(run(noId)).as("read again in the next poll's overlap").isInstanceOf(AlertTriage.Duplicate.class);
    }

    @Test
    void anOldAlertChangedAfterItsRecordExpiredIsAChangeNotANewPage() {
        // Paged at T0, then quiet in Azure for 40 days: its record expired. Now an analyst resolves it.
        Instant later = T0.plus(Duration.ofDays(40));
        Alert resolved = alert("a1", AlertStatus.Resolved, "soc-lead@contoso.example", 0);
        resolved.setLastUpdateDateTime(OffsetDateTime.ofInstant(later, ZoneOffset.UTC));

        AlertTriage.Outcome outcome = triage.triage(graph(resolved, "{}"), remembered::get, ours, later, false);

        assertThat(outcome).isInstanceOfSatisfying(AlertTriage.Changed.class, c -> {
            assertThat(c.action().getType()).isEqualTo(ActionType.SOURCE_STATUS_CHANGED);
            assertThat(c.action().getSourceStatus()).isEqualTo(SourceStatus.RESOLVED);
            assertThat(c.action().getActionId()).isEqualTo("azure:contoso:a1@" + later.toEpochMilli());
            assertThat(c.action().getComment()).contains("30 days").contains("status resolved")
                    .contains("assigned to soc-lead@contoso.example");
        });
        assertThat(outcome.seen()).as("remembered again, for its next change").isNotNull();
        // Also outside the connector's filters: a page, if there is one, was let through when it was new.
        AlertTriage onlyNew = new AlertTriage("contoso", new AlertScope(Set.of(), Set.of("new"), Set.of(), Set.of()),
                RETENTION);
        assertThat(onlyNew.triage(graph(resolved, "{}"), remembered::get, ours, later, false))
                .isInstanceOf(AlertTriage.Changed.class);
    }

    @Test
    void anAlertWithoutRecordIsNewWhenItCannotHaveBeenForgotten() {
        // Created within the retention (less the clock margin): had ingest read it, its record would still be here.
        Instant within = T0.plus(Duration.ofDays(30)).minus(SeenRetention.CLOCK_MARGIN).minusSeconds(1);
        assertThat(triage.triage(graph(alert("a1", AlertStatus.New, null, 60), "{}"), remembered::get, ours,
                within, false)).isInstanceOf(AlertTriage.New.class);
        // The connector's first poll: ingest has read nothing of it yet, so the look-back pages what it finds.
        assertThat(triage.triage(graph(alert("a2", AlertStatus.New, null, 60), "{}"), remembered::get, ours,
                T0.plus(Duration.ofDays(40)), true)).isInstanceOf(AlertTriage.New.class);
    }

    @Test
    void aRereadAlertHasItsRecordWrittenAgainOnceItIsHalfTheRetentionOld() {
        run(alert("a1", AlertStatus.New, null, 0));
        SourceItem again = graph(alert("a1", AlertStatus.New, null, 0), "{\"id\":\"a1\"}");

        assertThat(triage.triage(again, remembered::get, ours, T0.plus(Duration.ofDays(14)), false))
                .isInstanceOfSatisfying(AlertTriage.Duplicate.class, d -> assertThat(d.seen()).isNull());
        Instant halfway = T0.plus(Duration.ofDays(15)).plusSeconds(1);
        assertThat(triage.triage(again, remembered::get, ours, halfway, false))
                .isInstanceOfSatisfying(AlertTriage.Duplicate.class, d -> {
                    assertThat(d.seen().getSeenAt()).isEqualTo(halfway);
                    assertThat(d.seen().getLastUpdatedAt()).isEqualTo(remembered.get("contoso:a1").getLastUpdatedAt());
                });
    }

    @Test
    void aRecordIsExpiredOnceItIsOlderThanTheRetention() {
        IngestSeen seen = run(alert("a1", AlertStatus.New, null, 0)).seen();
        assertThat(RETENTION.expired(seen, T0.plus(Duration.ofDays(30)))).isFalse();
        assertThat(RETENTION.expired(seen, T0.plus(Duration.ofDays(30)).plusMillis(1))).isTrue();
        assertThat(RETENTION.topicConfig()).containsEntry("cleanup.policy", "compact,delete")
                .containsEntry("retention.ms", String.valueOf(Duration.ofDays(30).toMillis()));
    }

    private AlertTriage.Outcome run(Alert alert) {
        AlertTriage.Outcome outcome = triage.triage(graph(alert, "{\"id\":\"" + alert.getId() + "\"}"),
                remembered::get, ours, T0, false);
        if (outcome.seen() != null) {
            remembered.put(outcome.seen().getAlertKey(), outcome.seen());
        }
        return outcome;
    }

    static SourceItem graph(Alert alert, String json) {
        return GraphFeed.item(NORMALIZER, new SourceAlert(alert, json));
    }

    static Alert alert(String id, AlertStatus status, String assignedTo, int updatedAfterSeconds) {
        Alert alert = new Alert();
        alert.setId(id);
        alert.setTitle("Suspicious PowerShell");
        alert.setSeverity(AlertSeverity.High);
        alert.setStatus(status);
        alert.setAssignedTo(assignedTo);
        alert.setCreatedDateTime(OffsetDateTime.ofInstant(T0, ZoneOffset.UTC));
        alert.setLastUpdateDateTime(OffsetDateTime.ofInstant(T0.plusSeconds(updatedAfterSeconds), ZoneOffset.UTC));
        return alert;
    }

    static Alert commented(Alert alert, AlertComment... comments) {
        alert.setComments(List.of(comments));
        return alert;
    }

    static AlertComment comment(String author, int afterSeconds, String text) {
        AlertComment comment = new AlertComment();
        comment.setCreatedByDisplayName(author);
        comment.setCreatedDateTime(OffsetDateTime.ofInstant(T0.plusSeconds(afterSeconds), ZoneOffset.UTC));
        comment.setComment(text);
        return comment;
    }

    static SyncCommand commentCommand(String id, String comment) {
        return SyncCommand.newBuilder().setCommandId(id).setAlertKey("contoso:a1").setConnectorId("contoso")
                .setSource(AlertSource.GRAPH).setAlertId("a1").setComment(comment).setRequestedAt(T0).build();
    }

    static SyncCommand command(String id, SourceStatus status, String assignedTo) {
        return SyncCommand.newBuilder().setCommandId(id).setAlertKey("contoso:a1").setConnectorId("contoso")
                .setSource(AlertSource.GRAPH).setAlertId("a1").setTargetStatus(status).setAssignedTo(assignedTo)
                .setRequestedAt(T0).build();
    }
}
