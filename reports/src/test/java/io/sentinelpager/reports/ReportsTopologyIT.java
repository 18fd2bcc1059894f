package io.sentinelpager.reports;

import static org.assertj.core.api.Assertions.assertThat;

import io.sentinelpager.platform.local.LocalCluster;
import io.sentinelpager.schemas.AlertLifecycle;
import io.sentinelpager.schemas.ReportBucket;
import io.sentinelpager.schemas.RoutedAlert;
import io.sentinelpager.schemas.Topics;
import io.sentinelpager.schemas.UserConfig;
import io.sentinelpager.testkit.Alerts;
import io.sentinelpager.testkit.LocalClusterExtension;
import io.sentinelpager.testkit.Pages;
import io.sentinelpager.testkit.TopologyHarness;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reports topology in Kafka's TopologyTestDriver with the real registry serdes: pages' states, repeated and
 * replayed as alert.state delivers them, summed per bucket once per fact, on the topic of each report.
 */
@ExtendWith(LocalClusterExtension.class)
class ReportsTopologyIT {

    static final Instant T0 = Instant.parse("2026-12-07T10:00:00Z");

    @TempDir
    Path stateDir;
    TopologyHarness harness;
    TestInputTopic<String, AlertLifecycle> states;
    TestOutputTopic<String, ReportBucket> response;
    TestOutputTopic<String, ReportBucket> ruleNoise;

    @BeforeEach
    void start(LocalCluster cluster) {
        harness = TopologyHarness.start("reports-test", cluster, stateDir, T0, Map.of(),
                context -> ReportsTopology.build(context.serdes(),
                        new NightHours(LocalTime.of(22, 0), LocalTime.of(7, 0)), context.clock()));
        states = harness.input(Topics.ALERT_STATE);
        response = harness.output(Topics.REPORTS_RESPONSE);
        ruleNoise = harness.output(Topics.REPORTS_RULE_NOISE);
        harness.input(Topics.CONFIG_USERS).pipeInput("ana", UserConfig.newBuilder().setId("ana").setName("Ana")
                .setTimeZone("Asia/Tokyo").build(), T0);
    }

    @AfterEach
    void stop() {
        harness.close();
    }

    @Test
    void eachFactOfAPageCountsOnceAndBucketsSumThePagesOfTheirTeam() {
        // Three pages acknowledged after 1, 2 and 7 minutes and closed after 10, 20 and 60; every state sent twice,
        // and the whole history once more, as a replay of alert.state would.
        List<Pages> pages = List.of(page("c1:a1", 1, 10, "truePositive"), page("c1:a2", 2, 20, "falsePositive"),
                page("c1:a3", 7, 60, "falsePositive"));
        for (int replay = 0; replay < 2; replay++) {
            for (int i = 0; i < pages.size(); i++) {
                String key = "c1:a" + (i + 1);
                AlertLifecycle closed = pages.get(i).state();
                states.pipeInput(key, closed, T0);
                states.pipeInput(key, closed, T0);
            }
        }
        Map<String, ReportBucket> totals = response.readKeyValuesToMap();
        ReportBucket team = totals.get("team|soc|day|2026-12-07|soc");
        assertThat(team.getCounts()).containsEntry("pages", 3L).containsEntry("acknowledged", 3L)
                .containsEntry("closed", 3L).containsEntry("escalated", 1L);
        assertThat(team.getDurations().get("tta").getMillis()).containsExactly(60_000L, 120_000L, 420_000L);
        assertThat(team.getDurations().get("ttr").getMillis()).containsExactly(600_000L, 1_200_000L, 3_600_000L);
        assertThat(totals.get("team|soc|week|2026-12-07|soc").getCounts()).containsEntry("pages", 3L);
        // 19:00 in Tokyo is not night; ana was paged for all three, and acknowledged them.
        assertThat(totals.get("person|soc|day|2026-12-07|ana").getCounts()).containsEntry("pages", 3L)
                .containsEntry("night", 0L).containsEntry("acknowledged", 3L);

        ReportBucket noisy = ruleNoise.readKeyValuesToMap().get("detection|soc|day|2026-12-07|detector:det-1");
        assertThat(noisy.getCounts()).containsEntry("pages", 3L).containsEntry("noise", 2L);
        assertThat(noisy.getBucket().getLabel()).isEqualTo("Impossible travel");
    }

    @Test
    void aBucketUnchangedForTheRetentionIsTombstoned() {
        states.pipeInput("c1:a1", page("c1:a1", 1, 10, "truePositive").state(), T0);
        assertThat(response.readKeyValuesToMap()).containsKey("team|soc|day|2026-12-07|soc");

        harness.advance(Topics.REPORTS_RETENTION.plus(Duration.ofHours(2)));

        assertThat(response.readKeyValuesToMap()).containsEntry("team|soc|day|2026-12-07|soc", null);
    }

    private static Pages page(String key, int ackMinutes, int closeMinutes, String classification) {
        RoutedAlert alert = Alerts.routed(Alerts.alert(key, T0).setDetectorId("det-1").setTitle("Impossible travel")
                .build(), "soc", "default").build();
        Pages page = Pages.triggered(alert, T0).paged(T0, "ana", 0);
        if (key.endsWith("3")) {
            page.paged(T0.plusSeconds(300), "ana", 1);
        }
        return page.acknowledged(T0.plusSeconds(60L * ackMinutes), "ana")
                .closed(T0.plusSeconds(60L * closeMinutes), "ana", classification);
    }
}
