package io.sentinelpager.escalate;

import static io.sentinelpager.escalate.LifecycleTest.T0;
import static io.sentinelpager.escalate.LifecycleTest.directory;
import static io.sentinelpager.escalate.LifecycleTest.grouped;
import static io.sentinelpager.escalate.LifecycleTest.inMaintenance;
import static io.sentinelpager.escalate.LifecycleTest.lifecycle;
import static org.assertj.core.api.Assertions.assertThat;

import io.sentinelpager.schemas.AlertLifecycle;
import io.sentinelpager.schemas.LifecycleStatus;
import io.sentinelpager.schemas.NotificationRequest;
import io.sentinelpager.schemas.SourceStatus;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What a maintenance window does to a page (held pages: HeldPagesTest). */
class MaintenanceTest {

    @Test
    void aNewAlertOfAClosedPageHonoursTheTeamsMaintenanceWindowLikeANewPage() {
        AlertLifecycle closed = lifecycle.routed(Optional.empty(), grouped("c1:a1", SourceStatus.RESOLVED), directory, T0)
                .state().orElseThrow();
        Instant end = T0.plusSeconds(3600);

        Lifecycle.Outcome suppressed = lifecycle.routed(Optional.of(closed), grouped("c1:a2"),
                inMaintenance(io.sentinelpager.schemas.MaintenanceMode.SUPPRESS, end), T0.plusSeconds(60));
        assertThat(suppressed.state().orElseThrow().getStatus()).isEqualTo(LifecycleStatus.CLOSED);
        assertThat(suppressed.emitted()).hasSize(1);
        assertThat(suppressed.state().orElseThrow().getTimeline()).last().satisfies(e -> {
            assertThat(e.getType()).isEqualTo("suppressed");
            assertThat(e.getDetail()).isEqualTo("maintenance until " + end + " (pen test)");
        });

        Lifecycle.Directory holding = inMaintenance(io.sentinelpager.schemas.MaintenanceMode.HOLD, end);
        Lifecycle.Outcome held = lifecycle.routed(Optional.of(closed), grouped("c1:a2"), holding, T0.plusSeconds(60));
        AlertLifecycle page = held.state().orElseThrow();
        assertThat(page.getStatus()).isEqualTo(LifecycleStatus.TRIGGERED);
        assertThat(page.getHeldUntil()).isEqualTo(end);
        assertThat(held.emitted()).hasSize(1);
        // When the window ends, the first step is paged.
        assertThat(lifecycle.wake(page, holding, end).emitted()).filteredOn(NotificationRequest.class::isInstance)
                .extracting(r -> ((NotificationRequest) r).getNotificationId())
                .containsExactly("c1:incident:33/reopen-1/round-0/step-0/ana/inbox",
                        "c1:incident:33/reopen-1/round-0/step-0/ana/email");
    }
}
