package io.sentinelpager.ingest;

import io.sentinelpager.schemas.IngestSeen;
import io.sentinelpager.schemas.RecordLimits;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which comments of a Sentinel incident ingest has not handled yet, whatever order ARM lists them in. A pure
 * function of what ingest remembers of one alert of the incident and the comments read now.
 *
 * <p>Graph appends an alert's comments and lists them oldest first, so a count says which are new. ARM documents no
 * order for {@code incidents/{id}/comments}, so a position means nothing: a comment is known by its name (the id its
 * writer chose, which never changes) and its createdTimeUtc, which Sentinel stamps when it stores it. Ingest
 * remembers a time before which every comment counts as handled, and the names of the comments it handled that were
 * created since; a comment is new when it was created at or after that time and its name is not remembered.
 *
 * <p>Bounded: after each read the time moves up to {@link #LATE} before the newest comment or incident version read,
 * and only the names of comments created since are kept, at most {@link RecordLimits#SEEN_COMMENT_NAMES} (with more,
 * the time moves past the older ones). What that assumes: a comment shows in the list less than {@link #LATE} after a
 * newer comment or incident version was read; one that showed later still would count as handled and not be
 * imported. A comment without createdTimeUtc (Sentinel always sends it) is judged by its name alone.
 */
final class IncidentComments {

    /** How long after a newer one a comment may still appear in a listing; many minutes more than ARM needs. */
    static final Duration LATE = Duration.ofMinutes(10);

    /** Marks a comment name too long to be kept as it is; what follows is a digest of it. */
    static final String DIGEST = "digest:";

    /**
     * What a read of the incident's comments gives for one of its alerts.
     *
     * @param fresh         the comments not handled before, oldest first; empty on the first read of the alert
     * @param handledBefore every comment created before it now counts as handled
     * @param handled       the names of the comments created at or after {@code handledBefore}, all now handled
     */
    record Read(List<SourceComment> fresh, Instant handledBefore, List<String> handled) {
    }

    private IncidentComments() {
    }

    /**
     * @param before  what ingest remembers of the alert, or null for an alert it reads for the first time
     * @param listed  the incident's comments as ARM listed them now, in any order
     * @param version the incident's lastModifiedTimeUtc of this read
     */
    static Read read(IngestSeen before, List<SourceComment> listed, Instant version) {
        // No time remembered: the alert is new, or its record predates this; its comments now count as handled.
        Instant floor = before == null ? null : before.getCommentsHandledBefore();
        Set<String> known = floor == null ? Set.of() : Set.copyOf(before.getCommentsHandled());
        Map<String, SourceComment> byName = new LinkedHashMap<>();
        listed.forEach(comment -> byName.putIfAbsent(name(comment), comment));

        List<SourceComment> fresh = new ArrayList<>();
        Instant newest = millis(version);
        for (Map.Entry<String, SourceComment> entry : byName.entrySet()) {
            Instant created = created(entry.getValue());
            if (floor != null && !created.isBefore(floor) && !known.contains(entry.getKey())) {
                fresh.add(entry.getValue());
            }
            if (created != Instant.MAX && created.isAfter(newest)) {
                newest = created;
            }
        }
        fresh.sort(OLDEST_FIRST);

        Instant next = newest.minus(LATE);
        if (floor != null && floor.isAfter(next)) {
            next = floor; // never back: a comment once counted as handled stays so
        }
        List<Map.Entry<String, SourceComment>> kept = kept(byName, next);
        if (kept.size() > RecordLimits.SEEN_COMMENT_NAMES) {
            // Too many lately: every comment up to the newest one left out counts as handled by the time instead.
            Instant cut = created(kept.get(RecordLimits.SEEN_COMMENT_NAMES).getValue());
            if (cut != Instant.MAX) {
                next = cut.plusMillis(1);
                kept = kept(byName, next);
            }
        }
        List<String> handled = kept.stream().limit(RecordLimits.SEEN_COMMENT_NAMES).map(Map.Entry::getKey).toList();
        return new Read(List.copyOf(fresh), next, handled);
    }

    /** The name a comment is remembered by: its own, or a digest when that is missing or too long for the record. */
    static String name(SourceComment comment) {
        String id = comment.id();
        if (id != null && !id.isBlank() && RecordLimits.fits(id, RecordLimits.ID_BYTES) && !id.startsWith(DIGEST)) {
            return id;
        }
        // Sentinel names every comment; a comment without one is known by what it says, when and by whom.
        return DIGEST + AlertTriage.digest(id != null && !id.isBlank() ? id
                : comment.createdAt() + "\n" + comment.author() + "\n" + comment.text());
    }

    /** The comments created at or after {@code from}, newest first. */
    private static List<Map.Entry<String, SourceComment>> kept(Map<String, SourceComment> byName, Instant from) {
        return byName.entrySet().stream().filter(e -> !created(e.getValue()).isBefore(from))
                .sorted(Comparator.comparing((Map.Entry<String, SourceComment> e) -> created(e.getValue()))
                        .thenComparing(Map.Entry::getKey).reversed())
                .toList();
    }

    /** When the comment was created, to the millisecond a record keeps; without a time, newer than any. */
    private static Instant created(SourceComment comment) {
        return comment.createdAt() == null ? Instant.MAX : millis(comment.createdAt());
    }

    private static Instant millis(Instant instant) {
        return instant.truncatedTo(ChronoUnit.MILLIS);
    }

    private static final Comparator<SourceComment> OLDEST_FIRST = Comparator
            .comparing(IncidentComments::created).thenComparing(IncidentComments::name);
}
