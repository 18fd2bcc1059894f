package io.sentinelpager.escalate;

import io.sentinelpager.oncall.OnCall;
import io.sentinelpager.schemas.EscalationStep;
import io.sentinelpager.schemas.EscalationTarget;
import io.sentinelpager.schemas.ScheduleConfig;
import io.sentinelpager.schemas.TeamConfig;
import io.sentinelpager.schemas.TimelineEvent;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Whom a step reaches: named users, whoever a schedule has on duty, every member of a team, or a team's on-call people
 * when there is no chain. What the step names but is not configured is collected in {@link #missing}, with notes for
 * the timeline: the page is held for it when it reaches nobody, and shows the notes when it reaches someone.
 */
final class StepTargets {

    private final Lifecycle.Directory directory;
    private final Instant now;
    private final Set<String> missing = new LinkedHashSet<>();
    private final List<TimelineEvent> notes = new ArrayList<>();

    StepTargets(Lifecycle.Directory directory, Instant now) {
        this.directory = directory;
        this.now = now;
    }

    /** References ({@link WaitingFor}) to what the steps looked at name but is not configured. */
    Set<String> missing() {
        return missing;
    }

    List<TimelineEvent> notes() {
        return notes;
    }

    List<String> of(EscalationStep step) {
        Set<String> users = new LinkedHashSet<>();
        for (EscalationTarget target : step.getTargets()) {
            switch (target.getKind()) {
                case USER -> users.add(target.getId());
                case SCHEDULE -> {
                    ScheduleConfig schedule = directory.schedules().get(target.getId());
                    if (schedule == null) {
                        missing.add(WaitingFor.SCHEDULE + target.getId());
                        unrouted("schedule " + target.getId() + " is not configured");
                    } else {
                        OnCall.onDuty(schedule, now).ifPresent(users::add);
                    }
                }
                case TEAM -> {
                    TeamConfig team = directory.teams().apply(target.getId());
                    if (team == null) {
                        missing.add(WaitingFor.TEAM + target.getId());
                        unrouted("team " + target.getId() + " is not configured");
                    } else {
                        users.addAll(team.getMembers());
                    }
                }
                default -> unrouted("target kind " + target.getKind() + " of " + target.getId()
                        + " is not known to this version of escalate");
            }
        }
        return new ArrayList<>(users);
    }

    List<String> teamOnCall(String teamId) {
        TeamConfig team = directory.teams().apply(teamId);
        if (team == null) {
            missing.add(WaitingFor.TEAM + teamId);
            unrouted("team " + teamId + " is not configured");
            return List.of();
        }
        // A schedule of the team not configured yet: when nobody else is on call, the page waits for it.
        team.getScheduleIds().stream().filter(id -> !directory.schedules().containsKey(id))
                .forEach(id -> missing.add(WaitingFor.SCHEDULE + id));
        return OnCall.recipients(team, directory.schedules(), now);
    }

    /** A chain that is not configured: the step falls back to the team's on-call people meanwhile. */
    void chainMissing(String chainId) {
        missing.add(WaitingFor.ESCALATION + chainId);
    }

    private void unrouted(String detail) {
        notes.add(Change.event(now, "unrouted", null, null, detail));
    }
}
