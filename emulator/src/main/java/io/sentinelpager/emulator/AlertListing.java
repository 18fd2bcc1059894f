package io.sentinelpager.emulator;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Comparator;

/**
 * How the emulated Graph lists alerts_v2 and pages through them. Graph documents no order and no paging mechanism for
 * alerts_v2 (only {@code $top}, {@code $skip}, {@code $count} and {@code @odata.nextLink}; the reference page says
 * "the most recent alerts are displayed at the top"), so a client must be right under each of these.
 *
 * <p>The listings paged by offset put {@code $skip} in the next link: an alert that changes between two pages moves
 * within the order, and the alerts between its old and new place shift by one, so one is served twice or never.
 */
public enum AlertListing {

    /**
     * lastUpdateDateTime ascending, then id, the {@code $skiptoken} holding the last alert's place in that order: an
     * alert updated mid-walk moves behind the cursor and is served again, nothing shifts. The emulator's default.
     */
    OLDEST_UPDATE_FIRST(true, ordered("lastUpdateDateTime")),

    /**
     * The same order, paged by offset: an alert of a page already served that is updated leaves its place for the
     * end, and the alert at the page boundary moves up into the page already served.
     */
    OLDEST_UPDATE_FIRST_BY_OFFSET(false, ordered("lastUpdateDateTime")),

    /**
     * createdDateTime descending, then id, paged by offset, as the reference page describes the list: an alert created
     * mid-walk goes in front of the cursor, where the walk never comes back.
     */
    NEWEST_FIRST(false, ordered("createdDateTime").reversed()),

    /** An order unrelated to time (a hash of the id), paged by offset: the client can rely on no order at all. */
    SCRAMBLED(false, Comparator.comparingInt((ObjectNode a) -> Integer.reverse(a.get("id").asText().hashCode()))
            .thenComparing(a -> a.get("id").asText()));

    private final boolean byPosition;
    private final Comparator<ObjectNode> order;

    AlertListing(boolean byPosition, Comparator<ObjectNode> order) {
        this.byPosition = byPosition;
        this.order = order;
    }

    /** Whether the next link carries the last alert's place ({@code $skiptoken}) rather than an offset ({@code $skip}). */
    boolean byPosition() {
        return byPosition;
    }

    /** The order the alerts are listed in, for a test to know which alert a page serves. */
    public Comparator<ObjectNode> order() {
        return order;
    }

    private static Comparator<ObjectNode> ordered(String timeField) {
        return Comparator.comparing((ObjectNode a) -> GraphTime.parse(a.get(timeField).asText()))
                .thenComparing(a -> a.get("id").asText());
    }
}
