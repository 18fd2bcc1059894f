package io.sentinelpager.emulator;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Comparator;

/**
 * A position in the alert order (lastUpdateDateTime, then id), carried in {@code $skiptoken}.
 *
 * <p>Paging by position rather than by offset keeps a walk through the pages correct while alerts
 * are added or updated in between: nothing already passed is skipped or shifted, and an alert updated
 * mid-walk moves to the end, where the walk meets it again with its new state.
 */
record AlertCursor(Instant lastUpdate, String id) implements Comparable<AlertCursor> {

    private static final Comparator<AlertCursor> ORDER =
            Comparator.comparing(AlertCursor::lastUpdate).thenComparing(AlertCursor::id);

    @Override
    public int compareTo(AlertCursor other) {
        return ORDER.compare(this, other);
    }

    String encode() {
        byte[] raw = (GraphTime.format(lastUpdate) + " " + id).getBytes(StandardCharsets.UTF_8);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
    }

    /** @throws IllegalArgumentException if the token was not made by {@link #encode()} */
    static AlertCursor decode(String token) {
        try {
            String raw = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
            int space = raw.indexOf(' ');
            if (space < 0) {
                throw new IllegalArgumentException("no separator");
            }
            return new AlertCursor(GraphTime.parse(raw.substring(0, space)), raw.substring(space + 1));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("The $skiptoken '" + token + "' is not valid", e);
        }
    }
}
