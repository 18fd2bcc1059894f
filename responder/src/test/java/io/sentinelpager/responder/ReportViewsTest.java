package io.sentinelpager.responder;

import static org.assertj.core.api.Assertions.assertThat;

import io.sentinelpager.schemas.DurationSamples;
import io.sentinelpager.schemas.ReportBucket;
import io.sentinelpager.schemas.ReportBucketId;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReportViewsTest {

    @Test
    void percentilesAreTheNearestRankOfTheSamples() {
        DurationSamples samples = DurationSamples.newBuilder().setCount(4).setMillis(List.of(60_000L, 120_000L,
                240_000L, 420_000L)).build();
        assertThat(ReportViews.percentileSeconds(samples, 0.5)).isEqualTo(120.0);
        assertThat(ReportViews.percentileSeconds(samples, 0.9)).isEqualTo(420.0);
        DurationSamples one = DurationSamples.newBuilder().setCount(1).setMillis(List.of(1_500L)).build();
        assertThat(ReportViews.percentileSeconds(one, 0.5)).isEqualTo(1.5);
        assertThat(ReportViews.percentileSeconds(null, 0.5)).isNull();
    }

    @Test
    void ruleNoiseIsWorstFirstWithinEachPeriodAndItsCsvKeepsFormulasAsText() {
        List<Map<String, Object>> rows = ReportViews.worstFirst(List.of(
                ReportViews.ruleNoise(noise("2026-11-30", "rule:quiet", "Quiet", 5, 0)),
                ReportViews.ruleNoise(noise("2026-11-30", "rule:loud", "=HYPERLINK(\"x\")", 4, 3)),
                ReportViews.ruleNoise(noise("2026-12-07", "rule:quiet", "Quiet", 1, 0))));

        assertThat(rows).extracting(r -> r.get("start") + " " + r.get("detection"))
                .containsExactly("2026-12-07 rule:quiet", "2026-11-30 rule:loud", "2026-11-30 rule:quiet");
        assertThat(ReportViews.csv(ReportViews.RULE_NOISE_COLUMNS, rows).split("\r\n")[2])
                .isEqualTo("soc,week,2026-11-30,rule:loud,\"'=HYPERLINK(\"\"x\"\")\",4,4,3,0.75,");
    }

    private static ReportBucket noise(String start, String detection, String label, long pages, long noise) {
        return ReportBucket.newBuilder().setBucket(ReportBucketId.newBuilder().setDimension("detection")
                        .setTeamId("soc").setPeriod("week").setStart(start).setValue(detection).setLabel(label).build())
                .setCounts(Map.of("pages", pages, "closed", pages, "noise", noise)).setUpdatedAt(Instant.EPOCH)
                .build();
    }
}
