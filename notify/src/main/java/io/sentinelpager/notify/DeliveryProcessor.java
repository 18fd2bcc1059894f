package io.sentinelpager.notify;

import io.sentinelpager.platform.kafka.CompletedIds;
import io.sentinelpager.schemas.DeliveryOutcome;
import io.sentinelpager.schemas.DeliveryReceipt;
import io.sentinelpager.schemas.NotificationRequest;
import java.time.Clock;
import java.time.Instant;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Delivers a notification unless its id was already delivered, and reports the outcome keyed by alert. */
final class DeliveryProcessor implements Processor<String, NotificationRequest, String, DeliveryReceipt> {

    private static final Logger log = LoggerFactory.getLogger(DeliveryProcessor.class);

    private final Channel channel;
    private final Clock clock;
    private ProcessorContext<String, DeliveryReceipt> context;
    private CompletedIds delivered;

    DeliveryProcessor(Channel channel, Clock clock) {
        this.channel = channel;
        this.clock = clock;
    }

    @Override
    public void init(ProcessorContext<String, DeliveryReceipt> context) {
        this.context = context;
        this.delivered = CompletedIds.open(context, NotifyTopology.DELIVERED_STORE);
    }

    @Override
    public void process(Record<String, NotificationRequest> record) {
        NotificationRequest request = record.value();
        if (delivered.contains(request.getNotificationId())) {
            log.debug("notification {} already delivered, skipped", request.getNotificationId());
            return;
        }
        Instant now = clock.instant();
        DeliveryReceipt receipt;
        try {
            channel.deliver(request);
            delivered.add(request.getNotificationId(), now);
            receipt = NotifyTopology.receipt(request, DeliveryOutcome.SENT, null, now);
        } catch (Exception e) {
            log.warn("notification {} to {} via {} failed: {}", request.getNotificationId(), request.getUserId(),
                    request.getContactMethod(), e.toString());
            receipt = NotifyTopology.receipt(request, DeliveryOutcome.FAILED, e.getClass().getSimpleName() + ": "
                    + e.getMessage(), now);
        }
        context.forward(record.withKey(request.getAlertKey()).withValue(receipt));
    }
}
