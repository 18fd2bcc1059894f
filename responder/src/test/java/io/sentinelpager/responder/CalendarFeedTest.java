package io.sentinelpager.responder;

import static org.assertj.core.api.Assertions.assertThat;

import io.sentinelpager.platform.config.Secret;
import io.sentinelpager.schemas.AppOverride;
import io.sentinelpager.schemas.CalendarFeed;
import io.sentinelpager.schemas.RotationLayer;
import io.sentinelpager.schemas.ScheduleConfig;
import io.sentinelpager.oncall.OnCall;
import java.io.StringReader;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.fortuna.ical4j.data.CalendarBuilder;
import net.fortuna.ical4j.model.Calendar;
import net.fortuna.ical4j.model.Component;
import net.fortuna.ical4j.model.Property;
import net.fortuna.ical4j.model.component.VEvent;
import org.junit.jupiter.api.Test;

/**
 * The calendar feed as a calendar app reads it (ical4j, a real RFC 5545 parser), and its URL as a credential that a
 * new feed or a revocation ends.
 */
class CalendarFeedTest {

    static Instant at(String instant) {
        return Instant.parse(instant);
    }

    @Test
    void aCalendarAppReadsTheShiftsAtTheirInstantsAcrossTheSpringDstChangeInBerlin() throws Exception {
        // Daily at 09:00 Berlin time, ana and ben in turn: Berlin moves to summer time on Sunday 2026-03-29, so the
        // 09:00 hand-off is 08:00Z before it and 07:00Z after it. An app override gives ben's 28 March night to ana.
        ScheduleConfig schedule = ScheduleConfig.newBuilder().setId("soc-primary").setName("SOC primary, Berlin")
                .setTimeZone("Europe/Berlin").setLayers(List.of(RotationLayer.newBuilder()
                        .setParticipants(List.of("ana", "ben")).setShiftLength("P1D")
                        .setHandoffStart("2026-03-27T09:00").build())).build();
        AppOverride night = AppOverride.newBuilder().setId("o1").setScheduleId("soc-primary").setUser("ana")
                .setStart(at("2026-03-28T20:00:00Z")).setEnd(at("2026-03-29T04:00:00Z")).setCreatedBy("ana")
                .setCreatedAt(at("2026-03-20T00:00:00Z")).build();
        Map<String, ScheduleConfig> schedules = OnCall.withAppOverrides(Map.of("soc-primary", schedule), List.of(night));

        String ics = ICalendar.of("Ana; on call, Berlin", ShiftViews.mine("ana", schedules.values(),
                at("2026-03-27T08:00:00Z"), at("2026-04-01T00:00:00Z")), at("2026-03-26T12:00:00Z"));
        Calendar calendar = new CalendarBuilder().build(new StringReader(ics));

        List<VEvent> events = calendar.getComponents(Component.VEVENT);
        assertThat(events).extracting(e -> Instant.from(e.getDateTimeStart().getDate()))
                .containsExactly(at("2026-03-27T08:00:00Z"), at("2026-03-28T20:00:00Z"), at("2026-03-29T07:00:00Z"),
                        at("2026-03-31T07:00:00Z"));
        assertThat(events).extracting(e -> Instant.from(e.getDateTimeEnd().getDate()))
                .containsExactly(at("2026-03-28T08:00:00Z"), at("2026-03-29T04:00:00Z"), at("2026-03-30T07:00:00Z"),
                        at("2026-04-01T00:00:00Z"));
        assertThat(events).extracting(e -> e.<Property>getProperties(Property.SUMMARY).get(0).getValue())
                .containsExactly("On call: SOC primary, Berlin", "On call: SOC primary, Berlin (override)",
                        "On call: SOC primary, Berlin", "On call: SOC primary, Berlin");
        assertThat(events).extracting(e -> e.<Property>getProperties(Property.UID).get(0).getValue()).doesNotHaveDuplicates();
        assertThat(calendar.<Property>getProperties("X-WR-CALNAME").get(0).getValue()).isEqualTo("On call: Ana; on call, Berlin");
        assertThat(ics).contains("\r\n").doesNotContain("VTIMEZONE");
    }

    @Test
    void aFeedUrlWorksUntilItIsReplacedOrRevoked() {
        Map<String, CalendarFeed> table = new HashMap<>();
        CalendarFeedApi feeds = new CalendarFeedApi(Secret.of("session-key"), null, table::get, null,
                () -> "https://pager.example", Clock.fixed(at("2026-03-26T12:00:00Z"), ZoneOffset.UTC));
        CalendarFeed first = CalendarFeed.newBuilder().setUserId("ana").setFeedId("f1")
                .setCreatedAt(at("2026-03-26T12:00:00Z")).build();
        table.put("ana", first);
        String token = feeds.token(first);
        assertThat(feeds.verify(token)).isEqualTo("ana");

        // Another user's name under ana's MAC, or a MAC made with another key, is no feed.
        String[] parts = token.split("\\.");
        table.put("ben", CalendarFeed.newBuilder(first).setUserId("ben").build());
        assertThat(feeds.verify("YmVu." + parts[1] + "." + parts[2])).isNull();
        assertThat(new CalendarFeedApi(Secret.of("another-key"), null, table::get, null, () -> "", Clock.systemUTC())
                .verify(token)).isNull();
        assertThat(feeds.verify("not-a-token")).isNull();

        table.put("ana", CalendarFeed.newBuilder(first).setFeedId("f2").build());
        assertThat(feeds.verify(token)).as("replaced by a new feed").isNull();
        table.remove("ana");
        assertThat(feeds.verify(token)).as("revoked").isNull();
    }
}
