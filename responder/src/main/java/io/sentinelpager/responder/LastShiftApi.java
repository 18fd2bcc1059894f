package io.sentinelpager.responder;

import io.javalin.apibuilder.ApiBuilder;
import io.javalin.http.Context;
import io.sentinelpager.schemas.ScheduleConfig;
import io.sentinelpager.schemas.TeamConfig;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * {@code GET /api/me/last-shift}: the caller's shift going on now, or else their latest ended one within
 * {@link LastShift#LOOK_BACK}, across their teams' schedules (shifts from {@link ShiftViews}, as the schedule screen
 * has them), with the pages of alert.state that paged them during it. Only the caller's own shift, so every team
 * member may ask; pages are matched by who they paged, not by team.
 */
final class LastShiftApi {

    private final StateView state;
    private final Clock clock;

    LastShiftApi(StateView state, Clock clock) {
        this.state = state;
        this.clock = clock;
    }

    /** The routes, for Javalin's {@code router.apiBuilder}. */
    void routes() {
        ApiBuilder.get("/api/me/last-shift", this::lastShift);
    }

    private void lastShift(Context ctx) {
        String user = Principal.of(ctx).user();
        People people = state.people();
        Instant now = clock.instant();
        // Up to LOOK_BACK ahead as well, so that a shift going on now shows its real end.
        List<ShiftViews.Shift> shifts = ShiftViews.mine(user, schedulesOf(people, people.teamsOf(user)),
                now.minus(LastShift.LOOK_BACK), now.plus(LastShift.LOOK_BACK));
        ctx.json(LastShift.answer(user, people.zone(user), shifts, state.pages(), now,
                u -> people.name(u).orElse(u)));
    }

    /** The schedules of these teams, each once. */
    static List<ScheduleConfig> schedulesOf(People people, List<String> teamIds) {
        Map<String, ScheduleConfig> out = new LinkedHashMap<>();
        teamIds.stream().map(people::team).filter(Objects::nonNull).map(TeamConfig::getScheduleIds)
                .flatMap(List::stream).distinct().forEach(id -> {
                    ScheduleConfig schedule = people.schedule(id);
                    if (schedule != null) {
                        out.put(id, schedule);
                    }
                });
        return List.copyOf(out.values());
    }
}
