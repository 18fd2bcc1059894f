package io.sentinelpager.responder;

import static io.sentinelpager.responder.LastShiftTest.at;
import static io.sentinelpager.responder.LastShiftTest.event;
import static io.sentinelpager.responder.LastShiftTest.page;
import static org.assertj.core.api.Assertions.assertThat;

import io.sentinelpager.oncall.NightHours;
import io.sentinelpager.schemas.AlertLifecycle;
import io.sentinelpager.schemas.LifecycleStatus;
import java.time.Clock;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Pages per person per shift, from the schedule and pages of {@link LastShiftTest}, at a fixed time. */
class ShiftPagesTest {

    static final NightHours NIGHT = new NightHours(LocalTime.of(22, 0), LocalTime.of(7, 0));
    /** 11:00 in Berlin on ana's shift: a page by day. */
    static final AlertLifecycle DAYTIME = page("c1:daytime", LifecycleStatus.CLOSED, "ana", List.of(),
            event("2026-03-28T10:00:00Z", "paged", "ana"), event("2026-03-28T10:30:00Z", "closed", "ana"));

    @Test
    void theLastEndedShiftsWithThePagesOfTheirPersonAndThoseAtNightInTheirZone() {
        Clock clock = Clock.fixed(at("2026-03-29T12:00:00Z"), ZoneOffset.UTC);
        List<AlertLifecycle> pages = new ArrayList<>(LastShiftTest.PAGES);
        pages.add(DAYTIME);

        List<Map<String, Object>> rows = ShiftPages.rows(List.of(LastShiftTest.PRIMARY), 2, pages, clock.instant(),
                NIGHT, u -> "Europe/Berlin", String::toUpperCase);

        // Ben is on call now, not ended, so not listed. Ana's 23-hour shift: 00:00 and 04:00 Berlin time are at
        // night, 11:00 is not; ana's page at 08:30 on the 28th was on ben's shift, which counts only his own pages.
        assertThat(rows).extracting(r -> r.get("user") + " " + r.get("start") + " " + r.get("end") + " "
                        + r.get("pages") + " " + r.get("nightPages"))
                .containsExactly("ana 2026-03-28T08:00:00Z 2026-03-29T07:00:00Z 3 2",
                        "ben 2026-03-27T08:00:00Z 2026-03-28T08:00:00Z 0 0");
        assertThat(ReportViews.csv(ShiftPages.COLUMNS, rows).split("\r\n")).startsWith(
                "schedule,scheduleName,user,name,start,end,override,pages,nightPages",
                "primary,Primary,ana,ANA,2026-03-28T08:00:00Z,2026-03-29T07:00:00Z,false,3,2");
    }
}
