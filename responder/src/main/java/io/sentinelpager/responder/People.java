package io.sentinelpager.responder;

import io.sentinelpager.oncall.OnCall;
import io.sentinelpager.schemas.ScheduleConfig;
import io.sentinelpager.schemas.TeamConfig;
import io.sentinelpager.schemas.UserConfig;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Teams, users and schedules as the config topics have them now: who belongs to which team (authorization), who is
 * on call (the on-call view) and a person's next shifts. Built per request from the global stores, so a change
 * published with {@code pager apply} shows at once.
 */
final class People {

    private final Map<String, TeamConfig> teams;
    private final Function<String, UserConfig> users;
    private final Map<String, ScheduleConfig> schedules;

    People(Map<String, TeamConfig> teams, Function<String, UserConfig> users, Map<String, ScheduleConfig> schedules) {
        this.teams = teams;
        this.users = users;
        this.schedules = schedules;
    }

    List<String> teamsOf(String user) {
        return teams.values().stream().filter(t -> t.getMembers().contains(user)).map(TeamConfig::getId).sorted().toList();
    }

    boolean isMember(String user, String teamId) {
        TeamConfig team = teams.get(teamId);
        return team != null && team.getMembers().contains(user);
    }

    Optional<String> name(String user) {
        return Optional.ofNullable(users.apply(user)).map(UserConfig::getName);
    }

    /** Per team of the user's (every team for an admin): who the team's schedules have on duty now. */
    List<Map<String, Object>> onCall(List<String> teamIds, Instant now) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (String teamId : teamIds) {
            TeamConfig team = teams.get(teamId);
            if (team == null) {
                continue;
            }
            List<Map<String, Object>> duty = new ArrayList<>();
            for (String scheduleId : team.getScheduleIds()) {
                ScheduleConfig schedule = schedules.get(scheduleId);
                if (schedule == null) {
                    continue;
                }
                Map<String, Object> entry = new LinkedHashMap<>();
                entry.put("schedule", schedule.getName());
                String user = OnCall.onDuty(schedule, now).orElse(null);
                entry.put("user", user);
                entry.put("name", user == null ? null : name(user).orElse(user));
                duty.add(entry);
            }
            out.add(Map.of("team", team.getId(), "teamName", team.getName(), "onCall", duty));
        }
        return out;
    }

    /** The user's shifts that overlap [from, to), across every schedule, in time order. */
    List<Map<String, Object>> shifts(String user, Instant from, Instant to) {
        List<OnCall.Shift> mine = new ArrayList<>();
        Map<OnCall.Shift, String> scheduleOf = new HashMap<>();
        for (ScheduleConfig schedule : schedules.values()) {
            for (OnCall.Shift shift : OnCall.shifts(schedule, from, to)) {
                if (shift.user().equals(user)) {
                    mine.add(shift);
                    scheduleOf.put(shift, schedule.getName());
                }
            }
        }
        mine.sort((a, b) -> a.start().compareTo(b.start()));
        return mine.stream().map(s -> Map.<String, Object>of("schedule", scheduleOf.get(s),
                "start", s.start().toString(), "end", s.end().toString())).toList();
    }

    /** The schedule with the app's overrides on top, or null. */
    ScheduleConfig schedule(String scheduleId) {
        return schedules.get(scheduleId);
    }

    TeamConfig team(String teamId) {
        return teams.get(teamId);
    }

    /** Every schedule, with the app's overrides on top. */
    Collection<ScheduleConfig> schedules() {
        return schedules.values();
    }

    /** The teams that have this schedule: their members may override it. */
    List<TeamConfig> teamsWithSchedule(String scheduleId) {
        return teams.values().stream().filter(t -> t.getScheduleIds().contains(scheduleId)).toList();
    }

    List<String> allTeams() {
        return teams.keySet().stream().sorted().toList();
    }
}
