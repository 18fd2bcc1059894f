package io.sentinelpager.responder;

import io.sentinelpager.oncall.OnCall;
import io.sentinelpager.schemas.ScheduleConfig;
import io.sentinelpager.schemas.ScheduleOverride;
import io.sentinelpager.schemas.TeamConfig;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * Shifts as people look at them: each schedule's shifts over a period, with those that come from an override marked,
 * and one person's shifts across every schedule. The schedule screen and the calendar feed both read them from here,
 * and here from {@link OnCall}, so the app, the feed and the pager agree on who is on call when.
 */
final class ShiftViews {

    /** One person's time on duty in one schedule; {@code override} when an override, not the rotation, puts them there. */
    record Shift(String scheduleId, String scheduleName, String user, Instant start, Instant end, boolean override) {
    }

    private ShiftViews() {
    }

    /**
     * The schedule's shifts that overlap [from, to), cut to it, in time order. A person's time on an override is a
     * shift of its own, also where it continues their own rotation shift (which {@link OnCall#shifts} merges), so
     * that every override shows.
     */
    static List<Shift> of(ScheduleConfig schedule, Instant from, Instant to) {
        List<Shift> out = new ArrayList<>();
        for (OnCall.Shift s : OnCall.shifts(schedule, from, to)) {
            TreeSet<Instant> cuts = new TreeSet<>(List.of(s.start(), s.end()));
            for (ScheduleOverride o : schedule.getOverrides()) {
                if (o.getUser().equals(s.user())) {
                    Stream.of(o.getStart(), o.getEnd()).filter(t -> t.isAfter(s.start()) && t.isBefore(s.end()))
                            .forEach(cuts::add);
                }
            }
            Instant start = null;
            for (Instant end : cuts) {
                if (start != null) {
                    out.add(new Shift(schedule.getId(), schedule.getName(), s.user(), start, end,
                            overridden(schedule, s.user(), start)));
                }
                start = end;
            }
        }
        return out;
    }

    /** The user's shifts across every schedule of {@code schedules}, in time order. */
    static List<Shift> mine(String user, Iterable<ScheduleConfig> schedules, Instant from, Instant to) {
        List<Shift> out = new ArrayList<>();
        for (ScheduleConfig schedule : schedules) {
            of(schedule, from, to).stream().filter(s -> s.user().equals(user)).forEach(out::add);
        }
        out.sort(Comparator.comparing(Shift::start).thenComparing(Shift::scheduleId));
        return out;
    }

    /**
     * Per schedule of these teams, each once: its id, name, time zone, the team's members (who may cover) and its
     * shifts over [from, to), as the API gives it.
     */
    static List<Map<String, Object>> schedules(List<String> teamIds, People people, Instant from, Instant to) {
        Map<String, Map<String, Object>> out = new LinkedHashMap<>();
        for (String teamId : teamIds) {
            TeamConfig team = people.team(teamId);
            if (team == null) {
                continue;
            }
            for (String id : team.getScheduleIds()) {
                ScheduleConfig schedule = people.schedule(id);
                if (schedule == null || out.containsKey(id)) {
                    continue;
                }
                Map<String, Object> view = new LinkedHashMap<>();
                view.put("id", id);
                view.put("name", schedule.getName());
                view.put("team", team.getId());
                view.put("timeZone", schedule.getTimeZone());
                view.put("members", team.getMembers());
                view.put("shifts", of(schedule, from, to).stream().map(s -> {
                    Map<String, Object> shift = new LinkedHashMap<>();
                    shift.put("user", s.user());
                    shift.put("name", people.name(s.user()).orElse(s.user()));
                    shift.put("start", s.start().toString());
                    shift.put("end", s.end().toString());
                    shift.put("override", s.override());
                    return shift;
                }).toList());
                out.put(id, view);
            }
        }
        return new ArrayList<>(out.values());
    }

    /** Whether an override of this user's is in force at {@code at} (the user being the one on duty then). */
    private static boolean overridden(ScheduleConfig schedule, String user, Instant at) {
        return schedule.getOverrides().stream().anyMatch(o -> o.getUser().equals(user) && !at.isBefore(o.getStart())
                && at.isBefore(o.getEnd()));
    }
}
