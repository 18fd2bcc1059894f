package io.sentinelpager.reports;

import io.sentinelpager.schemas.AlertLifecycle;
import io.sentinelpager.schemas.ReportPageFacts;
import io.sentinelpager.schemas.ReportSample;
import io.sentinelpager.schemas.UserConfig;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.TimestampedKeyValueStore;
import org.apache.kafka.streams.state.ValueAndTimestamp;

/**
 * Counts each fact of a page once. alert.state carries every state of a page, and the same state again after a
 * replay (a new instance reading a compacted topic from the start, a restored task); counting transitions as they
 * pass would count those twice. So the facts already counted of each page are kept in a changelogged store, keyed
 * by page, and written in the same exactly-once transaction as the samples they produced: a crash between the two
 * cannot happen, and a page's state read again adds nothing. A page's entry goes when escalate deletes the page.
 */
final class CountFactsProcessor implements Processor<String, AlertLifecycle, String, ReportSample> {

    private final NightHours night;
    private ProcessorContext<String, ReportSample> context;
    private KeyValueStore<String, ReportPageFacts> facts;
    private Contributions contributions;

    CountFactsProcessor(NightHours night) {
        this.night = night;
    }

    @Override
    public void init(ProcessorContext<String, ReportSample> context) {
        this.context = context;
        this.facts = context.getStateStore(ReportsTopology.PAGE_FACTS_STORE);
        TimestampedKeyValueStore<String, UserConfig> users = context.getStateStore(ReportsTopology.USERS_STORE);
        this.contributions = new Contributions(night, user -> {
            ValueAndTimestamp<UserConfig> config = users.get(user);
            return config == null ? null : config.value().getTimeZone();
        });
    }

    @Override
    public void process(Record<String, AlertLifecycle> record) {
        if (record.value() == null) {
            facts.delete(record.key());
            return;
        }
        ReportPageFacts known = facts.get(record.key());
        Set<String> counted = new LinkedHashSet<>(known == null ? List.of() : known.getCounted());
        List<KeyValue<String, ReportSample>> samples = contributions.count(record.value(), counted);
        if (samples.isEmpty()) {
            return;
        }
        facts.put(record.key(), ReportPageFacts.newBuilder().setCounted(List.copyOf(counted)).build());
        for (KeyValue<String, ReportSample> sample : samples) {
            context.forward(record.withKey(sample.key).withValue(sample.value));
        }
    }
}
