package io.sentinelpager.reports;

import io.sentinelpager.schemas.ReportBucket;
import io.sentinelpager.schemas.ReportSample;
import io.sentinelpager.schemas.Topics;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Sums the samples of each bucket, which the repartition topic brings to one task whichever page they came from,
 * and publishes the bucket's new total. The totals are kept in a changelogged store, so they survive a restart and
 * move with their partition to another instance. A bucket not changed for the retention of the reports.* topics is
 * forgotten here too and tombstoned there, so neither grows for ever.
 */
final class SumBucketsProcessor implements Processor<String, ReportSample, String, ReportBucket> {

    /** How often buckets past their retention are looked for. */
    static final Duration EXPIRY_SCAN = Duration.ofHours(1);

    private final Clock clock;
    private ProcessorContext<String, ReportBucket> context;
    private KeyValueStore<String, ReportBucket> buckets;

    SumBucketsProcessor(Clock clock) {
        this.clock = clock;
    }

    @Override
    public void init(ProcessorContext<String, ReportBucket> context) {
        this.context = context;
        this.buckets = context.getStateStore(ReportsTopology.BUCKETS_STORE);
        context.schedule(EXPIRY_SCAN, PunctuationType.WALL_CLOCK_TIME, ignored -> forgetExpired());
    }

    @Override
    public void process(Record<String, ReportSample> record) {
        ReportBucket total = Buckets.add(buckets.get(record.key()), record.value(),
                Instant.ofEpochMilli(record.timestamp()));
        buckets.put(record.key(), total);
        context.forward(record.withValue(total));
    }

    private void forgetExpired() {
        Instant oldest = clock.instant().minus(Topics.REPORTS_RETENTION);
        List<String> expired = new ArrayList<>();
        try (KeyValueIterator<String, ReportBucket> it = buckets.all()) {
            it.forEachRemaining(kv -> {
                if (kv.value != null && kv.value.getUpdatedAt().isBefore(oldest)) {
                    expired.add(kv.key);
                }
            });
        }
        for (String key : expired) {
            buckets.delete(key);
            context.forward(new Record<>(key, null, clock.millis()));
        }
    }
}
