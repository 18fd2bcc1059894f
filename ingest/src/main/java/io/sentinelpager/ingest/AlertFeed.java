package io.sentinelpager.ingest;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Where one connector's alerts come from, as pages of items ordered by nothing the poller relies on, unless the feed
 * cannot {@link #count}. The poller owns the watermark, de-duplication and transactions; a feed only reads (Graph
 * alerts_v2, or Sentinel incidents and their alerts) and turns what it read into items.
 */
interface AlertFeed extends AutoCloseable {

    /** One page, and the link to the next one when there is more. */
    record Page(List<SourceItem> items, Optional<String> nextLink) {

        public Page {
            items = List.copyOf(items);
        }

        public boolean hasNext() {
            return nextLink.isPresent();
        }
    }

    /**
     * The first page of alerts updated at or after {@code since}, and before {@code until} unless it is null.
     *
     * @param until         given only to a feed that can {@link #count}
     * @param beforeRequest called before each request to Azure; waits for the connector's request budget
     */
    Page first(Instant since, Instant until, int pageSize, Runnable beforeRequest);

    /** The page a previous page's link points to. */
    Page next(String nextLink, Runnable beforeRequest);

    /**
     * How many alerts the source has, at the moment it answers, updated at or after {@code since} and before
     * {@code until}; empty when the source cannot count. A feed that cannot count must list oldest version first:
     * the poller proves its listings complete by that order instead ({@link ConnectorPoller}).
     */
    OptionalLong count(Instant since, Instant until, Runnable beforeRequest);

    @Override
    void close();
}
