package io.sentinelpager.escalate;

import io.sentinelpager.schemas.AlertAction;
import io.sentinelpager.schemas.AlertLifecycle;
import io.sentinelpager.schemas.EnrichedAlert;
import io.sentinelpager.schemas.RecordLimits;
import io.sentinelpager.schemas.RoutedAlert;
import io.sentinelpager.schemas.SecurityAlert;
import io.sentinelpager.schemas.TimelineEvent;
import java.util.ArrayList;
import java.util.List;

/**
 * Keeps a page's record within what its topic accepts, whatever happens to the page. A page grows with every event
 * (timeline), every alert of its incident (members) and every repeat of its chain; nothing bounded it, so two long
 * comments or a long-lived incident made alert.state pass the broker's limit and stopped escalate. Each part that
 * accumulates now has a cap, and {@link #fit} checks the whole before it is stored, so that no event can make a page
 * unwritable: a page that still would not fit is refused with the reason, and the event that caused it goes to its
 * topic's dead letters while every other page goes on.
 */
final class PageLimits {

    /** The alert a page shows: its source JSON stays on alerts.raw (for audit), its rows within this. */
    static final int PAGE_ALERT_BYTES = 256 * 1024;
    /** What {@link #fit} keeps of the latest timeline events when a page is still too large. */
    private static final int TIMELINE_LATEST_WHEN_FULL = 20;
    private static final String SOURCE_JSON_ON_PAGE = "{\"sentinelPager\":\"the source JSON is kept on alerts.raw\"}";

    private PageLimits() {
    }

    /**
     * Refuses an action whose text is over the limits the responder enforces at its door: one that arrives anyway
     * (written to alert.actions by another client) is dead-lettered with this reason rather than cut, so what a person
     * wrote is kept whole for whoever reads the dead letters, and Azure never receives half a comment.
     */
    static void check(AlertAction action) {
        within("comment", action.getComment(), RecordLimits.COMMENT_BYTES, action);
        within("classification", action.getClassification(), RecordLimits.CLASSIFICATION_BYTES, action);
        within("actor", action.getActor(), RecordLimits.ID_BYTES, action);
        within("channel", action.getChannel(), RecordLimits.ID_BYTES, action);
        // Ingest derives the id of an Azure-side change from the alert key, which may itself be two ids long.
        within("actionId", action.getActionId(), RecordLimits.ALERT_KEY_BYTES + RecordLimits.ID_BYTES, action);
    }

    private static void within(String field, String value, int limit, AlertAction action) {
        RecordLimits.over("field '" + field + "'", value, limit).ifPresent(why -> {
            throw new IllegalArgumentException("action on alert " + RecordLimits.cut(action.getAlertKey(), 200) + ": "
                    + why);
        });
    }

    /** A timeline event's detail, cut to its bound: receipts and reasons are news, not archives. */
    static String detail(String detail) {
        return RecordLimits.cut(detail, RecordLimits.TIMELINE_DETAIL_BYTES);
    }

    /**
     * The routed alert as a page keeps it: without its source JSON (alerts.raw has it), and without the rule's rows
     * when they alone would make the page large (alerts.enriched has them, and the page says so).
     */
    static RoutedAlert forPage(RoutedAlert routed) {
        EnrichedAlert enriched = routed.getEnriched();
        SecurityAlert alert = enriched.getAlert();
        // Ingest and enrich cut these already; cut again, as a page must not depend on another service's bounds.
        enriched = EnrichedAlert.newBuilder(enriched)
                .setSummary(RecordLimits.cut(enriched.getSummary(), RecordLimits.TITLE_BYTES))
                .setAlert(SecurityAlert.newBuilder(alert).setSourceJson(SOURCE_JSON_ON_PAGE)
                        .setTitle(RecordLimits.cut(alert.getTitle(), RecordLimits.TITLE_BYTES))
                        .setDescription(RecordLimits.cut(alert.getDescription(), RecordLimits.DESCRIPTION_BYTES))
                        .build()).build();
        RoutedAlert slim = RoutedAlert.newBuilder(routed).setEnriched(enriched).build();
        if (enriched.getTables().isEmpty() || RecordLimits.wireSize(slim) <= PAGE_ALERT_BYTES) {
            return slim;
        }
        return RoutedAlert.newBuilder(slim).setEnriched(withoutRows(enriched)).build();
    }

