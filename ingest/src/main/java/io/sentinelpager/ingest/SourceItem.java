package io.sentinelpager.ingest;

import io.sentinelpager.schemas.SecurityAlert;
import java.time.Instant;
import java.util.List;
import java.util.function.Function;

/**
 * One alert as a source returned it, before it is normalized: what the poller needs whatever the source (the id and
 * version for the watermark, the JSON for a dead letter) and how to make it our record.
 *
 * @param id          the alert's id at the source, or null when the source sent none
 * @param lastUpdated the version's time at the source (Graph lastUpdateDateTime, Sentinel incident
 *                    lastModifiedTimeUtc), or null when the source sent none
 * @param json        what the source sent, for the audit copy and dead letters
 * @param normalizer  makes the record at the given instant; throws {@link AlertNormalizer.UnusableAlertException}
 *                    for an alert that cannot be one
 * @param comments    the alert's comments: for Graph its own, oldest first; for Sentinel its incident's, in no order
 * @param commentIncident the Sentinel incident whose comments {@code comments} are, shared by all its alerts and
 *                    told apart by name ({@link IncidentComments}); null for a Graph alert
 */
record SourceItem(String id, Instant lastUpdated, String json, Function<Instant, SecurityAlert> normalizer,
                  List<SourceComment> comments, String commentIncident) {

    SourceItem {
        comments = List.copyOf(comments);
    }

    /** An alert whose comments are its own, listed oldest first and only ever appended (Graph's). */
    SourceItem(String id, Instant lastUpdated, String json, Function<Instant, SecurityAlert> normalizer,
               List<SourceComment> comments) {
        this(id, lastUpdated, json, normalizer, comments, null);
    }

    SecurityAlert normalize(Instant now) {
        return normalizer.apply(now);
    }
}
