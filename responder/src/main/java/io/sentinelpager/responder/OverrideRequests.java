package io.sentinelpager.responder;

import io.javalin.http.BadRequestResponse;
import io.javalin.http.ForbiddenResponse;
import io.javalin.http.NotFoundResponse;
import io.sentinelpager.oncall.OnCall;
import io.sentinelpager.schemas.AppOverride;
import io.sentinelpager.schemas.RecordLimits;
import io.sentinelpager.schemas.ScheduleConfig;
import io.sentinelpager.schemas.TeamConfig;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Collection;
import java.util.List;

/**
 * The checks an override from the app passes before it is published, each refusal a 400 that names the field: the
 * schedule exists and the caller is in one of its teams (or an admin), the covering person is in one of its teams,
 * the range is well-formed, ends in the future, starts within {@link #HORIZON} and lasts at most {@link #LONGEST},
 * and it overlaps no other app override of that schedule (so who is on call never depends on which of two app
 * overrides was made last). Pure: the config and the existing overrides are passed in.
 */
final class OverrideRequests {

    /** How far ahead an override may start: a quarter is as far as anyone plans a swap. */
    static final Duration HORIZON = Duration.ofDays(92);
    /** The longest override: longer cover is a change of the rotation, which belongs in the YAML files. */
    static final Duration LONGEST = Duration.ofDays(31);

    /** "I take this shift": the caller covers. */
    record Cover(String schedule, String start, String end) {
    }

    /** "Hand my shift to…": {@code to} covers what the caller has on the schedule. */
    record Handoff(String schedule, String start, String end, String to) {
    }

    private OverrideRequests() {
    }

    static AppOverride cover(Cover body, Principal who, People people, Collection<AppOverride> existing, Instant now,
                             String id) {
        return check(id, body.schedule(), body.start(), body.end(), who.user(), null, who, people, existing, now);
    }

    static AppOverride handoff(Handoff body, Principal who, People people, Collection<AppOverride> existing,
                               Instant now, String id) {
        String to = required("to", body.to());
        if (to.equals(who.user())) {
            throw new BadRequestResponse("field 'to' is you: hand the shift to someone else, or cover a shift instead");
        }
        AppOverride o = check(id, body.schedule(), body.start(), body.end(), to, who.user(), who, people, existing, now);
        ScheduleConfig schedule = people.schedule(o.getScheduleId());
        boolean onDuty = OnCall.shifts(schedule, o.getStart(), o.getEnd()).stream()
                .anyMatch(s -> s.user().equals(who.user()));
        if (!onDuty) {
            throw new BadRequestResponse("fields 'start' and 'end': you are not on call in schedule "
                    + o.getScheduleId() + " between " + o.getStart() + " and " + o.getEnd() + ", so there is no shift"
                    + " of yours to hand over");
        }
        return o;
    }

    /** Whether the caller may make or delete overrides of this schedule. */
    static boolean mayOverride(Principal who, String scheduleId, People people) {
        return who.admin() || people.teamsWithSchedule(scheduleId).stream()
                .anyMatch(t -> t.getMembers().contains(who.user()));
    }

    private static AppOverride check(String id, String scheduleId, String startText, String endText, String user,
                                     String replaces, Principal who, People people, Collection<AppOverride> existing,
                                     Instant now) {
        String schedule = InputLimits.requireBytes("field 'schedule'", required("schedule", scheduleId),
                RecordLimits.ID_BYTES);
        if (people.schedule(schedule) == null) {
            throw new BadRequestResponse("field 'schedule': no schedule " + schedule + " is configured");
        }
        if (!mayOverride(who, schedule, people)) {
            // As for an unknown schedule's alerts: who is not in its teams is not told more.
            throw new ForbiddenResponse("only members of a team of schedule " + schedule + " may override it");
        }
        List<TeamConfig> teams = people.teamsWithSchedule(schedule);
        if (teams.stream().noneMatch(t -> t.getMembers().contains(user))) {
            throw new BadRequestResponse((replaces == null ? "you are" : "field 'to': " + user + " is")
                    + " not a member of " + String.join(" or ", teams.stream().map(TeamConfig::getId).toList())
                    + ", the teams of schedule " + schedule);
        }
        Instant start = instant("start", startText);
        Instant end = instant("end", endText);
        if (!start.isBefore(end)) {
            throw new BadRequestResponse("field 'end' must be after field 'start'");
        }
        if (!end.isAfter(now)) {
            throw new BadRequestResponse("field 'end' is in the past: an override only changes who is on call from now");
        }
        if (start.isAfter(now.plus(HORIZON))) {
            throw new BadRequestResponse("field 'start' is more than " + HORIZON.toDays() + " days ahead");
        }
        if (Duration.between(start, end).compareTo(LONGEST) > 0) {
            throw new BadRequestResponse("fields 'start' and 'end' are more than " + LONGEST.toDays()
                    + " days apart: change the rotation in the schedule's YAML instead");
        }
        existing.stream().filter(o -> o.getScheduleId().equals(schedule))
                .filter(o -> o.getStart().isBefore(end) && start.isBefore(o.getEnd())).findFirst().ifPresent(o -> {
                    throw new BadRequestResponse("fields 'start' and 'end' overlap override " + o.getId() + " ("
                            + o.getUser() + " from " + o.getStart() + " to " + o.getEnd() + "): delete it first");
                });
        return AppOverride.newBuilder().setId(id).setScheduleId(schedule).setUser(user).setReplaces(replaces)
                .setStart(start).setEnd(end).setCreatedBy(who.user()).setCreatedAt(now).build();
    }

    private static String required(String field, String value) {
        if (value == null || value.isBlank()) {
            throw new BadRequestResponse("field '" + field + "' is required");
        }
        return value;
    }

    private static Instant instant(String field, String value) {
        try {
            return Instant.parse(required(field, value));
        } catch (DateTimeParseException e) {
            throw new BadRequestResponse("field '" + field + "' must be an instant such as 2026-03-29T07:00:00Z");
        }
    }
}
