package io.sentinelpager.responder;

import io.javalin.apibuilder.ApiBuilder;
import io.javalin.http.BadRequestResponse;
import io.javalin.http.Context;
import io.sentinelpager.schemas.ReportBucket;
import io.sentinelpager.schemas.ReportBucketId;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * The response reports the reports service computes, read from the reports.* global tables, so any instance answers
 * for every team: time to acknowledge and resolve, pages, escalations and night pages per team, person, policy,
 * severity or connector ({@code /api/reports/response}), and rule noise per detection
 * ({@code /api/reports/rule-noise}), by day or week, as JSON or CSV. Each bucket belongs to one team; a caller gets
 * the buckets of their teams only (admins: all), so someone in no team gets an empty report rather than a refusal.
 */
final class ReportsApi {

    static final List<String> DIMENSIONS = List.of("team", "person", "policy", "severity", "connector");
    static final List<String> PERIODS = List.of("day", "week");
    /** The longest range one request may cover: a year of days, a bounded answer. */
    static final int MAX_DAYS = 366;
    /** The range without from and to: the last four weeks, today included. */
    static final int DEFAULT_DAYS = 28;

    private final StateView state;
    private final Clock clock;

    ReportsApi(StateView state, Clock clock) {
        this.state = state;
        this.clock = clock;
    }

    /** The routes, for Javalin's {@code router.apiBuilder}. */
    void routes() {
        ApiBuilder.get("/api/reports/response", ctx -> response(ctx, csv(ctx)));
        ApiBuilder.get("/api/reports/response.csv", ctx -> response(ctx, true));
        ApiBuilder.get("/api/reports/rule-noise", ctx -> ruleNoise(ctx, csv(ctx)));
        ApiBuilder.get("/api/reports/rule-noise.csv", ctx -> ruleNoise(ctx, true));
    }

    private void response(Context ctx, boolean csv) {
        String dimension = oneOf(ctx, "dimension", DIMENSIONS, "team");
        Query query = query(ctx);
        List<Map<String, Object>> rows = buckets(ResponderTopology.REPORTS_RESPONSE_STORE, ctx, query).stream()
                .filter(b -> b.getBucket().getDimension().equals(dimension))
                .sorted(Comparator.comparing((ReportBucket b) -> b.getBucket().getStart()).reversed()
                        .thenComparing(b -> b.getBucket().getTeamId()).thenComparing(b -> b.getBucket().getValue()))
                .map(ReportViews::response).toList();
        answer(ctx, csv, "response-" + dimension + "-" + query, ReportViews.RESPONSE_COLUMNS, rows);
    }

    private void ruleNoise(Context ctx, boolean csv) {
        Query query = query(ctx);
        List<Map<String, Object>> rows = ReportViews.worstFirst(buckets(ResponderTopology.REPORTS_RULE_NOISE_STORE,
                ctx, query).stream().map(ReportViews::ruleNoise).toList());
        answer(ctx, csv, "rule-noise-" + query, ReportViews.RULE_NOISE_COLUMNS, rows);
    }

    private static void answer(Context ctx, boolean csv, String name, List<String> columns,
                               List<Map<String, Object>> rows) {
        if (csv) {
            ctx.contentType("text/csv; charset=utf-8")
                    .header("Content-Disposition", "attachment; filename=\"" + name + ".csv\"")
                    .result(ReportViews.csv(columns, rows));
        } else {
            ctx.json(rows);
        }
    }

    /** The buckets of the query's period and range, of the teams the caller may see. */
    private List<ReportBucket> buckets(String store, Context ctx, Query query) {
        Principal who = Principal.of(ctx);
        People people = state.people();
        Set<String> teams = new HashSet<>(who.admin() ? List.of() : people.teamsOf(who.user()));
        Predicate<ReportBucketId> visible = id -> who.admin() || teams.contains(id.getTeamId());
        ReadOnlyKeyValueStore<String, ReportBucket> buckets = state.store(store);
        List<ReportBucket> out = new ArrayList<>();
        try (KeyValueIterator<String, ReportBucket> it = buckets.all()) {
            it.forEachRemaining(kv -> {
                if (kv.value != null && visible.test(kv.value.getBucket()) && query.covers(kv.value.getBucket())) {
                    out.add(kv.value);
                }
            });
        }
        return out;
    }

    /** Which buckets: of this period, starting from {@code from} to {@code to}, both included. */
    record Query(String period, LocalDate from, LocalDate to) {

        boolean covers(ReportBucketId id) {
            if (!id.getPeriod().equals(period)) {
                return false;
            }
            LocalDate start = LocalDate.parse(id.getStart());
            // A week is in the range when any of its days is.
            LocalDate end = period.equals("week") ? start.plusDays(6) : start;
            return !end.isBefore(from) && !start.isAfter(to);
        }

        @Override
        public String toString() {
            return period + "-" + from + "-" + to;
        }
    }

    private Query query(Context ctx) {
        String period = oneOf(ctx, "period", PERIODS, "week");
        LocalDate today = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
        LocalDate to = date(ctx, "to").orElse(today);
        LocalDate from = date(ctx, "from").orElse(to.minusDays(DEFAULT_DAYS - 1));
        if (from.isAfter(to)) {
            throw new BadRequestResponse("query parameter 'from' (" + from + ") is after 'to' (" + to + ")");
        }
        if (ChronoUnit.DAYS.between(from, to) >= MAX_DAYS) {
            throw new BadRequestResponse("from " + from + " to " + to + " is more than " + MAX_DAYS
                    + " days; ask for at most " + MAX_DAYS + " days at a time");
        }
        return new Query(period, from, to);
    }

    private static boolean csv(Context ctx) {
        return oneOf(ctx, "format", List.of("json", "csv"), "json").equals("csv");
    }

    private static String oneOf(Context ctx, String parameter, List<String> allowed, String otherwise) {
        String value = ctx.queryParam(parameter);
        if (value == null) {
            return otherwise;
        }
        if (!allowed.contains(value)) {
            throw new BadRequestResponse("query parameter '" + parameter + "' must be one of " + allowed);
        }
        return value;
    }

    private static Optional<LocalDate> date(Context ctx, String parameter) {
        String value = ctx.queryParam(parameter);
        if (value == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(LocalDate.parse(value));
        } catch (DateTimeParseException e) {
            throw new BadRequestResponse("query parameter '" + parameter + "' must be a date as yyyy-MM-dd, e.g."
                    + " 2026-12-07");
        }
    }
}
