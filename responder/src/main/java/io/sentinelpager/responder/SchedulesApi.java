package io.sentinelpager.responder;

import io.javalin.apibuilder.ApiBuilder;
import io.javalin.http.BadRequestResponse;
import io.javalin.http.Context;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * The schedule screen's data: each schedule of the caller's teams (every team's for an admin) with its shifts from
 * now over the next days, overrides marked, computed by {@link ShiftViews} as the calendar feed is.
 */
final class SchedulesApi {

    private final StateView state;
    private final Clock clock;

    SchedulesApi(StateView state, Clock clock) {
        this.state = state;
        this.clock = clock;
    }

    /** The routes, for Javalin's {@code router.apiBuilder}. */
    void routes() {
        ApiBuilder.get("/api/schedules", this::schedules);
    }

    private void schedules(Context ctx) {
        int days = days(ctx.queryParam("days"));
        Principal who = Principal.of(ctx);
        People people = state.people();
        Instant now = clock.instant();
        ctx.json(ShiftViews.schedules(who.admin() ? people.allTeams() : people.teamsOf(who.user()), people, now,
                now.plus(Duration.ofDays(days))));
    }

    /** The days parameter, 14 when not given; refused as {"error": why}, the shape of every refusal. */
    private static int days(String days) {
        if (days == null) {
            return 14;
        }
        int parsed = days.matches("[0-9]{1,2}") ? Integer.parseInt(days) : 0;
        if (parsed < 1 || parsed > 31) {
            throw new BadRequestResponse("query parameter 'days' must be a whole number from 1 to 31");
        }
        return parsed;
    }
}
