package io.sentinelpager.reports;

import static org.assertj.core.api.Assertions.assertThat;

import io.sentinelpager.schemas.RecordLimits;
import io.sentinelpager.schemas.ReportBucket;
import io.sentinelpager.schemas.ReportBucketId;
import io.sentinelpager.schemas.ReportSample;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BucketsTest {

    static final ReportBucketId ID = ReportBucketId.newBuilder().setDimension("team").setTeamId("soc")
            .setPeriod("day").setStart("2026-12-06").setValue("soc").build();

    @Test
    void countsAddUpAndDurationsStaySortedAndBounded() {
        ReportBucket bucket = null;
        for (long millis : new long[] {300, 100, 200}) {
            bucket = Buckets.add(bucket, ReportSample.newBuilder().setBucket(ID).setCounts(Map.of("closed", 1L))
                    .setDurations(Map.of("ttr", millis)).build(), Instant.EPOCH);
        }
        assertThat(bucket.getCounts()).containsEntry("closed", 3L);
        assertThat(bucket.getDurations().get("ttr").getMillis()).containsExactly(100L, 200L, 300L);

        for (int i = 0; i < RecordLimits.REPORT_SAMPLES; i++) {
            bucket = Buckets.add(bucket, ReportSample.newBuilder().setBucket(ID).setDurations(Map.of("ttr", 50L))
                    .build(), Instant.EPOCH);
        }
        assertThat(bucket.getDurations().get("ttr").getMillis()).hasSize(RecordLimits.REPORT_SAMPLES);
        assertThat(bucket.getDurations().get("ttr").getCount()).isEqualTo(RecordLimits.REPORT_SAMPLES + 3);
    }
}
