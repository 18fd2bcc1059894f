package io.sentinelpager.reports;

import io.sentinelpager.platform.kafka.AvroSerdes;
import io.sentinelpager.platform.kafka.GlobalTables;
import io.sentinelpager.schemas.AlertLifecycle;
import io.sentinelpager.schemas.ReportBucket;
import io.sentinelpager.schemas.ReportPageFacts;
import io.sentinelpager.schemas.ReportSample;
import io.sentinelpager.schemas.Topics;
import java.time.Clock;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.state.Stores;

/**
 * The reports flow: each page's state from alert.state, its facts counted once per page ({@link CountFactsProcessor}),
 * the samples re-keyed by report bucket through a named repartition topic, summed per bucket
 * ({@link SumBucketsProcessor}) and published to the compacted reports.* topics: the rule-noise buckets to
 * reports.rule-noise, every other to reports.response. Both steps are partitioned (by page, then by bucket), so the
 * work spreads over as many instances as the topics have partitions.
 */
public final class ReportsTopology {

    /** Page key → the facts of the page already counted. */
    public static final String PAGE_FACTS_STORE = "page-facts-store";
    /** Bucket key → the bucket's totals. */
    public static final String BUCKETS_STORE = "report-buckets-store";
    /** The people's time zones, for pages at night. */
    public static final String USERS_STORE = GlobalTables.USERS_STORE;

    private ReportsTopology() {
    }

    public static Topology build(AvroSerdes serdes, NightHours night, Clock clock) {
        StreamsBuilder builder = new StreamsBuilder();
        GlobalTables.add(builder, serdes, Topics.CONFIG_USERS, USERS_STORE);
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(PAGE_FACTS_STORE),
                serdes.key(), serdes.value(ReportPageFacts.class)));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(BUCKETS_STORE),
                serdes.key(), serdes.value(ReportBucket.class)));
        builder.stream(Topics.ALERT_STATE.name(),
                        Consumed.with(serdes.key(), serdes.value(AlertLifecycle.class)).withName("page-states"))
                // Each fact of a page once, however often its state comes by.
                .process(() -> new CountFactsProcessor(night), Named.as("count-facts"), PAGE_FACTS_STORE)
                // Every sample of a bucket to the one task that sums it.
                .repartition(Repartitioned.with(serdes.key(), serdes.value(ReportSample.class))
                        .withName("report-samples"))
                .process(() -> new SumBucketsProcessor(clock), Named.as("sum-buckets"), BUCKETS_STORE)
                .to((key, bucket, context) -> key.startsWith("detection|") ? Topics.REPORTS_RULE_NOISE.name()
                                : Topics.REPORTS_RESPONSE.name(),
                        Produced.with(serdes.key(), serdes.value(ReportBucket.class)).withName("report-buckets"));
        return builder.build();
    }
}
