package io.sentinelpager.testkit;

import io.sentinelpager.schemas.AlertLifecycle;
import io.sentinelpager.schemas.LifecycleStatus;
import io.sentinelpager.schemas.RoutedAlert;
import io.sentinelpager.schemas.TimelineEvent;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Pages as escalate publishes them on alert.state, for tests of what reads that topic: each step of a page's life
 * is a new state with one more event on its timeline, at the time the test says.
 */
public final class Pages {

    private final AlertLifecycle.Builder page;
    private final List<TimelineEvent> timeline = new ArrayList<>();

    private Pages(AlertLifecycle.Builder page) {
        this.page = page;
    }

    /** A page of this routed alert, triggered at {@code at}, with nobody paged yet. */
    public static Pages triggered(RoutedAlert alert, Instant at) {
        Pages pages = new Pages(AlertLifecycle.newBuilder().setAlertKey(alert.getEnriched().getAlert().getAlertKey())
                .setStatus(LifecycleStatus.TRIGGERED).setAlert(alert).setCreatedAt(at).setUpdatedAt(at));
        return pages.event(at, "triggered", null, "routed to team " + alert.getTeamId());
    }

    /** The chain's step (0 is the first) pages this user. */
    public Pages paged(Instant at, String user, int step) {
        page.setEscalationStep(step).setStepRecipients(List.of(user));
        return event(at, "paged", user, "step " + (step + 1));
    }

    public Pages acknowledged(Instant at, String user) {
        page.setStatus(LifecycleStatus.ACKNOWLEDGED).setOwner(page.getOwner() == null ? user : page.getOwner())
                .setAcknowledgedBy(List.of(user)).setNextEscalationAt(null);
        return event(at, "acknowledged", user, null);
    }

    public Pages closed(Instant at, String user, String classification) {
        page.setStatus(LifecycleStatus.CLOSED).setClassification(classification).setNextEscalationAt(null);
        return event(at, "closed", user, null);
    }

    /** The page's state now. */
    public AlertLifecycle state() {
        return AlertLifecycle.newBuilder(page.setTimeline(List.copyOf(timeline)).build()).build();
    }

    private Pages event(Instant at, String type, String actor, String detail) {
        timeline.add(TimelineEvent.newBuilder().setAt(at).setType(type).setActor(actor).setDetail(detail).build());
        page.setUpdatedAt(at);
        return this;
    }
}
