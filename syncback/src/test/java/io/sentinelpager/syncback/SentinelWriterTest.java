package io.sentinelpager.syncback;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sentinelpager.azure.IncidentUpdate;
import io.sentinelpager.azure.SentinelAlertId;
import io.sentinelpager.azure.SentinelIncident.Classification;
import io.sentinelpager.azure.SentinelIncident.ClassificationReason;
import io.sentinelpager.azure.SentinelIncident.Status;
import io.sentinelpager.schemas.AlertSource;
import io.sentinelpager.schemas.PendingComment;
import io.sentinelpager.schemas.PendingSync;
import io.sentinelpager.schemas.SourceStatus;
import io.sentinelpager.schemas.SyncCommand;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class SentinelWriterTest {

    static final Instant T0 = Instant.parse("2026-11-29T03:00:00Z");

    @Test
    void anAcknowledgementMakesTheIncidentActiveAndOwned() {
        IncidentUpdate update = SentinelWriter.update(command("c1", SourceStatus.IN_PROGRESS, "ana@contoso.example",
                null, null));
        assertThat(update.status()).isEqualTo(Status.Active);
        assertThat(update.ownerUserPrincipalName()).isEqualTo("ana@contoso.example");
        assertThat(update.classification()).as("only a close classifies").isNull();
    }

    @Test
    void aCloseCarriesSentinelsClassificationAndTheReasonItNeeds() {
        assertThat(SentinelWriter.update(command("c", SourceStatus.RESOLVED, null, "informationalExpectedActivity",
                null))).satisfies(u -> {
                    assertThat(u.status()).isEqualTo(Status.Closed);
                    assertThat(u.classification()).isEqualTo(Classification.BenignPositive);
                    assertThat(u.classificationReason()).isEqualTo(ClassificationReason.SuspiciousButExpected);
                });
        assertThat(SentinelWriter.verdict("truePositive").classification()).isEqualTo(Classification.TruePositive);
        assertThat(SentinelWriter.verdict("FalsePositive").reason()).isEqualTo(ClassificationReason.IncorrectAlertLogic);
        assertThat(SentinelWriter.update(command("c", SourceStatus.RESOLVED, null, null, null)).classification())
                .as("Sentinel refuses a close without one").isEqualTo(Classification.Undetermined);
        assertThatThrownBy(() -> SentinelWriter.verdict("malware")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'malware'").hasMessageContaining("truePositive");
    }

    @Test
    void aCommentOnlyChangesNothingOnTheIncident() {
        assertThat(SentinelWriter.update(command("c", null, null, null, "looking into it"))).isNull();
    }

    @Test
    void theCommandsOfOnePageShareOneCommentId() {
        SentinelAlertId a = SentinelAlertId.parse("inc-1:alert-a");
        SentinelAlertId b = SentinelAlertId.parse("inc-1:alert-b");
        PendingComment first = new PendingComment("act/key-a", "ana (Sentinel Pager): on it", T0);
        PendingComment second = new PendingComment("act/key-b", "ana (Sentinel Pager): on it", T0);
        assertThat(SentinelWriter.commentId(a, first)).isEqualTo(SentinelWriter.commentId(b, second));
        assertThat(SentinelWriter.commentId(a, first)).isNotEqualTo(SentinelWriter.commentId(a,
                new PendingComment("later", "ana (Sentinel Pager): done", T0)));
    }

    static PendingSync command(String id, SourceStatus status, String owner, String classification, String comment) {
        return PendingWrites.merge(null, SyncCommand.newBuilder().setCommandId(id).setAlertKey("contoso:inc-1:alert-a")
                .setConnectorId("contoso").setSource(AlertSource.SENTINEL).setAlertId("inc-1:alert-a")
                .setTargetStatus(status).setAssignedTo(owner).setClassification(classification).setComment(comment)
                .setRequestedAt(T0).build(), T0);
    }
}
