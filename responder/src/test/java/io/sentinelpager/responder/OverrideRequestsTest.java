package io.sentinelpager.responder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.javalin.http.BadRequestResponse;
import io.javalin.http.ForbiddenResponse;
import io.sentinelpager.oncall.OnCall;
import io.sentinelpager.schemas.AppOverride;
import io.sentinelpager.schemas.RotationLayer;
import io.sentinelpager.schemas.ScheduleConfig;
import io.sentinelpager.schemas.TeamConfig;
import io.sentinelpager.schemas.UserConfig;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OverrideRequestsTest {

    static final Instant NOW = Instant.parse("2026-03-25T12:00:00Z");
    // Daily at 09:00 UTC: ana on 25 March, ben on 26 March.
    static final ScheduleConfig PRIMARY = ScheduleConfig.newBuilder().setId("primary").setName("Primary")
            .setLayers(List.of(RotationLayer.newBuilder().setParticipants(List.of("ana", "ben"))
                    .setShiftLength("P1D").setHandoffStart("2026-03-25T09:00").build())).build();
    static final TeamConfig SOC = TeamConfig.newBuilder().setId("soc").setName("SOC")
            .setMembers(List.of("ana", "ben")).setScheduleIds(List.of("primary")).build();
    static final Principal ANA = new Principal("ana", false, null);

    static People people(AppOverride... overrides) {
        return new People(Map.of("soc", SOC), id -> UserConfig.newBuilder().setId(id).setName(id).build(),
                OnCall.withAppOverrides(Map.of("primary", PRIMARY), List.of(overrides)));
    }

    static AppOverride cover(String start, String end, Principal who, AppOverride... existing) {
        return OverrideRequests.cover(new OverrideRequests.Cover("primary", start, end), who, people(existing),
                List.of(existing), NOW, "new");
    }

    @Test
    void aMemberCoversAShiftAndTheRecordSaysWhoMadeItAndWhen() {
        AppOverride o = cover("2026-03-26T18:00:00Z", "2026-03-27T06:00:00Z", ANA);
        assertThat(o.getUser()).isEqualTo("ana");
        assertThat(o.getReplaces()).isNull();
        assertThat(o.getCreatedBy()).isEqualTo("ana");
        assertThat(o.getCreatedAt()).isEqualTo(NOW);
        assertThat(OnCall.onDuty(people(o).schedule("primary"), Instant.parse("2026-03-26T20:00:00Z")))
                .contains("ana");
    }

    @Test
    void anOverlapWithAnotherAppOverrideOfTheScheduleIsRefusedNamingIt() {
        AppOverride first = cover("2026-03-26T18:00:00Z", "2026-03-27T06:00:00Z", ANA);
        assertThatThrownBy(() -> cover("2026-03-27T05:00:00Z", "2026-03-27T08:00:00Z", ANA, first))
                .isInstanceOf(BadRequestResponse.class).hasMessageContaining("overlap override new");
        // Touching is not overlapping.
        assertThat(cover("2026-03-27T06:00:00Z", "2026-03-27T08:00:00Z", ANA, first).getStart())
                .isEqualTo(Instant.parse("2026-03-27T06:00:00Z"));
    }

    @Test
    void badRangesAreRefusedNamingTheField() {
        assertThatThrownBy(() -> cover("2026-03-27T06:00:00Z", "2026-03-27T06:00:00Z", ANA))
                .isInstanceOf(BadRequestResponse.class).hasMessageContaining("field 'end' must be after field 'start'");
        assertThatThrownBy(() -> cover("tomorrow", "2026-03-27T06:00:00Z", ANA))
                .isInstanceOf(BadRequestResponse.class).hasMessageContaining("field 'start' must be an instant");
        assertThatThrownBy(() -> cover("2026-03-24T06:00:00Z", "2026-03-25T06:00:00Z", ANA))
                .isInstanceOf(BadRequestResponse.class).hasMessageContaining("field 'end' is in the past");
        assertThatThrownBy(() -> cover("2026-09-01T06:00:00Z", "2026-09-02T06:00:00Z", ANA))
                .isInstanceOf(BadRequestResponse.class).hasMessageContaining("field 'start' is more than 92 days");
        assertThatThrownBy(() -> cover("2026-03-26T06:00:00Z", "2026-05-02T06:00:00Z", ANA))
                .isInstanceOf(BadRequestResponse.class).hasMessageContaining("more than 31 days apart");
        assertThatThrownBy(() -> OverrideRequests.cover(new OverrideRequests.Cover(null, "2026-03-26T06:00:00Z",
                "2026-03-27T06:00:00Z"), ANA, people(), List.of(), NOW, "x"))
                .isInstanceOf(BadRequestResponse.class).hasMessage("field 'schedule' is required");
    }

    @Test
    void onlyMembersOfTheSchedulesTeamMayOverrideItOrCoverIt() {
        assertThatThrownBy(() -> cover("2026-03-26T18:00:00Z", "2026-03-27T06:00:00Z",
                new Principal("eve", false, null))).isInstanceOf(ForbiddenResponse.class);
        // An admin may make overrides, but only a member may be the one on call.
        assertThatThrownBy(() -> cover("2026-03-26T18:00:00Z", "2026-03-27T06:00:00Z",
                new Principal("boss", true, null))).isInstanceOf(BadRequestResponse.class)
                .hasMessageContaining("you are not a member of soc");
        assertThatThrownBy(() -> handoff("ana", "2026-03-25T12:00:00Z", "2026-03-25T18:00:00Z", "eve"))
                .isInstanceOf(BadRequestResponse.class).hasMessageContaining("field 'to': eve is not a member of soc");
    }

    @Test
    void aShiftIsHandedOnlyByWhoeverHasIt() {
        AppOverride o = handoff("ana", "2026-03-25T12:00:00Z", "2026-03-25T18:00:00Z", "ben");
        assertThat(o.getUser()).isEqualTo("ben");
        assertThat(o.getReplaces()).isEqualTo("ana");
        // ben is on call on the 26th, not ana.
        assertThatThrownBy(() -> handoff("ana", "2026-03-26T12:00:00Z", "2026-03-26T18:00:00Z", "ben"))
                .isInstanceOf(BadRequestResponse.class).hasMessageContaining("you are not on call in schedule primary");
    }

    static AppOverride handoff(String from, String start, String end, String to) {
        return OverrideRequests.handoff(new OverrideRequests.Handoff("primary", start, end, to),
                new Principal(from, false, null), people(), List.of(), NOW, "h");
    }
}
