package io.sentinelpager.responder;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;

/**
 * Shifts as an RFC 5545 calendar. Every time is UTC ({@code 20260329T070000Z}), so each event is the instant the
 * pager uses, whatever the subscriber's time zone and across daylight-saving changes, with no VTIMEZONE to get wrong;
 * the calendar app shows it in local time. Each shift's UID is stable (schedule, user, start), so a refresh updates an
 * event rather than adding a copy.
 */
final class ICalendar {

    private static final DateTimeFormatter UTC = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
            .withZone(ZoneOffset.UTC);
    private static final String CRLF = "\r\n";

    private ICalendar() {
    }

    static String of(String personName, List<ShiftViews.Shift> shifts, Instant now) {
        StringBuilder out = new StringBuilder();
        line(out, "BEGIN:VCALENDAR");
        line(out, "VERSION:2.0");
        line(out, "PRODID:-//Sentinel Pager//On-call shifts//EN");
        line(out, "CALSCALE:GREGORIAN");
        line(out, "METHOD:PUBLISH");
        line(out, "X-WR-CALNAME:" + text("On call: " + personName));
        // How often subscribers should fetch again: overrides change shifts at any time.
        line(out, "REFRESH-INTERVAL;VALUE=DURATION:PT1H");
        line(out, "X-PUBLISHED-TTL:PT1H");
        for (ShiftViews.Shift s : shifts) {
            line(out, "BEGIN:VEVENT");
            line(out, "UID:" + text(s.scheduleId() + "-" + s.user() + "-" + s.start().toEpochMilli()
                    + "@sentinel-pager"));
            line(out, "DTSTAMP:" + UTC.format(now));
            line(out, "DTSTART:" + UTC.format(s.start()));
            line(out, "DTEND:" + UTC.format(s.end()));
            line(out, "SUMMARY:" + text("On call: " + s.scheduleName() + (s.override() ? " (override)" : "")));
            line(out, "TRANSP:TRANSPARENT");
            line(out, "END:VEVENT");
        }
        line(out, "END:VCALENDAR");
        return out.toString();
    }

    /** TEXT escaping (RFC 5545 3.3.11). */
    static String text(String value) {
        return value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\r\n", "\\n")
                .replace("\n", "\\n").replace("\r", "\\n");
    }

    /** A content line, folded at 75 octets (RFC 5545 3.1) without splitting a UTF-8 character. */
    private static void line(StringBuilder out, String content) {
        int octets = 0;
        int limit = 75;
        for (int i = 0; i < content.length(); ) {
            int cp = content.codePointAt(i);
            int size = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8).length;
            if (octets + size > limit) {
                out.append(CRLF).append(' ');
                octets = 1;
                limit = 75;
            }
            out.appendCodePoint(cp);
            octets += size;
            i += Character.charCount(cp);
        }
        out.append(CRLF);
    }
}
