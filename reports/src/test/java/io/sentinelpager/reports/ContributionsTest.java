package io.sentinelpager.reports;

import static org.assertj.core.api.Assertions.assertThat;

import io.sentinelpager.schemas.AlertLifecycle;
import io.sentinelpager.schemas.LifecycleStatus;
import io.sentinelpager.schemas.ReportSample;
import io.sentinelpager.schemas.RoutedAlert;
import io.sentinelpager.schemas.SecurityAlert;
import io.sentinelpager.testkit.Alerts;
import io.sentinelpager.testkit.Pages;
import java.time.Instant;
import java.util.ArrayList;
import java.time.LocalTime;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.streams.KeyValue;
import org.junit.jupiter.api.Test;

/** Each fact of a page counted once, into the buckets of its team, day and week. */
class ContributionsTest {

    // A Sunday evening in UTC: the week bucket starts on the Monday before.
    static final Instant T0 = Instant.parse("2026-12-06T21:30:00Z");
    static final NightHours NIGHT = new NightHours(LocalTime.of(22, 0), LocalTime.of(7, 0));
    static final Map<String, String> ZONES = Map.of("ana", "Europe/Berlin", "ben", "America/New_York");
    final Contributions contributions = new Contributions(NIGHT, ZONES::get);

    static RoutedAlert alert(String key) {
        SecurityAlert alert = Alerts.alert(key, T0).setDetectorId("det-1").setTitle("Impossible travel").build();
        return Alerts.routed(alert, "soc", "default").build();
    }

    @Test
    void aPageAcknowledgedAndClosedCountsOnceHoweverOftenItsStatesComeBy() {
        Pages page = Pages.triggered(alert("c1:a1"), T0).paged(T0.plusSeconds(5), "ana", 0);
        AlertLifecycle paged = page.state();
        AlertLifecycle acked = page.acknowledged(T0.plusSeconds(125), "ana").state();
        AlertLifecycle closed = page.closed(T0.plusSeconds(3_605), "ana", "falsePositive").state();
        Set<String> counted = new HashSet<>();

        List<KeyValue<String, ReportSample>> all = new ArrayList<>();
        for (AlertLifecycle state : List.of(paged, paged, acked, paged, closed, acked, closed)) {
            all.addAll(contributions.count(state, counted));
        }

        assertThat(sum(all, "team|soc|day|2026-12-06|soc", "pages")).isEqualTo(1);
        assertThat(sum(all, "team|soc|week|2026-11-30|soc", "pages")).isEqualTo(1);
        assertThat(durations(all, "team|soc|day|2026-12-06|soc", "tta")).containsExactly(125_000L);
        assertThat(durations(all, "team|soc|day|2026-12-06|soc", "ttr")).containsExactly(3_605_000L);
        assertThat(durations(all, "person|soc|day|2026-12-06|ana", "tta")).containsExactly(125_000L);
        assertThat(durations(all, "severity|soc|day|2026-12-06|high", "ttr")).containsExactly(3_605_000L);
        assertThat(sum(all, "connector|soc|day|2026-12-06|c1", "closed")).isEqualTo(1);
        assertThat(sum(all, "policy|soc|day|2026-12-06|test", "acknowledged")).isEqualTo(1);
        assertThat(sum(all, "detection|soc|day|2026-12-06|detector:det-1", "noise")).isEqualTo(1);
        assertThat(all).filteredOn(kv -> kv.key.startsWith("detection|")).allSatisfy(kv ->
                assertThat(kv.value.getBucket().getLabel()).isEqualTo("Impossible travel"));
        // 22:30 in Berlin: at night for ana.
        assertThat(sum(all, "person|soc|day|2026-12-06|ana", "night")).isEqualTo(1);
        assertThat(sum(all, "team|soc|day|2026-12-06|soc", "escalated")).isZero();
        assertThat(counted).containsExactlyInAnyOrder("page", "acknowledged", "closed", "paged:ana");
    }

    @Test
    void aPageThatReachesTheSecondStepIsEscalatedAndEachPersonPagedCountsInTheirOwnZone() {
        Pages page = Pages.triggered(alert("c1:a2"), T0).paged(T0, "ana", 0).paged(T0.plusSeconds(300), "ben", 1);
        List<KeyValue<String, ReportSample>> samples = contributions.count(page.state(), new HashSet<>());

        assertThat(sum(samples, "team|soc|day|2026-12-06|soc", "escalated")).isEqualTo(1);
        // 16:35 in New York: not at night for ben.
        assertThat(sum(samples, "person|soc|day|2026-12-06|ben", "pages")).isEqualTo(1);
        assertThat(sum(samples, "person|soc|day|2026-12-06|ben", "night")).isZero();
    }

    @Test
    void aPageThatPagedNobodyIsNoPage() {
        AlertLifecycle suppressed = AlertLifecycle.newBuilder(Pages.triggered(alert("c1:a3"), T0).state())
                .setStatus(LifecycleStatus.CLOSED).build();
        assertThat(contributions.count(suppressed, new HashSet<>())).isEmpty();
    }

    @Test
    void aSentinelRuleIsTheDetectionOfItsPages() {
        RoutedAlert alert = alert("c1:a4");
        alert.getEnriched().setRuleId("4b2c…");
        alert.getEnriched().setRuleName("Brute force against Azure portal");
        List<KeyValue<String, ReportSample>> samples = contributions.count(
                Pages.triggered(alert, T0).paged(T0, "ana", 0).state(), new HashSet<>());
        assertThat(samples).filteredOn(kv -> kv.key.startsWith("detection|")).extracting(kv -> kv.key)
                .containsExactly("detection|soc|day|2026-12-06|rule:4b2c…", "detection|soc|week|2026-11-30|rule:4b2c…");
    }

    static long sum(List<KeyValue<String, ReportSample>> samples, String key, String count) {
        return samples.stream().filter(kv -> kv.key.equals(key))
                .mapToLong(kv -> kv.value.getCounts().getOrDefault(count, 0L)).sum();
    }

    static List<Long> durations(List<KeyValue<String, ReportSample>> samples, String key, String name) {
        return samples.stream().filter(kv -> kv.key.equals(key) && kv.value.getDurations().containsKey(name))
                .map(kv -> kv.value.getDurations().get(name)).toList();
    }
}
