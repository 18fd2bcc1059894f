package io.sentinelpager.syncback;

import io.sentinelpager.azure.RollupSummary;
import io.sentinelpager.schemas.IncidentMember;
import io.sentinelpager.schemas.IncidentRollup;
import io.sentinelpager.schemas.RecordLimits;
import io.sentinelpager.schemas.SourceStatus;
import java.time.Instant;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * The rules of an incident's roll-up, as pure functions: the incident follows its alerts, counted as Azure reports
 * them (alerts a policy suppressed or we never read count too). When every alert is in progress or resolved, the
 * incident is set in progress and assigned to the owner; when every alert is resolved, it is resolved with the
 * responders' classification and one comment saying who did it and how many alerts were resolved.
 *
 * <p>The roll-up never takes an incident back: one that is already in progress is not written again (someone may
 * have reassigned it since), and one that is resolved, or merged into another, is left alone.
 */
final class IncidentRollups {

    private IncidentRollups() {
    }

    /** What the incident's alerts add up to. */
    enum Target { NONE, IN_PROGRESS, RESOLVED }

    /** The incident's alerts: how many, and how many of them are in progress and resolved. */
    record Count(int total, int inProgress, int resolved) {

        static Count of(Collection<SourceStatus> statuses) {
            int inProgress = (int) statuses.stream().filter(s -> s == SourceStatus.IN_PROGRESS).count();
            int resolved = (int) statuses.stream().filter(s -> s == SourceStatus.RESOLVED).count();
            return new Count(statuses.size(), inProgress, resolved);
        }

        /** No alerts at all add up to nothing: an incident Azure lists without alerts is left as it is. */
        Target target() {
            if (total == 0) {
                return Target.NONE;
            }
            if (resolved == total) {
                return Target.RESOLVED;
            }
            return inProgress + resolved == total ? Target.IN_PROGRESS : Target.NONE;
        }
    }

    /**
     * The roll-up with the member's change joined in. A field the change left null keeps what the alert had (an owner
     * change does not forget that the alert was resolved). A roll-up that waits for a retry keeps its time, so a new
     * change does not make us call a failing Azure sooner than planned; otherwise it is due now.
     */
    static IncidentRollup merge(IncidentRollup rollup, IncidentMember member, Instant now) {
        IncidentRollup.Builder next = rollup == null
                ? IncidentRollup.newBuilder().setConnectorId(member.getConnectorId()).setSource(member.getSource())
                        .setIncidentId(member.getIncidentId()).setMembers(Map.of()).setVersion(0).setWatchSince(now)
                        .setAttempts(0).setNextCheckAt(now)
                : IncidentRollup.newBuilder(rollup);
        next.setVersion(next.getVersion() + 1);
        if (next.getAttempts() == 0) {
            next.setNextCheckAt(now);
        }
        Map<String, IncidentMember> members = new HashMap<>(next.getMembers());
        IncidentMember before = members.get(member.getAlertId());
        if (before == null && members.size() >= RecordLimits.PAGE_MEMBERS) {
            // Azure's own status counts for this alert: bounded like a page's members.
            return next.setMembersDropped(next.getMembersDropped() + 1).build();
        }
        members.put(member.getAlertId(), before == null ? member : IncidentMember.newBuilder(member)
                .setStatus(member.getStatus() == null ? before.getStatus() : member.getStatus())
                .setAssignedTo(member.getAssignedTo() == null ? before.getAssignedTo() : member.getAssignedTo())
                .setClassification(member.getClassification() == null ? before.getClassification()
                        : member.getClassification())
                .setRequestedBy(member.getRequestedBy() == null ? before.getRequestedBy() : member.getRequestedBy())
                .build());
        return next.setMembers(members).build();
    }

    /** The owner of the latest change that named one: whom the incident is assigned to. */
    static String owner(IncidentRollup rollup) {
        return latest(rollup, m -> m.getAssignedTo() != null).map(IncidentMember::getAssignedTo).orElse(null);
    }

    /** Who resolved the last of our alerts, or null. */
    static String resolvedBy(IncidentRollup rollup) {
        return latest(rollup, m -> m.getStatus() == SourceStatus.RESOLVED && m.getRequestedBy() != null)
                .map(IncidentMember::getRequestedBy).orElse(null);
    }

    /**
     * The incident's classification: a true positive if the responders called any of its alerts one (an incident is
     * as real as its realest alert), else the latest classification they chose; null when none.
     */
    static String classification(IncidentRollup rollup) {
        boolean truePositive = rollup.getMembers().values().stream()
                .anyMatch(m -> "truePositive".equalsIgnoreCase(m.getClassification()));
        if (truePositive) {
            return "truePositive";
        }
        return latest(rollup, m -> m.getClassification() != null).map(IncidentMember::getClassification).orElse(null);
    }

    /**
     * The comment of a resolved roll-up. Derived only from what the roll-up decided, so a second attempt after a lost
     * answer writes the same text, by which the first is found.
     *
     * @param ours how many of the incident's alerts the responders resolved through the pager
     */
    static String summary(IncidentRollup rollup, Count count, int ours) {
        String by = resolvedBy(rollup);
        String classification = classification(rollup);
        return RollupSummary.PREFIX + "incident resolved" + (by == null ? "" : " by " + by) + ": " + count.resolved()
                + " of " + count.total() + " alerts resolved (" + ours + " through Sentinel Pager, "
                + (count.resolved() - ours) + " in Azure)"
                + (classification == null ? "." : "; classified " + classification + ".");
    }

    /** How many of the incident's alerts (by id) the responders resolved, as far as the roll-up knows. */
    static int resolvedByUs(IncidentRollup rollup, Collection<String> alertIds) {
        return (int) alertIds.stream().map(rollup.getMembers()::get).filter(Objects::nonNull)
                .filter(m -> m.getStatus() == SourceStatus.RESOLVED).count();
    }

    private static Optional<IncidentMember> latest(IncidentRollup rollup, Predicate<IncidentMember> having) {
        return rollup.getMembers().values().stream().filter(having)
                .max(Comparator.comparing(IncidentMember::getAt).thenComparing(IncidentMember::getAlertId));
    }
}
