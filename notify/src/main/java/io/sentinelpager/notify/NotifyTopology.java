package io.sentinelpager.notify;

import io.sentinelpager.platform.kafka.AvroSerdes;
import io.sentinelpager.platform.kafka.CompletedIds;
import io.sentinelpager.schemas.DeliveryReceipt;
import io.sentinelpager.schemas.NotificationRequest;
import io.sentinelpager.schemas.Topics;
import java.time.Clock;
import java.time.Instant;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;

/** The notify flow: deliver each request once, then report the outcome keyed by alert. */
public final class NotifyTopology {

    public static final String DELIVERED_STORE = "delivered-notifications-store";

    private NotifyTopology() {
    }

    public static Topology build(AvroSerdes serdes, Channel channel, Clock clock) {
        StreamsBuilder builder = new StreamsBuilder();
        builder.addStateStore(CompletedIds.store(DELIVERED_STORE));
        builder.stream(Topics.NOTIFICATIONS_OUT.name(),
                        Consumed.with(serdes.key(), serdes.value(NotificationRequest.class)).withName("notification-requests"))
                .process(() -> new DeliveryProcessor(channel, clock), Named.as("deliver"), DELIVERED_STORE)
                .to(Topics.NOTIFICATIONS_RECEIPTS.name(),
                        Produced.with(serdes.key(), serdes.value(DeliveryReceipt.class)).withName("receipts"));
        return builder.build();
    }

    static DeliveryReceipt receipt(NotificationRequest request, io.sentinelpager.schemas.DeliveryOutcome outcome,
                                   String detail, Instant at) {
        return DeliveryReceipt.newBuilder().setNotificationId(request.getNotificationId())
                .setAlertKey(request.getAlertKey()).setUserId(request.getUserId())
                .setContactMethod(request.getContactMethod()).setOutcome(outcome).setDetail(detail).setAt(at).build();
    }
}
