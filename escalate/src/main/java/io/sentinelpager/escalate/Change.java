package io.sentinelpager.escalate;

import io.sentinelpager.schemas.AlertLifecycle;
import io.sentinelpager.schemas.LifecycleStatus;
import io.sentinelpager.schemas.NotificationRequest;
import io.sentinelpager.schemas.RecordLimits;
import io.sentinelpager.schemas.TimelineEvent;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.avro.specific.SpecificRecord;

/**
 * What one event does to a page while the parts of {@link Lifecycle} decide it: the page being built, its timeline,
 * the records to emit and the notifications that wait for their time. {@link #outcome} is the only way out, so every
 * decision that changes a page ends within the page's bounds (see {@link PageLimits}), whichever part made it.
 */
final class Change {

    private final AlertLifecycle.Builder page;
    private final List<TimelineEvent> timeline;
    private final List<SpecificRecord> emitted = new ArrayList<>();
    private final List<NotificationRequest> pending;
    private final Instant now;

    private Change(AlertLifecycle.Builder page, List<TimelineEvent> timeline, List<NotificationRequest> pending,
                   Instant now) {
        this.page = page;
        this.timeline = timeline;
        this.pending = pending;
        this.now = now;
    }

    /** A change of a page that exists: it starts as the page, updated now. */
    static Change of(AlertLifecycle page, Instant now) {
        return new Change(AlertLifecycle.newBuilder(page).setUpdatedAt(now), new ArrayList<>(page.getTimeline()),
                new ArrayList<>(page.getPendingNotifications()), now);
    }

    /** A page that does not exist yet. */
    static Change open(AlertLifecycle.Builder page, Instant now) {
        return new Change(page, new ArrayList<>(), new ArrayList<>(), now);
    }

    AlertLifecycle.Builder page() {
        return page;
    }

    Instant now() {
        return now;
    }

    void note(String type, String actor, String channel, String detail) {
        timeline.add(event(now, type, actor, channel, detail));
    }

    void note(TimelineEvent event) {
        timeline.add(event);
    }

    boolean noted(TimelineEvent event) {
        return timeline.contains(event);
    }

    /** Where the timeline ends now, for {@link #noteAt}. */
    int mark() {
        return timeline.size();
    }

    /** An event that belongs before what was noted since {@code mark}, though only known after it. */
    void noteAt(int mark, String type, String actor, String channel, String detail) {
        timeline.add(mark, event(now, type, actor, channel, detail));
    }

    void emit(SpecificRecord record) {
        emitted.add(record);
    }

    /** The notifications the page holds for later; a part that pages adds to them. */
    List<NotificationRequest> pending() {
        return pending;
    }

    /** Nothing the page waited to send goes out any more. */
    void dropPending() {
        pending.clear();
    }

    /** Takes out the pending notifications whose time has come, in the order they were planned. */
    List<NotificationRequest> takeDue() {
        List<NotificationRequest> due = pending.stream().filter(n -> !n.getRequestedAt().isAfter(now)).toList();
        pending.removeIf(n -> !n.getRequestedAt().isAfter(now));
        return due;
    }

    /**
     * The page with its new timeline, within its bounds, followed by what the change emits: every decision that
     * changes a page ends here, so no path can grow a page past what its topic accepts.
     */
    Lifecycle.Outcome outcome() {
        page.setPendingNotifications(pending);
        if (page.getStatus() != LifecycleStatus.HELD) {
            // Acknowledged, closed or paged: nothing waits for configuration any more.
            page.setWaitingFor(List.of());
        }
        List<TimelineEvent> kept = PageLimits.timeline(timeline);
        AlertLifecycle built = PageLimits.fit(page.setTimeline(kept)
                .setTimelineDropped(page.getTimelineDropped() + timeline.size() - kept.size()).build());
        List<SpecificRecord> all = new ArrayList<>();
        all.add(built);
        all.addAll(emitted);
        return new Lifecycle.Outcome(Optional.of(built), all);
    }

    static TimelineEvent event(Instant at, String type, String actor, String channel, String detail) {
        return TimelineEvent.newBuilder().setAt(at).setType(type).setActor(RecordLimits.cut(actor, RecordLimits.ID_BYTES))
                .setChannel(RecordLimits.cut(channel, RecordLimits.ID_BYTES)).setDetail(PageLimits.detail(detail))
                .build();
    }
}
