package io.sentinelpager.escalate;

import static io.sentinelpager.escalate.LifecycleTest.T0;
import static io.sentinelpager.escalate.LifecycleTest.ana;
import static io.sentinelpager.escalate.LifecycleTest.lifecycle;
import static io.sentinelpager.escalate.LifecycleTest.receipt;
import static io.sentinelpager.escalate.LifecycleTest.routed;
import static io.sentinelpager.escalate.LifecycleTest.soc;
import static io.sentinelpager.escalate.LifecycleTest.step;
import static io.sentinelpager.escalate.LifecycleTest.target;
import static org.assertj.core.api.Assertions.assertThat;

import io.sentinelpager.schemas.AlertLifecycle;
import io.sentinelpager.schemas.NotificationRequest;
import io.sentinelpager.schemas.SourceStatus;
import io.sentinelpager.schemas.TimelineEvent;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What notify's receipts change: a step nobody was reached by escalates at once. */
class StepDeliveriesTest {

    @Test
    void whenEveryNotificationOfAStepFailedTheNextStepIsDueAtOnce() {
        io.sentinelpager.schemas.EscalationChainConfig chain = io.sentinelpager.schemas.EscalationChainConfig.newBuilder()
                .setId("default").setName("d").setSteps(List.of(
                        step(10, target(io.sentinelpager.schemas.TargetKind.USER, "ana")),
                        step(10, target(io.sentinelpager.schemas.TargetKind.USER, "ben"))))
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
                        step(10, target(io.sentinelpager.schemas.TargetKind.USER, "ana")),
                        step(10, target(io.sentinelpager.schemas.TargetKind.USER, "ben"))))
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
}
