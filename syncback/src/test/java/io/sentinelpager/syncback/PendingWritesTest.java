package io.sentinelpager.syncback;

import static org.assertj.core.api.Assertions.assertThat;

import io.sentinelpager.schemas.AlertSource;
import io.sentinelpager.schemas.PendingComment;
import io.sentinelpager.schemas.PendingSync;
import io.sentinelpager.schemas.SourceStatus;
import io.sentinelpager.schemas.SyncCommand;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** What Azure is asked to show of one alert while its writes wait: the newest desired state, and every comment. */
class PendingWritesTest {

    static final Instant T0 = Instant.parse("2026-11-29T03:00:00Z");

    @Test
    void aCloseAfterAWaitingAcknowledgeIsWhatAzureIsAskedFor() {
        PendingSync ack = PendingWrites.merge(null, command("ack", SourceStatus.IN_PROGRESS, "ana@contoso.example",
                null, "ana: on it", T0), T0);
        PendingSync both = PendingWrites.merge(ack, command("close", SourceStatus.RESOLVED, null, "truePositive",
                "ana: contained", T0.plusSeconds(60)), T0.plusSeconds(60));

        assertThat(both.getTargetStatus()).isEqualTo(SourceStatus.RESOLVED);
        assertThat(both.getAssignedTo()).as("the close did not change the owner").isEqualTo("ana@contoso.example");
        assertThat(both.getClassification()).isEqualTo("truePositive");
        assertThat(both.getComments()).extracting(PendingComment::getText).containsExactly("ana: on it",
                "ana: contained");
        assertThat(PendingWrites.commandIds(both)).containsExactly("ack", "close");
    }

    @Test
    void aCommandThatCameDuringAnAttemptIsStillToWriteAfterIt() {
        PendingSync ack = PendingWrites.merge(null, command("ack", SourceStatus.IN_PROGRESS, "ana", null, "on it", T0),
                T0);
        PendingSync now = PendingWrites.merge(ack, command("close", SourceStatus.RESOLVED, null, null, null, T0), T0);

        PendingSync rest = PendingWrites.remainder(now, ack, T0.plusSeconds(5));
        assertThat(PendingWrites.commandIds(rest)).containsExactly("close");
        assertThat(rest.getTargetStatus()).isEqualTo(SourceStatus.RESOLVED);
        assertThat(rest.getComments()).as("posted by the attempt").isEmpty();
        assertThat(rest.getNextTryAt()).isEqualTo(T0.plusSeconds(5));
        assertThat(PendingWrites.remainder(now, now, T0)).as("nothing left").isNull();
    }

    @Test
    void aCommentOnlyLeftOverCarriesNoStatus() {
        PendingSync ack = PendingWrites.merge(null, command("ack", SourceStatus.IN_PROGRESS, null, null, null, T0), T0);
        PendingSync now = PendingWrites.merge(ack, command("note", null, null, null, "later note", T0), T0);
        PendingSync rest = PendingWrites.remainder(now, ack, T0);
        assertThat(rest.getTargetStatus()).isNull();
        assertThat(rest.getComments()).extracting(PendingComment::getText).containsExactly("later note");
    }

    @Test
    void onlyWhatWasAskedForBeforeTheCutoffIsGivenUp() {
        PendingSync old = PendingWrites.merge(null, command("ack", SourceStatus.IN_PROGRESS, null, null, "old", T0),
                T0);
        Instant later = T0.plus(Duration.ofHours(20));
        PendingSync both = PendingWrites.merge(old, command("note", null, null, null, "new", later), later);

        PendingSync kept = PendingWrites.withoutOlderThan(both, T0.plus(Duration.ofHours(1)));
        assertThat(PendingWrites.commandIds(kept)).containsExactly("note");
        assertThat(kept.getTargetStatus()).isNull();
        assertThat(PendingWrites.withoutOlderThan(both, later.plusSeconds(1))).isNull();
    }

    @Test
    void aWriteWaitingForItsRetryKeepsItsTimeWhenACommandJoins() {
        PendingSync waiting = PendingSync.newBuilder(PendingWrites.merge(null,
                command("ack", SourceStatus.IN_PROGRESS, null, null, null, T0), T0))
                .setNextTryAt(T0.plusSeconds(120)).setAttempts(1).build();
        PendingSync joined = PendingWrites.merge(waiting, command("close", SourceStatus.RESOLVED, null, null, null,
                T0.plusSeconds(10)), T0.plusSeconds(10));
        assertThat(joined.getNextTryAt()).as("not sooner than Azure's Retry-After").isEqualTo(T0.plusSeconds(120));
    }

    static SyncCommand command(String id, SourceStatus status, String owner, String classification, String comment,
                               Instant at) {
        return SyncCommand.newBuilder().setCommandId(id).setAlertKey("contoso:a-1").setConnectorId("contoso")
                .setSource(AlertSource.GRAPH).setAlertId("a-1").setTargetStatus(status).setAssignedTo(owner)
                .setClassification(classification).setComment(comment).setRequestedAt(at).build();
    }
}
