package io.sentinelpager.oncall;

import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Locale;

/**
 * A daily window of local time, optionally on some days only, e.g. 20:00-08:00 on Saturday and Sunday. A window whose
 * end is before its start runs past midnight and belongs to the day it starts on. Used by restricted rotation layers
 * and by time-of-day policy conditions.
 */
public record TimeWindow(LocalTime from, LocalTime to, List<DayOfWeek> days) {

    public static TimeWindow of(String from, String to, List<String> days) {
        return new TimeWindow(LocalTime.parse(from), LocalTime.parse(to),
                days.stream().map(d -> DayOfWeek.valueOf(d.toUpperCase(Locale.ROOT))).toList());
    }

    /** Whether this local date-time falls inside the window. */
    public boolean contains(ZonedDateTime local) {
        LocalTime t = local.toLocalTime();
        LocalDate windowDay;
        if (from.isBefore(to)) {
            if (t.isBefore(from) || !t.isBefore(to)) {
                return false;
            }
            windowDay = local.toLocalDate();
        } else if (!t.isBefore(from)) {
            windowDay = local.toLocalDate();
        } else if (t.isBefore(to)) {
            // After midnight in a window that started the evening before.
            windowDay = local.toLocalDate().minusDays(1);
        } else {
            return false;
        }
        return days.isEmpty() || days.contains(windowDay.getDayOfWeek());
    }
}
