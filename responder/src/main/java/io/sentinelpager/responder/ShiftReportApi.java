package io.sentinelpager.responder;

import io.javalin.apibuilder.ApiBuilder;
import io.javalin.http.BadRequestResponse;
import io.javalin.http.Context;
import io.sentinelpager.oncall.NightHours;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /api/reports/shifts} (and {@code .csv}): pages per person per shift for the schedules of the caller's
 * teams (every schedule for an admin), computed by {@link ShiftPages} from alert.state at request time rather than by
 * the reports service, since a shift is the schedules' notion, which the responder has and the reports do not.
 */
final class ShiftReportApi {

    static final int DEFAULT_SHIFTS = 8;
    static final int MAX_SHIFTS = 50;

    private final StateView state;
    private final NightHours night;
    private final Clock clock;

    ShiftReportApi(StateView state, NightHours night, Clock clock) {
        this.state = state;
        this.night = night;
        this.clock = clock;
    }

    /** The routes, for Javalin's {@code router.apiBuilder}. */
    void routes() {
        ApiBuilder.get("/api/reports/shifts", ctx -> shifts(ctx, csv(ctx)));
        ApiBuilder.get("/api/reports/shifts.csv", ctx -> shifts(ctx, true));
    }

    private void shifts(Context ctx, boolean csv) {
        int count = count(ctx.queryParam("shifts"));
        Principal who = Principal.of(ctx);
        People people = state.people();
        Instant now = clock.instant();
        List<Map<String, Object>> rows = ShiftPages.rows(who.admin() ? people.schedules()
                        : LastShiftApi.schedulesOf(people, people.teamsOf(who.user())), count, state.pages(), now,
                night, u -> people.zone(u).getId(), u -> people.name(u).orElse(u));
        if (csv) {
            ctx.contentType("text/csv; charset=utf-8")
                    .header("Content-Disposition", "attachment; filename=\"shifts-" + count + ".csv\"")
                    .result(ReportViews.csv(ShiftPages.COLUMNS, rows));
        } else {
            ctx.json(rows);
        }
    }

    private static boolean csv(Context ctx) {
        String format = ctx.queryParam("format");
        if (format != null && !List.of("json", "csv").contains(format)) {
            throw new BadRequestResponse("query parameter 'format' must be one of [json, csv]");
        }
        return "csv".equals(format);
    }

    /** The shifts parameter, {@link #DEFAULT_SHIFTS} when not given; refused as {"error": why}. */
    private static int count(String shifts) {
        if (shifts == null) {
            return DEFAULT_SHIFTS;
        }
        int parsed = shifts.matches("[0-9]{1,2}") ? Integer.parseInt(shifts) : 0;
        if (parsed < 1 || parsed > MAX_SHIFTS) {
            throw new BadRequestResponse("query parameter 'shifts' must be a whole number from 1 to " + MAX_SHIFTS);
        }
        return parsed;
    }
}
