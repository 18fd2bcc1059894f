package io.sentinelpager.ingest;

import java.time.Instant;

/**
 * One comment on an alert or incident as the source lists it (Graph's {@code alertComment}, Sentinel's incident
 * comment), before ingest decides whether an analyst wrote it or it is our own write-back. Any field may be null when
 * the source sent none.
 *
 * @param id the comment's name at the source (Sentinel's); null for Graph, whose alert comments have none
 */
record SourceComment(String id, String author, Instant createdAt, String text) {
}
