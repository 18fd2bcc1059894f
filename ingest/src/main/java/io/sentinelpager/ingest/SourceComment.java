package io.sentinelpager.ingest;

import java.time.Instant;

/**
 * One comment on an alert as the source lists it (Graph's {@code alertComment}), before ingest decides whether an
 * analyst wrote it or it is our own write-back. Any field may be null when the source sent none.
 */
record SourceComment(String author, Instant createdAt, String text) {
}
