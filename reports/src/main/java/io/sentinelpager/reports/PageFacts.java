package io.sentinelpager.reports;

import io.sentinelpager.schemas.AlertLifecycle;
import io.sentinelpager.schemas.LifecycleStatus;
import io.sentinelpager.schemas.TimelineEvent;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What one state of a page shows of its first transitions: whether it was a page at all, its first acknowledgement,
 * its first close, whether it reached step 2 or later, and when each person was first paged. Read from the state
 * alone (its timeline's times, never the clock), so the same state gives the same facts however often it is read:
 * a replay of alert.state, or a state repeated by escalate, says nothing new.
 *
 * <p>The timeline keeps a page's first events whatever else it drops (RecordLimits.TIMELINE_FIRST), which is where
 * these transitions are. A page a maintenance window suppressed, or one resolved in Azure before it was paged, woke
 * nobody and is no page here.
 */
record PageFacts(boolean paged, Optional<TimelineEvent> acknowledged, Optional<TimelineEvent> closed,
                 boolean escalated, Map<String, Instant> pagedUsers) {

    static PageFacts of(AlertLifecycle page) {
        Optional<TimelineEvent> acknowledged = Optional.empty();
        Optional<TimelineEvent> closed = Optional.empty();
        Map<String, Instant> pagedUsers = new LinkedHashMap<>();
        for (TimelineEvent event : page.getTimeline()) {
            switch (event.getType()) {
                case "acknowledged" -> {
                    if (acknowledged.isEmpty() && event.getActor() != null) {
                        acknowledged = Optional.of(event);
                    }
                }
                case "closed" -> {
                    if (closed.isEmpty()) {
                        closed = Optional.of(event);
                    }
                }
                case "paged" -> {
                    if (event.getActor() != null) {
                        pagedUsers.putIfAbsent(event.getActor(), event.getAt());
                    }
                }
                default -> {
                }
            }
        }
        boolean paged = page.getStatus() != LifecycleStatus.CLOSED || !pagedUsers.isEmpty() || acknowledged.isPresent();
        return new PageFacts(paged, acknowledged,
                page.getStatus() == LifecycleStatus.CLOSED ? closed : Optional.empty(),
                page.getEscalationStep() >= 1 || page.getEscalationRound() >= 1, pagedUsers);
    }
}
