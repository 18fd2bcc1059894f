package io.sentinelpager.emulator;

import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/** Graph's timestamp format: UTC with seven fractional digits (.NET ticks), e.g. 2021-04-27T12:19:27.7211305Z. */
final class GraphTime {

    private static final DateTimeFormatter FORMAT =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSSS'Z'").withZone(ZoneOffset.UTC);
    /** 100 ns, the resolution of Graph timestamps; finer instants would not survive a round trip. */
    private static final long NANOS_PER_TICK = 100;
    /** Ticks from 0001-01-01 to the Unix epoch, for Defender-style alert ids. */
    private static final long EPOCH_TICKS = 621_355_968_000_000_000L;

    private GraphTime() {
    }

    static Instant now(Clock clock) {
        Instant now = clock.instant();
        return now.minusNanos(now.getNano() % NANOS_PER_TICK);
    }

    static String format(Instant instant) {
        return FORMAT.format(instant);
    }

    /** Parses an ISO-8601 date-time with an offset or Z. */
    static Instant parse(String text) {
        try {
            return OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("'" + text + "' is not an ISO-8601 date-time with an offset", e);
        }
    }

    /**
     * Whether the text is in this format ({@link #format}): fixed width and UTC, so two such texts sort as their
     * instants do, and comparing them needs no parsing.
     */
    static boolean isCanonical(String text) {
        if (text.length() != 28) {
            return false;
        }
        for (int i = 0; i < 28; i++) {
            char c = text.charAt(i);
            boolean ok = switch (i) {
                case 4, 7 -> c == '-';
                case 10 -> c == 'T';
                case 13, 16 -> c == ':';
                case 19 -> c == '.';
                case 27 -> c == 'Z';
                default -> c >= '0' && c <= '9';
            };
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /** .NET ticks (100 ns since 0001-01-01), the 18 digits in Defender alert ids. */
    static long ticks(Instant instant) {
        return EPOCH_TICKS + instant.getEpochSecond() * 10_000_000L + instant.getNano() / NANOS_PER_TICK;
    }
}
