package io.sentinelpager.escalate;

import static io.sentinelpager.escalate.LifecycleTest.T0;
import static io.sentinelpager.escalate.LifecycleTest.action;
import static io.sentinelpager.escalate.LifecycleTest.directory;
import static io.sentinelpager.escalate.LifecycleTest.lifecycle;
import static io.sentinelpager.escalate.LifecycleTest.routed;
import static org.assertj.core.api.Assertions.assertThat;

import io.sentinelpager.schemas.ActionType;
import io.sentinelpager.schemas.AlertLifecycle;
import io.sentinelpager.schemas.LifecycleStatus;
import io.sentinelpager.schemas.NotificationRequest;
import io.sentinelpager.schemas.SourceStatus;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Who is paged and when: the first step, a team that is not configured, a reopened page. Held pages are
 * HeldPagesTest's; steps and repeats over time, with timers, EscalateTopologyIT's.
 */
class EscalationTest {

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
    void unknownTeamIsRecordedInTheTimelineNotSilentlyDropped() {
        Lifecycle.Directory empty = new Lifecycle.Directory(id -> null, id -> null, Map.of(), id -> null);
        AlertLifecycle state = lifecycle.routed(Optional.empty(), routed(SourceStatus.NEW), empty, T0).state().orElseThrow();
        // Held until the team is configured: see HeldPagesTest.
        assertThat(state.getStatus()).isEqualTo(LifecycleStatus.HELD);
        assertThat(state.getTimeline()).anySatisfy(e -> assertThat(e.getDetail()).contains("team soc are not configured"));
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
}
