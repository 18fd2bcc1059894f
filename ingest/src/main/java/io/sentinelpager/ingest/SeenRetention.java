package io.sentinelpager.ingest;

import io.sentinelpager.schemas.IngestSeen;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * How long ingest remembers an alert it has not read since, and what that means for an alert read after it was
 * forgotten.
 *
 * <p>ingest.seen is {@code compact,delete} with this retention, and the in-memory view drops a record whose
 * {@code seenAt} is older, so both stay bounded by the alerts read within the retention. Every read of a changed
 * alert rewrites its record, and so does a re-read of an unchanged one once its record is half the retention old
 * (the overlap of each poll re-reads the newest alerts of a quiet connector): an alert still being read is never
 * forgotten.
 *
 * <p>Why an old alert without a record is a change, not a new alert: a record is written when ingest first reads an
 * alert, which Azure created before that, and is kept for the retention after the alert was last read. So if an alert
 * was ever seen and its record is gone, it was created more than the retention ago. An alert without a record that is
 * that old may have been paged long ago: it goes to alert.actions as a change (escalate applies it to its page if it
 * still has one, and ignores it otherwise) and is never paged again as new. One created within the retention has
 * never been seen, whatever the clocks say, and is paged. The {@link #CLOCK_MARGIN} covers the skew between Azure's
 * clock (createdDateTime) and ours (seenAt, and the broker's time that deletes the record); it is kept small because
 * an alert ingest reads for the first time that long after it was created (after an outage of about the retention)
 * is not paged. On a connector's first poll (no watermark yet) ingest has read nothing of it that it could have
 * forgotten, so everything the look-back reads is judged as before: an alert without a record is new.
 */
record SeenRetention(Duration retention) {

    /** Far more than the skew between Azure's clock and ours; small against the retention. */
    static final Duration CLOCK_MARGIN = Duration.ofHours(1);

    /** The record is past the retention: forget it. */
    boolean expired(IngestSeen seen, Instant now) {
        return seen.getSeenAt().isBefore(now.minus(retention));
    }

    /** The record of an alert read again without a change is half the retention old: write it again to keep it. */
    boolean dueForRefresh(IngestSeen seen, Instant now) {
        return seen.getSeenAt().isBefore(now.minus(retention.dividedBy(2)));
    }

    /** An alert without a record that was created before this may have been seen, and forgotten since. */
    Instant mayBeForgottenIfCreatedBefore(Instant now) {
        return now.minus(retention).plus(CLOCK_MARGIN);
    }

    /** What ingest.seen needs for its records to live as long as this says, and not forever. */
    Map<String, String> topicConfig() {
        return Map.of("cleanup.policy", "compact,delete", "retention.ms", String.valueOf(retention.toMillis()));
    }
}
