package io.sentinelpager.responder;

import io.sentinelpager.schemas.AlertLifecycle;
import io.sentinelpager.schemas.LifecycleStatus;
import io.sentinelpager.schemas.TimelineEvent;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * "My last shift": of a person's shifts (from {@link ShiftViews}), the one going on now or else the latest that has
 * ended, and what the pages of alert.state say happened to them during it. A page is the person's when its timeline
 * has a "paged" event naming them (escalate notes one per person per step) within the shift. Plain values in and
 * out, so it is computed the same for the API and in tests with a fixed clock.
 */
final class LastShift {

    /** How far back a shift counts as "last": older ones get the empty answer with a reason. */
    static final Duration LOOK_BACK = Duration.ofDays(30);

    /** What happened to one page the person was paged for, as read from its timeline. */
    record PageOnShift(AlertLifecycle page, Instant pagedAt, Optional<Instant> acknowledgedAt,
                       Optional<Instant> closedAt, boolean escalatedPast) {

        boolean open() {
            return page.getStatus() != LifecycleStatus.CLOSED;
        }

        /** Who has the page now: its owner, else the current step's recipients; nobody once closed. */
        List<String> with() {
            if (!open()) {
                return List.of();
            }
            return page.getOwner() != null ? List.of(page.getOwner()) : page.getStepRecipients();
        }
    }

    private LastShift() {
    }

    /**
     * The shift to report: one going on at {@code now} (the latest started, if several schedules overlap), else the
     * one that ended last at or before now; empty when {@code shifts} has neither.
     */
    static Optional<ShiftViews.Shift> pick(List<ShiftViews.Shift> shifts, Instant now) {
        Optional<ShiftViews.Shift> current = shifts.stream()
                .filter(s -> !s.start().isAfter(now) && s.end().isAfter(now))
                .max(Comparator.comparing(ShiftViews.Shift::start));
        if (current.isPresent()) {
            return current;
        }
        return shifts.stream().filter(s -> !s.end().isAfter(now))
                .max(Comparator.comparing(ShiftViews.Shift::end).thenComparing(ShiftViews.Shift::start));
    }

    /** The pages that paged {@code user} within [start, end), the earliest page first. */
    static List<PageOnShift> pages(String user, Instant start, Instant end, Collection<AlertLifecycle> pages) {
        List<PageOnShift> out = new ArrayList<>();
        for (AlertLifecycle page : pages) {
            pagedAt(page, user, start, end).ifPresent(at -> out.add(onShift(page, user, at)));
        }
        out.sort(Comparator.comparing(PageOnShift::pagedAt).thenComparing(p -> p.page().getAlertKey()));
        return out;
    }

    /** When the page first paged the user within [start, end), if it did. */
    static Optional<Instant> pagedAt(AlertLifecycle page, String user, Instant start, Instant end) {
        return page.getTimeline().stream()
                .filter(e -> "paged".equals(e.getType()) && user.equals(e.getActor()))
                .map(TimelineEvent::getAt).filter(at -> !at.isBefore(start) && at.isBefore(end)).findFirst();
    }

    /**
     * The user's first acknowledgement after being paged, the close if the user closed the page (and it is still
     * closed), and whether someone else was paged after the user before the user acknowledged: the page escalated
     * past them.
     */
    private static PageOnShift onShift(AlertLifecycle page, String user, Instant pagedAt) {
        Optional<Instant> acknowledged = page.getTimeline().stream()
                .filter(e -> "acknowledged".equals(e.getType()) && user.equals(e.getActor())
                        && !e.getAt().isBefore(pagedAt))
                .map(TimelineEvent::getAt).findFirst();
        Optional<Instant> closed = page.getStatus() != LifecycleStatus.CLOSED ? Optional.empty()
                : page.getTimeline().stream().filter(e -> "closed".equals(e.getType())).reduce((a, b) -> b)
                .filter(e -> user.equals(e.getActor())).map(TimelineEvent::getAt);
        boolean escalatedPast = page.getTimeline().stream()
                .anyMatch(e -> "paged".equals(e.getType()) && e.getActor() != null && !user.equals(e.getActor())
                        && e.getAt().isAfter(pagedAt)
                        && acknowledged.map(ack -> ack.isAfter(e.getAt())).orElse(true));
        return new PageOnShift(page, pagedAt, acknowledged, closed, escalatedPast);
    }

    /**
     * The answer of {@code GET /api/me/last-shift}.
     *
     * @param shifts the user's shifts around now, across their teams' schedules
     * @param names  a user's display name by id
     */
    static Map<String, Object> answer(String user, ZoneId zone, List<ShiftViews.Shift> shifts,
                                      Collection<AlertLifecycle> pages, Instant now, Function<String, String> names) {
        Map<String, Object> out = new LinkedHashMap<>();
        Optional<ShiftViews.Shift> picked = pick(shifts, now);
        if (picked.isEmpty()) {
            out.put("shift", null);
            out.put("reason", "you had no shift in your teams' schedules in the last " + LOOK_BACK.toDays()
                    + " days");
            return out;
        }
        ShiftViews.Shift shift = picked.get();
        boolean current = shift.end().isAfter(now);
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("schedule", shift.scheduleId());
        view.put("scheduleName", shift.scheduleName());
        view.put("start", shift.start().toString());
        view.put("end", shift.end().toString());
        view.put("timeZone", zone.getId());
        view.put("localStart", shift.start().atZone(zone).toOffsetDateTime().toString());
        view.put("localEnd", shift.end().atZone(zone).toOffsetDateTime().toString());
        view.put("current", current);
        view.put("override", shift.override());
        out.put("shift", view);
        // A shift going on is reported up to now; its later part has not happened yet.
        List<PageOnShift> mine = pages(user, shift.start(), current ? now : shift.end(), pages);
        Map<String, Object> counts = new LinkedHashMap<>();
        counts.put("paged", (long) mine.size());
        counts.put("acknowledged", mine.stream().filter(p -> p.acknowledgedAt().isPresent()).count());
        counts.put("closed", mine.stream().filter(p -> p.closedAt().isPresent()).count());
        counts.put("stillOpen", mine.stream().filter(PageOnShift::open).count());
        counts.put("escalatedPastMe", mine.stream().filter(PageOnShift::escalatedPast).count());
        out.put("counts", counts);
        out.put("pages", mine.stream().map(p -> page(p, names)).toList());
        return out;
    }

    private static Map<String, Object> page(PageOnShift p, Function<String, String> names) {
        AlertLifecycle page = p.page();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("key", page.getAlertKey());
        out.put("title", page.getAlert().getEnriched().getAlert().getTitle());
        out.put("severity", page.getAlert().getEnriched().getAlert().getSeverity().name().toLowerCase());
        out.put("status", page.getStatus().name().toLowerCase());
        out.put("pagedAt", p.pagedAt().toString());
        out.put("acknowledgedAt", p.acknowledgedAt().map(Instant::toString).orElse(null));
        out.put("secondsToAcknowledge", p.acknowledgedAt().map(at -> seconds(p.pagedAt(), at)).orElse(null));
        out.put("closedAt", p.closedAt().map(Instant::toString).orElse(null));
        out.put("secondsToClose", p.closedAt().map(at -> seconds(p.pagedAt(), at)).orElse(null));
        out.put("escalatedPastMe", p.escalatedPast());
        out.put("open", p.open());
        out.put("owner", page.getOwner());
        out.put("with", p.with().stream().map(u -> Map.of("user", u, "name", names.apply(u))).toList());
        return out;
    }

    private static long seconds(Instant from, Instant to) {
        return Math.max(0, Duration.between(from, to).toSeconds());
    }
}