    private static EnrichedAlert withoutRows(EnrichedAlert enriched) {
        String reason = "the rule's rows are left out of the page, which they would make too large; alerts.enriched"
                + " and the Logs link have them";
        return EnrichedAlert.newBuilder(enriched).setTables(List.of())
                .setDetail(enriched.getDetail() == null ? reason : enriched.getDetail() + "; " + reason).build();
    }

    /**
     * The timeline kept: the first {@link RecordLimits#TIMELINE_FIRST} events (how the page began), then the latest
     * ones, at most {@link RecordLimits#TIMELINE_EVENTS} events and {@link RecordLimits#TIMELINE_BYTES} of details in
     * all. Returns the events kept; the caller adds how many were dropped to the page's count.
     */
    static List<TimelineEvent> timeline(List<TimelineEvent> events) {
        return keep(events, RecordLimits.TIMELINE_EVENTS);
    }

    private static List<TimelineEvent> keep(List<TimelineEvent> events, int maxEvents) {
        int first = Math.min(RecordLimits.TIMELINE_FIRST, events.size());
        int bytes = 0;
        for (int i = 0; i < first; i++) {
            bytes += eventBytes(events.get(i));
        }
        int start = events.size();
        while (start > first && events.size() - start < maxEvents - first
                && bytes + eventBytes(events.get(start - 1)) <= RecordLimits.TIMELINE_BYTES) {
            start--;
            bytes += eventBytes(events.get(start));
        }
        if (start == first) {
            return events;
        }
        List<TimelineEvent> kept = new ArrayList<>(events.subList(0, first));
        kept.addAll(events.subList(start, events.size()));
        return kept;
    }

    private static int eventBytes(TimelineEvent event) {
        return 32 + RecordLimits.utf8Length(event.getType())
                + (event.getActor() == null ? 0 : RecordLimits.utf8Length(event.getActor()))
                + (event.getChannel() == null ? 0 : RecordLimits.utf8Length(event.getChannel()))
                + (event.getDetail() == null ? 0 : RecordLimits.utf8Length(event.getDetail()));
    }

    /**
     * The page as it can be stored and written to alert.state: unchanged when it fits, else with a shorter timeline,
     * then without the rule's rows. A page that still does not fit is refused: one step paging hundreds of people
     * (each paged person adds a delivery, a recipient and a timeline event to the current step, a delayed rule a whole
     * notification) with long ids, which no cap can shorten without losing a page. Such a page is refused: {@link PageTooLargeException} leaves the stored page as it was, and the event is
     * dead-lettered with this reason, instead of a record the broker refuses stopping every page of the partition.
     */
    static AlertLifecycle fit(AlertLifecycle page) {
        int size = RecordLimits.wireSize(page);
        if (size <= RecordLimits.MAX_RECORD_BYTES) {
            return page;
        }
        List<TimelineEvent> events = page.getTimeline();
        List<TimelineEvent> shorter = keep(events, RecordLimits.TIMELINE_FIRST + TIMELINE_LATEST_WHEN_FULL);
        AlertLifecycle trimmed = AlertLifecycle.newBuilder(page).setTimeline(shorter)
                .setTimelineDropped(page.getTimelineDropped() + events.size() - shorter.size()).build();
        if (RecordLimits.wireSize(trimmed) <= RecordLimits.MAX_RECORD_BYTES) {
            return trimmed;
        }
        RoutedAlert alert = trimmed.getAlert();
        trimmed = AlertLifecycle.newBuilder(trimmed).setAlert(RoutedAlert.newBuilder(alert)
                .setEnriched(withoutRows(alert.getEnriched())).build()).build();
        int last = RecordLimits.wireSize(trimmed);
        if (last <= RecordLimits.MAX_RECORD_BYTES) {
            return trimmed;
        }
        throw new PageTooLargeException("page " + RecordLimits.cut(page.getAlertKey(), 200) + " would be " + size
                + " bytes (" + last + " with a shortened timeline and no enrichment rows), over the limit of "
                + RecordLimits.MAX_RECORD_BYTES + " bytes: " + page.getMembers().size() + " alerts listed, "
                + page.getPendingNotifications().size() + " delayed notifications, "
                + page.getStepDeliveries().size() + " notifications in this step");
    }

    /** A page that cannot be made to fit its topic: the event that caused it is refused. */
    static final class PageTooLargeException extends IllegalStateException {
        PageTooLargeException(String message) {
            super(message);
        }
    }
}
