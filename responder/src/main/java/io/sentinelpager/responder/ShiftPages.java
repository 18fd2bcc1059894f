package io.sentinelpager.responder;

import io.sentinelpager.oncall.NightHours;
import io.sentinelpager.schemas.AlertLifecycle;
import io.sentinelpager.schemas.ScheduleConfig;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Pages per person per shift: for each schedule, its last ended shifts (from {@link ShiftViews}, as the schedule
 * screen has them), who was on call and how many pages paged them during it, and how many of those at night in their
 * own time zone ({@link NightHours}, as the reports service counts). A page counts for a shift when its timeline has
 * that person paged within the shift, as for {@link LastShift}; only pages alert.state still has count.
 */
final class ShiftPages {

    static final List<String> COLUMNS = List.of("schedule", "scheduleName", "user", "name", "start", "end",
            "override", "pages", "nightPages");
    /** How far back shifts are looked for: eight weekly shifts and more. */
    static final Duration LOOK_BACK = Duration.ofDays(92);

    private ShiftPages() {
    }

    /**
     * Per schedule, its last {@code count} shifts that ended by {@code now}, the latest first.
     *
     * @param zones a user's time zone id by user id
     * @param names a user's display name by user id
     */
    static List<Map<String, Object>> rows(Collection<ScheduleConfig> schedules, int count,
                                          Collection<AlertLifecycle> pages, Instant now, NightHours night,
                                          Function<String, String> zones, Function<String, String> names) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (ScheduleConfig schedule : schedules) {
            // Up to a second past now, so that a shift going on is cut after now and left out as not ended.
            List<ShiftViews.Shift> ended = new ArrayList<>(ShiftViews.of(schedule, now.minus(LOOK_BACK),
                    now.plusSeconds(1)).stream().filter(s -> !s.end().isAfter(now)).toList());
            Collections.reverse(ended);
            for (ShiftViews.Shift shift : ended.subList(0, Math.min(count, ended.size()))) {
                long paged = 0;
                long atNight = 0;
                for (AlertLifecycle page : pages) {
                    Optional<Instant> at = LastShift.pagedAt(page, shift.user(), shift.start(), shift.end());
                    if (at.isPresent()) {
                        paged++;
                        atNight += night.at(at.get(), zones.apply(shift.user())) ? 1 : 0;
                    }
                }
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("schedule", shift.scheduleId());
                row.put("scheduleName", shift.scheduleName());
                row.put("user", shift.user());
                row.put("name", names.apply(shift.user()));
                row.put("start", shift.start().toString());
                row.put("end", shift.end().toString());
                row.put("override", shift.override());
                row.put("pages", paged);
                row.put("nightPages", atNight);
                out.add(row);
            }
        }
        return out;
    }
}
