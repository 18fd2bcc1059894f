package io.sentinelpager.escalate;

import static io.sentinelpager.escalate.LifecycleTest.T0;
import static io.sentinelpager.escalate.LifecycleTest.action;
import static io.sentinelpager.escalate.LifecycleTest.ana;
import static io.sentinelpager.escalate.LifecycleTest.lifecycle;
import static io.sentinelpager.escalate.LifecycleTest.routed;
import static io.sentinelpager.escalate.LifecycleTest.soc;
import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.sentinelpager.schemas.ActionType;
import io.sentinelpager.schemas.AlertLifecycle;
import io.sentinelpager.schemas.EscalationChainConfig;
import io.sentinelpager.schemas.EscalationStep;
import io.sentinelpager.schemas.EscalationTarget;
import io.sentinelpager.schemas.RoutedAlert;
import io.sentinelpager.schemas.SourceStatus;
import io.sentinelpager.schemas.TargetKind;
import io.sentinelpager.schemas.Urgency;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The pages and escalations on /metrics, counted from escalate's decisions as the processor applies them. */
class EscalateMetricsTest {

    final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    final EscalateMetrics metrics = new EscalateMetrics(registry);
    final EscalationChainConfig chain = EscalationChainConfig.newBuilder().setId("default").setName("default")
            .setSteps(List.of(step(5, "ana"), step(10, "ben"))).build();
    final Lifecycle.Directory directory = new Lifecycle.Directory(Map.of("soc", soc)::get, Map.of("ana", ana)::get,
            Map.of(), Map.of("default", chain)::get);

    static EscalationStep step(int delayMinutes, String user) {
        return EscalationStep.newBuilder().setDelayMinutes(delayMinutes).setTargets(List.of(
                EscalationTarget.newBuilder().setKind(TargetKind.USER).setId(user).build())).build();
    }

    /** Applies the decision as the processor does, and returns the new state. */
    AlertLifecycle apply(Optional<AlertLifecycle> before, Lifecycle.Outcome outcome) {
        AlertLifecycle after = outcome.state().orElseThrow();
        metrics.decided(before, after);
        return after;
    }

    double pages(String urgency) {
        var counter = registry.find(EscalateMetrics.PAGES).tags("urgency", urgency, "connector", "c1").counter();
        return counter == null ? 0 : counter.count();
    }

    double escalations(String urgency) {
        var counter = registry.find(EscalateMetrics.ESCALATIONS).tag("urgency", urgency).counter();
        return counter == null ? 0 : counter.count();
    }

    @Test
    void aPageOpenedCountsOnceUnderItsUrgencyAndConnectorAndItsNextStepCountsAsAnEscalation() {
        AlertLifecycle opened = apply(Optional.empty(), lifecycle.routed(Optional.empty(), routed(SourceStatus.NEW),
                directory, T0));
        assertThat(pages("high")).isEqualTo(1);
        assertThat(escalations("high")).isZero();

        AlertLifecycle escalated = apply(Optional.of(opened), lifecycle.wake(opened, directory,
                T0.plus(Duration.ofMinutes(5))));
        assertThat(escalated.getEscalationStep()).as("step 2 paged").isEqualTo(1);
        assertThat(escalations("high")).isEqualTo(1);
        assertThat(pages("high")).as("the same page").isEqualTo(1);
    }

    @Test
    void anAcknowledgedPageIsNeitherOpenedAgainNorEscalated() {
        AlertLifecycle opened = apply(Optional.empty(), lifecycle.routed(Optional.empty(), routed(SourceStatus.NEW),
                directory, T0));
        apply(Optional.of(opened), lifecycle.action(Optional.of(opened), action("ack-1", ActionType.ACKNOWLEDGE, "ana"),
                directory, T0.plusSeconds(30)));

        assertThat(pages("high")).isEqualTo(1);
        assertThat(escalations("high")).isZero();
    }

    @Test
    void aLowUrgencyPageCountsUnderLow() {
        RoutedAlert low = RoutedAlert.newBuilder(routed(SourceStatus.NEW)).setUrgency(Urgency.LOW).build();
        apply(Optional.empty(), lifecycle.routed(Optional.empty(), low, directory, T0));

        assertThat(pages("low")).isEqualTo(1);
        assertThat(pages("high")).isZero();
    }
}
