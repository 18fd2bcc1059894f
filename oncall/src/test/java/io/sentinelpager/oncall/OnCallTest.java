package io.sentinelpager.oncall;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sentinelpager.schemas.AppOverride;
import io.sentinelpager.schemas.LayerRestriction;
import io.sentinelpager.schemas.RotationLayer;
import io.sentinelpager.schemas.ScheduleConfig;
import io.sentinelpager.schemas.ScheduleOverride;
import io.sentinelpager.schemas.TeamConfig;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OnCallTest {

    static RotationLayer layer(String shift, String handoff, String... people) {
        return RotationLayer.newBuilder().setParticipants(List.of(people)).setShiftLength(shift)
                .setHandoffStart(handoff).build();
    }

    static ScheduleConfig schedule(String zone, RotationLayer... layers) {
        return ScheduleConfig.newBuilder().setId("s1").setName("primary").setTimeZone(zone)
                .setLayers(List.of(layers)).build();
    }

    static ScheduleConfig daily(String zone, String... people) {
        return schedule(zone, layer("P1D", "2026-03-27T09:00", people));
    }

    static Instant at(String instant) {
        return Instant.parse(instant);
    }

    @Test
    void dailyRotationHandsOffAtNineLocalTimeAcrossTheSpringDstChangeInBerlin() {
        // Berlin moves to summer time on 2026-03-29: the 09:00 hand-off moves from 08:00Z to 07:00Z.
        ScheduleConfig s = daily("Europe/Berlin", "ana", "ben", "cho");
        assertThat(OnCall.onDuty(s, at("2026-03-27T08:00:00Z"))).contains("ana");
        assertThat(OnCall.onDuty(s, at("2026-03-28T07:59:00Z"))).contains("ana");
        assertThat(OnCall.onDuty(s, at("2026-03-28T08:00:00Z"))).contains("ben");
        assertThat(OnCall.onDuty(s, at("2026-03-29T06:59:00Z"))).contains("ben");
        assertThat(OnCall.onDuty(s, at("2026-03-29T07:00:00Z"))).contains("cho");
        assertThat(OnCall.onDuty(s, at("2026-03-30T07:00:00Z"))).contains("ana");
    }

    @Test
    void weeklyRotationHandsOffAtNineLocalTimeAcrossTheFallDstChangeInNewYork() {
        // New York leaves daylight time on 2026-11-01: Monday 09:00 is 13:00Z before, 14:00Z after.
        ScheduleConfig s = schedule("America/New_York", layer("P7D", "2026-10-26T09:00", "ana", "ben"));
        assertThat(OnCall.onDuty(s, at("2026-10-26T13:00:00Z"))).contains("ana");
        assertThat(OnCall.onDuty(s, at("2026-11-02T13:59:00Z"))).contains("ana");
        assertThat(OnCall.onDuty(s, at("2026-11-02T14:00:00Z"))).contains("ben");
    }

    @Test
    void dailyRotationFollowsLordHowesHalfHourDstChange() {
        // Lord Howe Island goes from UTC+10:30 to UTC+11 on 2026-10-04 at 02:00: 09:00 moves from 22:30Z to 22:00Z.
        ScheduleConfig s = schedule("Australia/Lord_Howe", layer("P1D", "2026-10-01T09:00", "ana", "ben"));
        assertThat(OnCall.onDuty(s, at("2026-10-02T22:29:00Z"))).contains("ben"); // Oct 2 shift (2nd)
        assertThat(OnCall.onDuty(s, at("2026-10-02T22:30:00Z"))).contains("ana"); // Oct 3 09:00 at +10:30
        assertThat(OnCall.onDuty(s, at("2026-10-03T21:59:00Z"))).contains("ana");
        assertThat(OnCall.onDuty(s, at("2026-10-03T22:00:00Z"))).contains("ben"); // Oct 4 09:00 at +11
    }

    @Test
    void aHandOffInTheSkippedHourHappensWhenTheClockJumpsPastIt() {
        // 02:30 does not exist in Berlin on 2026-03-29 (02:00 -> 03:00): the hand-off is at 03:30 CEST = 01:30Z.
        ScheduleConfig s = schedule("Europe/Berlin", layer("P1D", "2026-03-27T02:30", "ana", "ben"));
        assertThat(OnCall.onDuty(s, at("2026-03-28T01:30:00Z"))).contains("ben"); // Mar 28 02:30 CET
        assertThat(OnCall.onDuty(s, at("2026-03-29T01:29:00Z"))).contains("ben");
        assertThat(OnCall.onDuty(s, at("2026-03-29T01:30:00Z"))).contains("ana");
    }

    @Test
    void aHandOffInTheRepeatedHourHappensAtItsFirstOccurrence() {
        // 02:30 happens twice in Berlin on 2026-10-25: first at 00:30Z (CEST), again at 01:30Z (CET).
        // Shifts: Oct 23 ana, Oct 24 ben, Oct 25 ana again.
        ScheduleConfig s = schedule("Europe/Berlin", layer("P1D", "2026-10-23T02:30", "ana", "ben"));
        assertThat(OnCall.onDuty(s, at("2026-10-25T00:29:00Z"))).contains("ben");
        assertThat(OnCall.onDuty(s, at("2026-10-25T00:30:00Z"))).contains("ana");
        assertThat(OnCall.onDuty(s, at("2026-10-25T01:45:00Z"))).contains("ana"); // the second 02:45: no new hand-off
    }

    @Test
    void hourlyShiftsAreRealHoursEvenAcrossDst() {
        ScheduleConfig s = schedule("Europe/Berlin", layer("PT1H", "2026-03-29T00:00", "ana", "ben"));
        // 00:00 CET = 23:00Z; the night has only 23 hours but every shift is one real hour.
        assertThat(OnCall.onDuty(s, at("2026-03-28T23:30:00Z"))).contains("ana");
        assertThat(OnCall.onDuty(s, at("2026-03-29T00:30:00Z"))).contains("ben");
        assertThat(OnCall.onDuty(s, at("2026-03-29T01:30:00Z"))).contains("ana");
    }

    @Test
    void aRestrictedLaterLayerCoversItsWindowAndAnOverrideBeatsEveryLayer() {
        RotationLayer weekly = layer("P7D", "2026-11-02T09:00", "ana", "ben");
        RotationLayer weekendNights = RotationLayer.newBuilder(layer("P1D", "2026-11-02T20:00", "cho"))
                .setRestriction(LayerRestriction.newBuilder().setDays(List.of("saturday", "sunday"))
                        .setFrom("20:00").setTo("08:00").build()).build();
        ScheduleConfig s = ScheduleConfig.newBuilder(schedule("UTC", weekly, weekendNights))
                .setOverrides(List.of(ScheduleOverride.newBuilder().setUser("dan")
                        .setStart(at("2026-11-04T12:00:00Z")).setEnd(at("2026-11-04T14:00:00Z")).build())).build();

        assertThat(OnCall.onDuty(s, at("2026-11-07T19:59:00Z"))).contains("ana"); // Saturday evening
        assertThat(OnCall.onDuty(s, at("2026-11-07T20:00:00Z"))).contains("cho"); // weekend night layer
        assertThat(OnCall.onDuty(s, at("2026-11-08T07:59:00Z"))).contains("cho"); // past midnight, same window
        assertThat(OnCall.onDuty(s, at("2026-11-08T08:00:00Z"))).contains("ana");
        assertThat(OnCall.onDuty(s, at("2026-11-09T21:00:00Z"))).contains("ben"); // Monday night: no window
        assertThat(OnCall.onDuty(s, at("2026-11-04T13:00:00Z"))).contains("dan"); // override
    }

    @Test
    void shiftsBetweenTwoInstantsAgreeWithOnDuty() {
        ScheduleConfig s = ScheduleConfig.newBuilder(daily("Europe/Berlin", "ana", "ben"))
                .setOverrides(List.of(ScheduleOverride.newBuilder().setUser("dan")
                        .setStart(at("2026-03-28T12:00:00Z")).setEnd(at("2026-03-28T13:00:00Z")).build())).build();
        List<OnCall.Shift> shifts = OnCall.shifts(s, at("2026-03-28T00:00:00Z"), at("2026-03-30T00:00:00Z"));
        assertThat(shifts).containsExactly(
                new OnCall.Shift("ana", at("2026-03-28T00:00:00Z"), at("2026-03-28T08:00:00Z")),
                new OnCall.Shift("ben", at("2026-03-28T08:00:00Z"), at("2026-03-28T12:00:00Z")),
                new OnCall.Shift("dan", at("2026-03-28T12:00:00Z"), at("2026-03-28T13:00:00Z")),
                new OnCall.Shift("ben", at("2026-03-28T13:00:00Z"), at("2026-03-29T07:00:00Z")),
                new OnCall.Shift("ana", at("2026-03-29T07:00:00Z"), at("2026-03-30T00:00:00Z")));
    }

    @Test
    void teamWithoutSchedulesPagesItsFirstMember() {
        TeamConfig team = TeamConfig.newBuilder().setId("soc").setName("SOC").setMembers(List.of("ana", "ben")).build();
        assertThat(OnCall.recipients(team, Map.of(), at("2026-11-29T03:00:00Z"))).containsExactly("ana");
    }

    @Test
    void teamWithScheduleFollowsTheRotation() {
        TeamConfig team = TeamConfig.newBuilder().setId("soc").setName("SOC").setMembers(List.of("ana", "ben", "cho"))
                .setScheduleIds(List.of("s1")).build();
        assertThat(OnCall.recipients(team, Map.of("s1", daily("UTC", "ana", "ben", "cho")),
                at("2026-03-28T10:00:00Z"))).containsExactly("ben");
    }

    @Test
    void malformedShiftLengthNamesTheScheduleAndLayer() {
        ScheduleConfig s = schedule("UTC", layer("weekly", "2026-03-27T09:00", "ana"));
        assertThatThrownBy(() -> OnCall.onDuty(s, at("2026-03-28T10:00:00Z")))
                .hasMessageContaining("schedule s1").hasMessageContaining("'weekly'");
    }

    @Test
    void anAppOverrideWinsOverTheRotationAndTheYamlOverridesForItsTimeOnly() {
        ScheduleConfig yaml = ScheduleConfig.newBuilder(daily("UTC", "ana", "ben"))
                .setOverrides(List.of(ScheduleOverride.newBuilder().setUser("cho")
                        .setStart(at("2026-04-01T00:00:00Z")).setEnd(at("2026-04-02T00:00:00Z")).build())).build();
        AppOverride app = AppOverride.newBuilder().setId("o1").setScheduleId("s1").setUser("dan")
                .setStart(at("2026-04-01T10:00:00Z")).setEnd(at("2026-04-01T12:00:00Z"))
                .setCreatedBy("dan").setCreatedAt(at("2026-03-30T00:00:00Z")).build();
        AppOverride elsewhere = AppOverride.newBuilder(app).setId("o2").setScheduleId("not-configured").build();

        Map<String, ScheduleConfig> merged = OnCall.withAppOverrides(Map.of("s1", yaml), List.of(app, elsewhere));

        ScheduleConfig s = merged.get("s1");
        assertThat(OnCall.onDuty(s, at("2026-04-01T09:59:00Z"))).contains("cho");
        assertThat(OnCall.onDuty(s, at("2026-04-01T10:00:00Z"))).contains("dan");
        assertThat(OnCall.onDuty(s, at("2026-04-01T12:00:00Z"))).contains("cho");
        assertThat(OnCall.shifts(s, at("2026-04-01T09:00:00Z"), at("2026-04-01T13:00:00Z")))
                .extracting(OnCall.Shift::user).containsExactly("cho", "dan", "cho");
        assertThat(merged).containsOnlyKeys("s1");
        // The YAML schedule itself is untouched: the merge is a view, not an edit.
        assertThat(OnCall.onDuty(yaml, at("2026-04-01T10:00:00Z"))).contains("cho");
    }
}
