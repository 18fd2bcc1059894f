package io.sentinelpager.reports;

import io.sentinelpager.schemas.DurationSamples;
import io.sentinelpager.schemas.RecordLimits;
import io.sentinelpager.schemas.ReportBucket;
import io.sentinelpager.schemas.ReportSample;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Adds a sample to its bucket: counts are summed, and each duration joins its measure's samples, kept in ascending
 * order and bounded ({@link RecordLimits#REPORT_SAMPLES}), so that p50 and p90 are exact for any day or week of a
 * team up to that many pages, and a bucket never outgrows its record.
 */
final class Buckets {

    private Buckets() {
    }

    static ReportBucket add(ReportBucket current, ReportSample sample, Instant at) {
        Map<String, Long> counts = new HashMap<>(current == null ? Map.of() : current.getCounts());
        sample.getCounts().forEach((name, n) -> counts.merge(name, n, Long::sum));
        Map<String, DurationSamples> durations = new HashMap<>(current == null ? Map.of() : current.getDurations());
        sample.getDurations().forEach((name, millis) -> durations.put(name, withSample(durations.get(name), millis)));
        return ReportBucket.newBuilder().setBucket(sample.getBucket()).setCounts(counts).setDurations(durations)
                .setUpdatedAt(at).build();
    }

    private static DurationSamples withSample(DurationSamples samples, long millis) {
        List<Long> kept = new ArrayList<>(samples == null ? List.of() : samples.getMillis());
        long count = samples == null ? 0 : samples.getCount();
        if (kept.size() < RecordLimits.REPORT_SAMPLES) {
            int at = Collections.binarySearch(kept, millis);
            kept.add(at < 0 ? -at - 1 : at, millis);
        }
        return DurationSamples.newBuilder().setCount(count + 1).setMillis(kept).build();
    }
}
