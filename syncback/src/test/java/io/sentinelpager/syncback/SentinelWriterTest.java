package io.sentinelpager.syncback;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sentinelpager.azure.SentinelAlertId;
import io.sentinelpager.azure.SentinelIncident.Classification;
import io.sentinelpager.azure.SentinelIncident.ClassificationReason;
import io.sentinelpager.schemas.PendingComment;
import io.sentinelpager.schemas.SourceStatus;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class SentinelWriterTest {

    static final Instant T0 = Instant.parse("2026-11-29T03:00:00Z");

    @Test
    void aCloseIsClassifiedInSentinelsWordsWithTheReasonItNeeds() {
        assertThat(SentinelWriter.verdict("informationalExpectedActivity")).satisfies(v -> {
            assertThat(v.classification()).isEqualTo(Classification.BenignPositive);
            assertThat(v.reason()).isEqualTo(ClassificationReason.SuspiciousButExpected);
        });
        assertThat(SentinelWriter.verdict("truePositive").classification()).isEqualTo(Classification.TruePositive);
        assertThat(SentinelWriter.verdict("FalsePositive").reason()).isEqualTo(ClassificationReason.IncorrectAlertLogic);
        assertThat(SentinelWriter.verdict(null).classification()).as("Sentinel refuses a close without one")
                .isEqualTo(Classification.Undetermined);
        assertThatThrownBy(() -> SentinelWriter.verdict("malware")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'malware'").hasMessageContaining("truePositive");
    }

    @Test
    void aDismissedAlertCountsAsResolvedAndAnUnknownStatusAsNew() {
        assertThat(SentinelWriter.sourceStatus("Dismissed")).isEqualTo(SourceStatus.RESOLVED);
        assertThat(SentinelWriter.sourceStatus("Resolved")).isEqualTo(SourceStatus.RESOLVED);
        assertThat(SentinelWriter.sourceStatus("InProgress")).isEqualTo(SourceStatus.IN_PROGRESS);
        assertThat(SentinelWriter.sourceStatus("Unknown")).isEqualTo(SourceStatus.NEW);
        assertThat(SentinelWriter.sourceStatus(null)).isEqualTo(SourceStatus.NEW);
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
}
