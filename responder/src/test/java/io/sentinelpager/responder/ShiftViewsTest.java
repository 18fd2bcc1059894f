package io.sentinelpager.responder;

import static org.assertj.core.api.Assertions.assertThat;

import io.sentinelpager.oncall.OnCall;
import io.sentinelpager.schemas.AppOverride;
import io.sentinelpager.schemas.RotationLayer;
import io.sentinelpager.schemas.ScheduleConfig;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ShiftViewsTest {

    static Instant at(String instant) {
        return Instant.parse(instant);
    }

    @Test
    void anOverrideThatExtendsAPersonsOwnShiftIsAShiftOfItsOwnMarkedAsOverride() {
        // Daily hand-off at 09:00 UTC: ana on the 1st, ben on the 2nd; ana covers ben's first two hours.
        ScheduleConfig daily = ScheduleConfig.newBuilder().setId("s").setName("S").setLayers(List.of(
                RotationLayer.newBuilder().setParticipants(List.of("ana", "ben")).setShiftLength("P1D")
                        .setHandoffStart("2026-04-01T09:00").build())).build();
        AppOverride cover = AppOverride.newBuilder().setId("o").setScheduleId("s").setUser("ana")
                .setStart(at("2026-04-02T09:00:00Z")).setEnd(at("2026-04-02T11:00:00Z")).setCreatedBy("ana")
                .setCreatedAt(at("2026-03-30T00:00:00Z")).build();
        ScheduleConfig s = OnCall.withAppOverrides(Map.of("s", daily), List.of(cover)).get("s");

        assertThat(ShiftViews.of(s, at("2026-04-01T09:00:00Z"), at("2026-04-03T09:00:00Z"))).containsExactly(
                new ShiftViews.Shift("s", "S", "ana", at("2026-04-01T09:00:00Z"), at("2026-04-02T09:00:00Z"), false),
                new ShiftViews.Shift("s", "S", "ana", at("2026-04-02T09:00:00Z"), at("2026-04-02T11:00:00Z"), true),
                new ShiftViews.Shift("s", "S", "ben", at("2026-04-02T11:00:00Z"), at("2026-04-03T09:00:00Z"), false));
    }
}
