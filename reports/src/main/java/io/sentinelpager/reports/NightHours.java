package io.sentinelpager.reports;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * The hours of a person's day that count as night, in the person's own time zone: a page at 23:00 in Berlin is a page
 * at night even if it is 22:00 UTC. A night may span midnight (22:00 to 07:00) or not (00:00 to 06:00).
 */
public record NightHours(LocalTime start, LocalTime end) {

    public boolean at(Instant instant, String timeZone) {
        LocalTime local = instant.atZone(zone(timeZone)).toLocalTime();
        if (start.isAfter(end)) {
            return !local.isBefore(start) || local.isBefore(end);
        }
        return !local.isBefore(start) && local.isBefore(end);
    }

    /** The person's zone; UTC for one that is missing or that this Java does not know (apply checks zones). */
    private static ZoneId zone(String timeZone) {
        if (timeZone == null || timeZone.isBlank()) {
            return ZoneOffset.UTC;
        }
        try {
            return ZoneId.of(timeZone);
        } catch (DateTimeException e) {
            return ZoneOffset.UTC;
        }
    }
}
