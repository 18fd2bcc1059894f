package io.sentinelpager.emulator;

/**
 * What the emulated ARM puts in the {@code $skipToken} of the nextLink of a Sentinel incident list. ARM documents the
 * nextLink and that the token goes in it, not what the token holds, so a client must be right under either.
 *
 * <p>Both serve the order the client asked for ({@code $orderby}, then the incident name); they differ only when the
 * workspace changes between two pages.
 */
public enum IncidentPaging {

    /**
     * The token holds the last incident's place in the order: listed oldest-modified first, an incident modified
     * mid-walk moves behind the cursor and is served again, and nothing shifts. The emulator's default.
     */
    BY_POSITION,

    /**
     * The token holds an offset: listed oldest-modified first, an incident of a page already served that is modified
     * leaves its place for the end, the incidents after it move up by one, and the one at the page boundary moves into
     * the page already served, where the walk never comes back.
     */
    BY_OFFSET
}
