package io.sentinelpager.responder;

import static org.assertj.core.api.Assertions.assertThat;

import io.sentinelpager.schemas.AlertLifecycle;
import io.sentinelpager.schemas.LifecycleStatus;
import io.sentinelpager.schemas.RoutedAlert;
import io.sentinelpager.schemas.SourceStatus;
import io.sentinelpager.schemas.TimelineEvent;
import io.sentinelpager.testkit.Alerts;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What GET /api/alerts and /api/alerts/{key} show of a page escalate holds because its team is not configured. */
class AlertViewsTest {

    static final Instant T0 = Instant.parse("2026-11-29T03:00:00Z");

    static AlertLifecycle held() {
        RoutedAlert routed = Alerts.routed(Alerts.alert("c1:a1", T0).build(), "soc", "default").setPolicyId("default")
                .setPolicyVersion(0).build();
        return AlertLifecycle.newBuilder().setAlertKey("c1:a1").setStatus(LifecycleStatus.HELD).setAlert(routed)
                .setMembers(Map.of("c1:a1", SourceStatus.NEW)).setWaitingFor(List.of("escalation:default", "team:soc"))
                .setTimeline(List.of(TimelineEvent.newBuilder().setAt(T0).setType("held").setDetail("team soc on"
                        + " call: chain default, team soc are not configured; paged as soon as one of them is")
                        .build())).setCreatedAt(T0).setUpdatedAt(T0).build();
    }

    @Test
    void aHeldPageShowsAsHeldWithWhatItWaitsForAndWhy() {
        Map<String, Object> summary = AlertViews.summary(held(), key -> null);
        assertThat(summary).containsEntry("status", "held")
                .containsEntry("waitingFor", List.of("chain default", "team soc"))
                .containsEntry("recipients", List.of());

        Map<String, Object> detail = AlertViews.detail(held(), key -> null, key -> null);
        assertThat(detail).containsEntry("status", "held");
        assertThat(detail.get("timeline")).asList().singleElement().asString()
                .contains("type=held", "detail=team soc on call: chain default, team soc are not configured");
    }

    @Test
    void aPageThatIsNotHeldWaitsForNothing() {
        AlertLifecycle paged = AlertLifecycle.newBuilder(held()).setStatus(LifecycleStatus.TRIGGERED)
                .setWaitingFor(List.of()).setStepRecipients(List.of("ana")).build();
        assertThat(AlertViews.summary(paged, key -> null)).containsEntry("status", "triggered").containsEntry("waitingFor", List.of())
                .containsEntry("recipients", List.of("ana"));
    }
}
