package io.sentinelpager.syncback;

import io.sentinelpager.schemas.PendingComment;
import io.sentinelpager.schemas.PendingSync;
import io.sentinelpager.schemas.SyncCommand;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The rules of one alert's pending write, as pure functions: how a command joins it, what is left once Azure has
 * answered an attempt for good, and what is given up when it gets too old.
 *
 * <p>The newest desired state wins because commands are merged, not queued: each field a command sets replaces the
 * pending one, exactly as PATCHing them one after the other would leave the alert, so an acknowledge that is still
 * waiting when a close arrives is not written before it (the alert goes straight to resolved). Comments are kept,
 * in order, each until Azure has it.
 */
final class PendingWrites {

    /** Comments waiting for one alert, at most: a record must not grow without bound while Azure is down. */
    static final int MAX_COMMENTS = 100;

    private PendingWrites() {
    }

    /** Whether the pending write (null: none) has room for one more comment. */
    static boolean hasRoomForComment(PendingSync pending) {
        return pending == null || pending.getComments().size() < MAX_COMMENTS;
    }

    /**
     * The pending write with the command joined in. A new write is due now; one that waits for a retry keeps its
     * time, so a new command does not make us call a throttled or failing Azure sooner than planned.
     */
    static PendingSync merge(PendingSync pending, SyncCommand command, Instant now) {
        PendingSync.Builder next = pending == null
                ? PendingSync.newBuilder().setAlertKey(command.getAlertKey()).setConnectorId(command.getConnectorId())
                        .setSource(command.getSource()).setAlertId(command.getAlertId()).setVersion(0)
                        .setChangeCommandIds(List.of()).setComments(List.of()).setAttempts(0).setNextTryAt(now)
                : PendingSync.newBuilder(pending);
        next.setVersion(next.getVersion() + 1);
        if (command.getIncidentId() != null && !command.getIncidentId().isBlank()) {
            next.setIncidentId(command.getIncidentId());
        }
        String owner = command.getAssignedTo() == null || command.getAssignedTo().isBlank() ? null
                : command.getAssignedTo();
        if (command.getTargetStatus() != null || owner != null || command.getClassification() != null) {
            if (command.getTargetStatus() != null) {
                next.setTargetStatus(command.getTargetStatus());
            }
            if (owner != null) {
                next.setAssignedTo(owner);
            }
            if (command.getClassification() != null) {
                next.setClassification(command.getClassification());
            }
            next.setChangeCommandIds(with(next.getChangeCommandIds(), command.getCommandId()));
            next.setChangeRequestedAt(command.getRequestedAt());
            next.setRequestedBy(command.getRequestedBy());
        }
        if (command.getComment() != null && !command.getComment().isBlank()
                && next.getComments().stream().noneMatch(c -> c.getCommandId().equals(command.getCommandId()))) {
            List<PendingComment> comments = new ArrayList<>(next.getComments());
            comments.add(new PendingComment(command.getCommandId(), command.getComment(), command.getRequestedAt()));
            next.setComments(comments);
        }
        return next.build();
    }

    /** Every command the write carries, in the order they came. */
    static Set<String> commandIds(PendingSync write) {
        Set<String> ids = new LinkedHashSet<>(write.getChangeCommandIds());
        write.getComments().forEach(c -> ids.add(c.getCommandId()));
        return ids;
    }

    /**
     * What is still to write once Azure answered an attempt of {@code attempted} for good (applied or refused), given
     * the write as it is now ({@code pending}, into which commands may have been merged meanwhile); null when nothing.
     * What remains is due now: it is news the attempt did not carry.
     */
    static PendingSync remainder(PendingSync pending, PendingSync attempted, Instant now) {
        Set<String> done = commandIds(attempted);
        List<String> changes = pending.getChangeCommandIds().stream().filter(id -> !done.contains(id)).toList();
        List<PendingComment> comments = pending.getComments().stream()
                .filter(c -> !done.contains(c.getCommandId())).toList();
        if (changes.isEmpty() && comments.isEmpty()) {
            return null;
        }
        PendingSync.Builder next = PendingSync.newBuilder(pending).setChangeCommandIds(changes).setComments(comments)
                .setAttempts(0).setNextTryAt(now).setLastFailure(null);
        if (changes.isEmpty()) {
            next.setTargetStatus(null).setAssignedTo(null).setClassification(null).setChangeRequestedAt(null)
                    .setRequestedBy(null);
        }
        return next.build();
    }

    /** The write without what was asked for before {@code cutoff}; null when nothing is left. */
    static PendingSync withoutOlderThan(PendingSync pending, Instant cutoff) {
        boolean changeExpired = pending.getChangeRequestedAt() != null && pending.getChangeRequestedAt().isBefore(cutoff);
        List<PendingComment> comments = pending.getComments().stream()
                .filter(c -> !c.getRequestedAt().isBefore(cutoff)).toList();
        boolean change = pending.getChangeRequestedAt() != null && !changeExpired;
        if (!change && comments.isEmpty()) {
            return null;
        }
        PendingSync.Builder next = PendingSync.newBuilder(pending).setComments(comments);
        if (!change) {
            next.setTargetStatus(null).setAssignedTo(null).setClassification(null).setChangeRequestedAt(null)
                    .setChangeCommandIds(List.of());
        }
        return next.build();
    }

    private static List<String> with(List<String> ids, String id) {
        if (ids.contains(id)) {
            return ids;
        }
        List<String> more = new ArrayList<>(ids);
        more.add(id);
        return more;
    }
}
