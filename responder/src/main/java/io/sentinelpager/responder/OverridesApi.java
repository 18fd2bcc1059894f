package io.sentinelpager.responder;

import io.javalin.apibuilder.ApiBuilder;
import io.javalin.http.Context;
import io.javalin.http.NotFoundResponse;
import io.sentinelpager.schemas.AppOverride;
import io.sentinelpager.schemas.RecordLimits;
import io.sentinelpager.schemas.Topics;
import java.time.Clock;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Schedule overrides from the app: "cover this shift" (the caller takes it) and "hand my shift to…", checked by
 * {@link OverrideRequests} and published to config.overrides, which escalate and every responder instance read as a
 * global table and apply on top of the YAML schedules, without a restart. The list shows the overrides of the
 * caller's teams' schedules (every one to an admin); a member of the schedule's teams or an admin deletes one with a
 * tombstone. The audit log says who made or deleted which override, for whom and when; the record keeps who made it.
 */
final class OverridesApi {

    private static final Logger AUDIT = LoggerFactory.getLogger("io.sentinelpager.responder.audit");

    private final StateView state;
    private final RecordPublisher publisher;
    private final Clock clock;

    OverridesApi(StateView state, RecordPublisher publisher, Clock clock) {
        this.state = state;
        this.publisher = publisher;
        this.clock = clock;
    }

    /** The routes, for Javalin's {@code router.apiBuilder}. */
    void routes() {
        ApiBuilder.get("/api/overrides", this::list);
        ApiBuilder.post("/api/overrides/cover", this::cover);
        ApiBuilder.post("/api/overrides/handoff", this::handoff);
        ApiBuilder.delete("/api/overrides/{id}", this::delete);
    }

    private void list(Context ctx) {
        Principal who = Principal.of(ctx);
        People people = state.people();
        ctx.json(state.overrides().values().stream()
                .filter(o -> OverrideRequests.mayOverride(who, o.getScheduleId(), people))
                .sorted(Comparator.comparing(AppOverride::getStart)).map(OverridesApi::view).toList());
    }

    private void cover(Context ctx) throws Exception {
        OverrideRequests.Cover body = JsonBodies.parse(ctx, OverrideRequests.Cover.class,
                "{\"schedule\":\"soc-primary\",\"start\":\"2026-03-28T18:00:00Z\",\"end\":\"2026-03-29T07:00:00Z\"}");
        publish(ctx, OverrideRequests.cover(body, Principal.of(ctx), state.people(), state.overrides().values(),
                clock.instant(), newId()));
    }

    private void handoff(Context ctx) throws Exception {
        OverrideRequests.Handoff body = JsonBodies.parse(ctx, OverrideRequests.Handoff.class,
                "{\"schedule\":\"soc-primary\",\"start\":\"2026-03-28T18:00:00Z\",\"end\":\"2026-03-29T07:00:00Z\","
                        + "\"to\":\"lead\"}");
        publish(ctx, OverrideRequests.handoff(body, Principal.of(ctx), state.people(), state.overrides().values(),
                clock.instant(), newId()));
    }

    private void publish(Context ctx, AppOverride o) throws Exception {
        publisher.send(Topics.CONFIG_OVERRIDES, o.getId(), o, () -> state.overrides().containsKey(o.getId()));
        AUDIT.info("{} made override {} of schedule {}: {} on call from {} to {}{}", o.getCreatedBy(), o.getId(),
                o.getScheduleId(), o.getUser(), o.getStart(), o.getEnd(),
                o.getReplaces() == null ? "" : ", handed over by " + o.getReplaces());
        ctx.status(201).json(view(o));
    }

    private void delete(Context ctx) throws Exception {
        Principal who = Principal.of(ctx);
        String id = InputLimits.requireBytes("path parameter 'id'", ctx.pathParam("id"), RecordLimits.ID_BYTES);
        AppOverride o = state.overrides().get(id);
        // The same answer for an override of another team's schedule as for none: nothing is told of it.
        if (o == null || !OverrideRequests.mayOverride(who, o.getScheduleId(), state.people())) {
            throw new NotFoundResponse("no override " + id);
        }
        publisher.send(Topics.CONFIG_OVERRIDES, id, null, () -> !state.overrides().containsKey(id));
        AUDIT.info("{} deleted override {} of schedule {} ({} on call from {} to {}, made by {})", who.user(), id,
                o.getScheduleId(), o.getUser(), o.getStart(), o.getEnd(), o.getCreatedBy());
        ctx.status(204);
    }

    private static String newId() {
        return UUID.randomUUID().toString();
    }

    static Map<String, Object> view(AppOverride o) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", o.getId());
        out.put("schedule", o.getScheduleId());
        out.put("user", o.getUser());
        out.put("replaces", o.getReplaces());
        out.put("start", o.getStart().toString());
        out.put("end", o.getEnd().toString());
        out.put("createdBy", o.getCreatedBy());
        out.put("createdAt", o.getCreatedAt().toString());
        return out;
    }
}
