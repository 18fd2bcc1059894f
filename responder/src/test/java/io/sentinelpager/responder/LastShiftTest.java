package io.sentinelpager.responder;

import static org.assertj.core.api.Assertions.assertThat;

import io.sentinelpager.schemas.AlertLifecycle;
import io.sentinelpager.schemas.LifecycleStatus;
import io.sentinelpager.schemas.RotationLayer;
import io.sentinelpager.schemas.RoutedAlert;
import io.sentinelpager.schemas.ScheduleConfig;
import io.sentinelpager.schemas.TimelineEvent;
import io.sentinelpager.testkit.Alerts;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** "My last shift" from plain schedules and pages, at a fixed time. */
class LastShiftTest {

    /** Daily hand-off at 09:00 Berlin time, ana and ben in turn; ana's shift of 28 March has the change to CEST. */
    static final ScheduleConfig PRIMARY = ScheduleConfig.newBuilder().setId("primary").setName("Primary")
            .setTimeZone("Europe/Berlin").setLayers(List.of(RotationLayer.newBuilder()
                    .setParticipants(List.of("ana", "ben")).setShiftLength("P1D").setHandoffStart("2026-03-20T09:00")
                    .build())).build();
    static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");

    static Instant at(String instant) {
        return Instant.parse(instant);
    }

    static TimelineEvent event(String at, String type, String actor) {
        return TimelineEvent.newBuilder().setAt(at(at)).setType(type).setActor(actor).build();
    }

    static AlertLifecycle page(String key, LifecycleStatus status, String owner, List<String> recipients,
                               TimelineEvent... timeline) {
        Instant created = timeline[0].getAt();
        RoutedAlert routed = Alerts.routed(Alerts.alert(key, created).build(), "soc", "default")
                .setPolicyId("default").setPolicyVersion(0).build();
        return AlertLifecycle.newBuilder().setAlertKey(key).setStatus(status).setAlert(routed).setOwner(owner)
                .setStepRecipients(recipients).setTimeline(List.of(timeline)).setCreatedAt(created)
                .setUpdatedAt(timeline[timeline.length - 1].getAt()).build();
    }

    /** Before ana's shift: paged while ben was on call (ana as the second step), so not of her shift. */
    static final AlertLifecycle BEFORE = page("c1:before", LifecycleStatus.TRIGGERED, null, List.of("ana"),
            event("2026-03-28T07:30:00Z", "paged", "ana"));
    /** Acknowledged after 5 minutes and closed 35 minutes after the page, both by ana. */
    static final AlertLifecycle HANDLED = page("c1:handled", LifecycleStatus.CLOSED, "ana", List.of(),
            event("2026-03-28T23:00:00Z", "paged", "ana"), event("2026-03-28T23:05:00Z", "acknowledged", "ana"),
            event("2026-03-28T23:35:00Z", "closed", "ana"));
    /** Not acknowledged by ana: escalated to carl, who has it now. */
    static final AlertLifecycle ESCALATED = page("c1:escalated", LifecycleStatus.ACKNOWLEDGED, "carl", List.of("carl"),
            event("2026-03-29T02:00:00Z", "paged", "ana"), event("2026-03-29T02:15:00Z", "paged", "carl"),
            event("2026-03-29T02:20:00Z", "acknowledged", "carl"));
    static final List<AlertLifecycle> PAGES = List.of(BEFORE, HANDLED, ESCALATED);

    static Map<String, Object> lastShift(String user, Clock clock) {
        Instant now = clock.instant();
        return LastShift.answer(user, BERLIN, ShiftViews.mine(user, List.of(PRIMARY), now.minus(LastShift.LOOK_BACK),
                now.plus(LastShift.LOOK_BACK)), PAGES, now, u -> u.toUpperCase());
    }

    @Test
    void theLastEndedShiftAcrossTheChangeToSummerTimeHasThePagesOfItsHoursOnly() {
        // Ben is on call now; ana's last shift ended this morning.
        Map<String, Object> answer = lastShift("ana", Clock.fixed(at("2026-03-29T12:00:00Z"), ZoneOffset.UTC));

        assertThat(answer.get("shift")).asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
                .containsEntry("schedule", "primary").containsEntry("current", false)
                // 23 hours: 09:00 to 09:00 local with an hour skipped at 02:00.
                .containsEntry("start", "2026-03-28T08:00:00Z").containsEntry("end", "2026-03-29T07:00:00Z")
                .containsEntry("localStart", "2026-03-28T09:00+01:00")
                .containsEntry("localEnd", "2026-03-29T09:00+02:00");
        assertThat(answer.get("counts")).isEqualTo(Map.of("paged", 2L, "acknowledged", 1L, "closed", 1L,
                "stillOpen", 1L, "escalatedPastMe", 1L));
        List<Map<String, Object>> pages = pages(answer);
        assertThat(pages).extracting(p -> p.get("key")).containsExactly("c1:handled", "c1:escalated");
        assertThat(pages.get(0)).containsEntry("secondsToAcknowledge", 300L).containsEntry("secondsToClose", 2100L)
                .containsEntry("open", false).containsEntry("with", List.of());
        assertThat(pages.get(1)).containsEntry("secondsToAcknowledge", null).containsEntry("escalatedPastMe", true)
                .containsEntry("open", true).containsEntry("owner", "carl")
                .containsEntry("with", List.of(Map.of("user", "carl", "name", "CARL")));
    }

    @Test
    void aShiftGoingOnIsTheCurrentOneWithItsPagesSoFar() {
        Map<String, Object> answer = lastShift("ana", Clock.fixed(at("2026-03-29T01:00:00Z"), ZoneOffset.UTC));

        assertThat(answer.get("shift")).asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
                .containsEntry("current", true).containsEntry("end", "2026-03-29T07:00:00Z");
        assertThat(pages(answer)).extracting(p -> p.get("key")).containsExactly("c1:handled");
    }

    @Test
    void someoneWithNoShiftInTheLast30DaysGetsNoShiftAndWhy() {
        Map<String, Object> answer = lastShift("dora", Clock.fixed(at("2026-03-29T12:00:00Z"), ZoneOffset.UTC));

        assertThat(answer).containsEntry("shift", null);
        assertThat(answer.get("reason")).asString().contains("no shift", "30 days");
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> pages(Map<String, Object> answer) {
        return new ArrayList<>((List<Map<String, Object>>) answer.get("pages"));
    }
}
