package io.sentinelpager.escalate;

import io.sentinelpager.platform.kafka.DeadLetters;
import io.sentinelpager.platform.kafka.LaneTimestampExtractor;
import io.sentinelpager.schemas.ActionType;
import io.sentinelpager.schemas.AlertAction;
import io.sentinelpager.schemas.EnrichedAlert;
import io.sentinelpager.schemas.PageForgotten;
import io.sentinelpager.schemas.RoutedAlert;
import io.sentinelpager.schemas.SecurityAlert;
import io.sentinelpager.schemas.SourceStatus;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Gives every event the key of the page it belongs to. A page is keyed by its alert, or by its incident's group key
 * when a policy groups alerts by incident; but the events arrive keyed by what their writers know: policy keys a
 * routed alert by its alert key, and ingest, which knows no policies, keys an Azure-side change by its alert key too.
 *
 * <p>This processor runs on the partition of the alert key. It remembers, in a changelogged store, the page of every
 * alert routed to a grouped page, and re-keys the events of that alert to the page; events already keyed by their
 * page (responder actions, receipts, alerts of ungrouped pages) pass unchanged. Everything then goes through one
 * repartition topic to the lifecycle processor, so one task sees every event of a page, and the events of one alert
 * in the order this task read them: a routed alert before the actions that follow it. The index survives a crash or
 * a rebalance because it is restored from its changelog, and under exactly-once its update commits with the
 * re-keyed output, so an alert is never half-indexed.
 *
 * <p>Once on a grouped page, an alert stays there: a later record of it that names another group (policy sends every
 * record of an alert the way it sent the first, so this is a safeguard) still goes to the first page, so an Azure
 * change of the alert can never be sent to a page that does not have it. Only grouped alerts are indexed; an alert
 * of its own page needs no entry, because its page key is its alert key.
 *
 * <p>An Azure-side change can overtake its alert: Defender auto-resolves an alert seconds after raising it, and
 * ingest reports that at once, while the alert itself is still being enriched and routed. This stage is where both
 * arrive under the same key (the alert's, on the same partition), whatever page the alert goes to, so it remembers
 * the last status Azure reported of an alert it has not indexed, and stamps it on the alert when the alert is routed:
 * the lifecycle then sees the alert as Azure has it now. A remembered status nobody claims is forgotten after
 * {@link #EARLY_STATUS_TTL}; an alert that takes longer than that to be routed is paged as it was first read.
 *
 * <p>When the lifecycle stage deletes a closed grouped page after its retention, it sends a {@link PageForgotten}
 * for each of the page's alerts, keyed by the alert, back to this stage, which then drops the alert's index entry.
 */
final class PageKeyProcessor implements Processor<String, SpecificRecord, String, SpecificRecord> {

    /** How long an Azure change waits for its alert; routing takes seconds, so a day is generous. */
    static final Duration EARLY_STATUS_TTL = Duration.ofDays(1);
    /** How often expired early statuses are looked for. */
    static final Duration EARLY_STATUS_SCAN = Duration.ofHours(1);

    private final Clock clock;
    private ProcessorContext<String, SpecificRecord> context;
    private KeyValueStore<String, String> pages;
    private KeyValueStore<String, String> early;

    PageKeyProcessor(Clock clock) {
        this.clock = clock;
    }

    @Override
    public void init(ProcessorContext<String, SpecificRecord> context) {
        this.context = context;
        this.pages = context.getStateStore(EscalateTopology.PAGE_INDEX_STORE);
        this.early = context.getStateStore(EscalateTopology.EARLY_STATUS_STORE);
        context.schedule(EARLY_STATUS_SCAN, PunctuationType.WALL_CLOCK_TIME, ignored -> forgetExpired());
    }

    /** Drops the early statuses no alert claimed in time. */
    void forgetExpired() {
        long cutoff = clock.instant().minus(EARLY_STATUS_TTL).toEpochMilli();
        List<String> expired = new ArrayList<>();
        try (KeyValueIterator<String, String> it = early.all()) {
            while (it.hasNext()) {
                KeyValue<String, String> kv = it.next();
                if (Long.parseLong(kv.value.substring(0, kv.value.indexOf('|'))) < cutoff) {
                    expired.add(kv.key);
                }
            }
        }
        expired.forEach(early::delete);
    }

    @Override
    public void process(Record<String, SpecificRecord> incoming) {
        // A record the lifecycle stage cannot process is dead-lettered to the topic it came from, not to the
        // internal repartition topic's, which does not exist. One from the urgent lane goes on with its real time.
        Record<String, SpecificRecord> record = LaneTimestampExtractor.restore(context.recordMetadata()
                .map(m -> incoming.withHeaders(DeadLetters.enteredFrom(incoming.headers(), m.topic())))
                .orElse(incoming), context.recordMetadata());
        if (record.value() instanceof PageForgotten forgotten) {
            // Its page is gone after its retention; an index entry pointing elsewhere is not this page's to drop.
            if (forgotten.getPageKey().equals(pages.get(record.key()))) {
                pages.delete(record.key());
            }
            return;
        }
        if (record.value() instanceof RoutedAlert routed) {
            String alertKey = record.key();
            String page = pages.get(alertKey);
            if (page == null && routed.getGroupKey() != null && !routed.getGroupKey().equals(alertKey)) {
                page = routed.getGroupKey();
                pages.put(alertKey, page);
            }
            String status = alertKey == null ? null : early.get(alertKey);
            if (status != null) {
                early.delete(alertKey);
                record = record.withValue(withStatus(routed, SourceStatus.valueOf(status.substring(status.indexOf('|') + 1))));
            }
            context.forward(record.withKey(page == null ? alertKey : page));
            return;
        }
        if (record.value() instanceof AlertAction action && action.getType() == ActionType.SOURCE_STATUS_CHANGED
                && action.getSourceStatus() != null && record.key() != null
                && record.key().equals(action.getAlertKey()) && pages.get(record.key()) == null) {
            // Perhaps ahead of its alert: remember it. An alert already on its own page finds it here too and lets
            // it expire, which is cheaper than indexing every ungrouped alert to tell the two apart.
            early.put(record.key(), clock.millis() + "|" + action.getSourceStatus().name());
        }
        // An action or a receipt: by its alert's page if the alert is on a grouped page, else already by its page.
        String page = record.key() == null ? null : pages.get(record.key());
        context.forward(page == null ? record : record.withKey(page));
    }

    private static RoutedAlert withStatus(RoutedAlert routed, SourceStatus status) {
        SecurityAlert alert = SecurityAlert.newBuilder(routed.getEnriched().getAlert()).setStatus(status).build();
        return RoutedAlert.newBuilder(routed)
                .setEnriched(EnrichedAlert.newBuilder(routed.getEnriched()).setAlert(alert).build()).build();
    }
}
