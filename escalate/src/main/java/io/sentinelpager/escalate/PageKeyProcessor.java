package io.sentinelpager.escalate;

import io.sentinelpager.platform.kafka.DeadLetters;
import io.sentinelpager.schemas.RoutedAlert;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
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
 */
final class PageKeyProcessor implements Processor<String, SpecificRecord, String, SpecificRecord> {

    private ProcessorContext<String, SpecificRecord> context;
    private KeyValueStore<String, String> pages;

    @Override
    public void init(ProcessorContext<String, SpecificRecord> context) {
        this.context = context;
        this.pages = context.getStateStore(EscalateTopology.PAGE_INDEX_STORE);
    }

    @Override
    public void process(Record<String, SpecificRecord> incoming) {
        // A record the lifecycle stage cannot process is dead-lettered to the topic it came from, not to the
        // internal repartition topic's, which does not exist.
        Record<String, SpecificRecord> record = context.recordMetadata()
                .map(m -> incoming.withHeaders(DeadLetters.enteredFrom(incoming.headers(), m.topic())))
                .orElse(incoming);
        if (record.value() instanceof RoutedAlert routed) {
            String alertKey = record.key();
            String page = pages.get(alertKey);
            if (page == null && routed.getGroupKey() != null && !routed.getGroupKey().equals(alertKey)) {
                page = routed.getGroupKey();
                pages.put(alertKey, page);
            }
            context.forward(record.withKey(page == null ? alertKey : page));
            return;
        }
        // An action or a receipt: by its alert's page if the alert is on a grouped page, else already by its page.
        String page = record.key() == null ? null : pages.get(record.key());
        context.forward(page == null ? record : record.withKey(page));
    }
}
