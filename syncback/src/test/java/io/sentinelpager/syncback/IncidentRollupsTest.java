package io.sentinelpager.syncback;

import static org.assertj.core.api.Assertions.assertThat;

import io.sentinelpager.azure.RollupSummary;
import io.sentinelpager.schemas.AlertSource;
import io.sentinelpager.schemas.IncidentMember;
import io.sentinelpager.schemas.IncidentRollup;
import io.sentinelpager.schemas.RecordLimits;
import io.sentinelpager.schemas.SourceStatus;
import io.sentinelpager.syncback.IncidentRollups.Count;
import io.sentinelpager.syncback.IncidentRollups.Target;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class IncidentRollupsTest {

    static final Instant T0 = Instant.parse("2026-12-06T03:00:00Z");

    @Test
    void anIncidentFollowsOnlyWhenEveryAlertDoes() {
        assertThat(Count.of(List.of(SourceStatus.RESOLVED, SourceStatus.NEW)).target()).isEqualTo(Target.NONE);
        assertThat(Count.of(List.of(SourceStatus.RESOLVED, SourceStatus.IN_PROGRESS)).target())
                .isEqualTo(Target.IN_PROGRESS);
        assertThat(Count.of(List.of(SourceStatus.RESOLVED, SourceStatus.RESOLVED)).target())
                .isEqualTo(Target.RESOLVED);
        assertThat(Count.of(List.of()).target()).as("an incident listed without alerts is left alone")
                .isEqualTo(Target.NONE);
        assertThat(Count.of(List.of(SourceStatus.RESOLVED, SourceStatus.IN_PROGRESS, SourceStatus.NEW)))
                .isEqualTo(new Count(3, 1, 1));
    }

    @Test
    void anOwnerChangeDoesNotForgetThatTheAlertWasResolved() {
        IncidentRollup rollup = IncidentRollups.merge(null, member("a", SourceStatus.RESOLVED, "ana@x", null, T0), T0);
        rollup = IncidentRollups.merge(rollup, member("a", null, "lee@x", null, T0.plusSeconds(60)), T0);

        assertThat(rollup.getMembers().get("a").getStatus()).isEqualTo(SourceStatus.RESOLVED);
        assertThat(IncidentRollups.owner(rollup)).isEqualTo("lee@x");
        assertThat(rollup.getVersion()).isEqualTo(2);
    }

    @Test
    void aTruePositiveAnywhereMakesTheIncidentOneElseTheLatestChoiceCounts() {
        IncidentRollup rollup = IncidentRollups.merge(null,
                member("a", SourceStatus.RESOLVED, null, "truePositive", T0), T0);
        rollup = IncidentRollups.merge(rollup,
                member("b", SourceStatus.RESOLVED, null, "falsePositive", T0.plusSeconds(60)), T0);
        assertThat(IncidentRollups.classification(rollup)).isEqualTo("truePositive");

        IncidentRollup benign = IncidentRollups.merge(null,
                member("a", SourceStatus.RESOLVED, null, "falsePositive", T0), T0);
        benign = IncidentRollups.merge(benign,
                member("b", SourceStatus.RESOLVED, null, "informationalExpectedActivity", T0.plusSeconds(60)), T0);
        assertThat(IncidentRollups.classification(benign)).isEqualTo("informationalExpectedActivity");
    }

    @Test
    void theSummarySaysWhoAndHowManyAlertsAndIsKnownForOurs() {
        IncidentRollup rollup = IncidentRollups.merge(null,
                member("a", SourceStatus.RESOLVED, null, "truePositive", T0), T0);
        String summary = IncidentRollups.summary(rollup, new Count(3, 0, 3),
                IncidentRollups.resolvedByUs(rollup, List.of("a", "b", "c")));

        assertThat(summary).isEqualTo(RollupSummary.PREFIX + "incident resolved by ana: 3 of 3 alerts resolved"
                + " (1 through Sentinel Pager, 2 in Azure); classified truePositive.");
        assertThat(RollupSummary.isRollupSummary(summary)).isTrue();
    }

    @Test
    void aRetryingRollupKeepsItsTimeAndAFreshOneIsDueNow() {
        IncidentRollup rollup = IncidentRollups.merge(null, member("a", SourceStatus.IN_PROGRESS, null, null, T0), T0);
        assertThat(rollup.getNextCheckAt()).isEqualTo(T0);
        IncidentRollup waiting = IncidentRollup.newBuilder(rollup).setAttempts(3)
                .setNextCheckAt(T0.plus(Duration.ofMinutes(5))).build();

        assertThat(IncidentRollups.merge(waiting, member("b", SourceStatus.IN_PROGRESS, null, null, T0), T0)
                .getNextCheckAt()).isEqualTo(T0.plus(Duration.ofMinutes(5)));
    }

    @Test
    void theAlertsItKnowsAreBoundedAndTheRestCounted() {
        IncidentRollup rollup = null;
        for (int i = 0; i <= RecordLimits.PAGE_MEMBERS; i++) {
            rollup = IncidentRollups.merge(rollup, member("a" + i, SourceStatus.RESOLVED, null, null, T0), T0);
        }
        assertThat(rollup.getMembers()).hasSize(RecordLimits.PAGE_MEMBERS);
        assertThat(rollup.getMembersDropped()).isEqualTo(1);
    }

    static IncidentMember member(String alertId, SourceStatus status, String owner, String classification,
                                 Instant at) {
        return IncidentMember.newBuilder().setConnectorId("contoso").setSource(AlertSource.GRAPH).setIncidentId("29")
                .setAlertKey("contoso:" + alertId).setAlertId(alertId).setStatus(status).setAssignedTo(owner)
                .setClassification(classification).setRequestedBy("ana").setAt(at).build();
    }
}
