package io.sentinelpager.oncall;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sentinelpager.schemas.ScheduleConfig;
import io.sentinelpager.schemas.TeamConfig;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OnCallTest {

    static ScheduleConfig daily(String zone, String... people) {
        return ScheduleConfig.newBuilder().setId("s1").setName("primary").setTimeZone(zone)
                .setParticipants(List.of(people)).setShiftLength("P1D").setHandoffStart("2026-03-27T09:00").build();
    }

    @Test
    void dailyRotationHandsOffAtNineLocalTimeAcrossTheSpringDstChange() {
        // Berlin moves to summer time on 2026-03-29: the 09:00 handoff moves from 08:00Z to 07:00Z.
        ScheduleConfig s = daily("Europe/Berlin", "ana", "ben", "cho");
        assertThat(OnCall.onDuty(s, Instant.parse("2026-03-27T08:00:00Z"))).contains("ana");
        assertThat(OnCall.onDuty(s, Instant.parse("2026-03-28T07:59:00Z"))).contains("ana");
        assertThat(OnCall.onDuty(s, Instant.parse("2026-03-28T08:00:00Z"))).contains("ben");
        assertThat(OnCall.onDuty(s, Instant.parse("2026-03-29T06:59:00Z"))).contains("ben");
        assertThat(OnCall.onDuty(s, Instant.parse("2026-03-29T07:00:00Z"))).contains("cho");
        assertThat(OnCall.onDuty(s, Instant.parse("2026-03-30T07:00:00Z"))).contains("ana");
    }

    @Test
    void teamWithoutSchedulesPagesItsFirstMember() {
        TeamConfig team = TeamConfig.newBuilder().setId("soc").setName("SOC").setMembers(List.of("ana", "ben")).build();
        assertThat(OnCall.recipients(team, Map.of(), Instant.parse("2026-11-29T03:00:00Z"))).containsExactly("ana");
    }

    @Test
    void teamWithScheduleFollowsTheRotation() {
        TeamConfig team = TeamConfig.newBuilder().setId("soc").setName("SOC").setMembers(List.of("ana", "ben", "cho"))
                .setScheduleIds(List.of("s1")).build();
        assertThat(OnCall.recipients(team, Map.of("s1", daily("UTC", "ana", "ben", "cho")),
                Instant.parse("2026-03-28T10:00:00Z"))).containsExactly("ben");
    }

    @Test
    void malformedShiftLengthNamesTheSchedule() {
        ScheduleConfig s = ScheduleConfig.newBuilder(daily("UTC", "ana")).setShiftLength("weekly").build();
        assertThatThrownBy(() -> OnCall.onDuty(s, Instant.parse("2026-03-28T10:00:00Z")))
                .hasMessageContaining("schedule s1").hasMessageContaining("'weekly'");
    }
}
