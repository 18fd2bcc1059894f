package io.sentinelpager.app.bench;

import io.sentinelpager.platform.service.ServiceContext;
import io.sentinelpager.schemas.AlertLifecycle;
import io.sentinelpager.schemas.DeliveryOutcome;
import io.sentinelpager.schemas.DeliveryReceipt;
import io.sentinelpager.schemas.NotificationRequest;
import io.sentinelpager.schemas.TopicSpec;
import io.sentinelpager.schemas.Topics;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * What escalate and notify did with the escalations scenario's pages, read from the end the topics had at its start:
 * from alert.state, when escalate has recorded the receipt of every first page (nothing of the first step is left for
 * it to do, so the skip measures the timers alone) and when each second step is due; from notifications.out, when each
 * second page was appended and when it was readable; from the receipts, when it was sent. Times are the records' append
 * times (see {@link FlowWatch#stampOnAppend}), except the read time, which is the bench's own clock when a poll
 * returned it: both are the system's clock, the one the skip is timed on.
 */
final class EscalationWatch implements AutoCloseable {

    private static final List<TopicSpec<String, ?>> READ = List.of(Topics.ALERT_STATE, Topics.NOTIFICATIONS_OUT,
            Topics.NOTIFICATIONS_RECEIPTS);
    /** A delivery escalate still waits for a receipt of (StepDeliveries' word for it). */
    private static final String PENDING = "pending";

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Deserializer<String> keys = new StringDeserializer();
    private final Deserializer<AlertLifecycle> states;
    private final Deserializer<NotificationRequest> requests;
    private final Deserializer<DeliveryReceipt> receipts;
    private final Set<String> pages;
    private final Set<String> firstRecorded = new HashSet<>();
    private Instant latestDue;
    /** Second page's notification id → when it was appended to notifications.out. */
    private final Map<String, Long> secondAppended = new HashMap<>();
    /** When the bench read each second page, epoch milliseconds. */
    private final List<Long> secondRead = new ArrayList<>();
    /** Notification id → append time of its SENT receipt, of any step: a receipt may be read before its request. */
    private final Map<String, Long> sentReceipts = new HashMap<>();
    private int secondSent;

    EscalationWatch(ServiceContext context, Collection<String> pages) {
        this.pages = Set.copyOf(pages);
        Map<String, Object> config = context.consumerConfig(null);
        // A read time within a few tens of milliseconds of the commit that made the record readable.
        config.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 50);
        consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        states = context.serdes().value(AlertLifecycle.class).deserializer();
        requests = context.serdes().value(NotificationRequest.class).deserializer();
        receipts = context.serdes().value(DeliveryReceipt.class).deserializer();
        List<TopicPartition> partitions = new ArrayList<>();
        for (TopicSpec<String, ?> topic : READ) {
            consumer.partitionsFor(topic.name())
                    .forEach(p -> partitions.add(new TopicPartition(p.topic(), p.partition())));
        }
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        // seekToEnd is lazy: resolve it now, before the scenario writes its first page.
        partitions.forEach(consumer::position);
    }

    /** Reads until the condition holds or the time is up; true if it held. */
    boolean await(BooleanSupplier done, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            ConsumerRecords<byte[], byte[]> polled = consumer.poll(Duration.ofMillis(200));
            long readAt = System.currentTimeMillis();
            for (ConsumerRecord<byte[], byte[]> record : polled) {
                read(record, readAt);
            }
        }
        return true;
    }

    private void read(ConsumerRecord<byte[], byte[]> record, long readAt) {
        if (record.value() == null) {
            return;
        }
        String topic = record.topic();
        if (topic.equals(Topics.ALERT_STATE.name())) {
            String page = keys.deserialize(topic, record.key());
            if (pages.contains(page)) {
                state(page, states.deserialize(topic, record.headers(), record.value()));
            }
        } else if (topic.equals(Topics.NOTIFICATIONS_OUT.name())) {
            NotificationRequest request = requests.deserialize(topic, record.headers(), record.value());
            if (request.getEscalationStep() == 1 && pages.contains(request.getAlertKey())
                    && secondAppended.putIfAbsent(request.getNotificationId(), record.timestamp()) == null) {
                secondRead.add(readAt);
                if (sentReceipts.containsKey(request.getNotificationId())) {
                    secondSent++;
                }
            }
        } else {
            DeliveryReceipt receipt = receipts.deserialize(topic, record.headers(), record.value());
            if (receipt.getOutcome() == DeliveryOutcome.SENT && pages.contains(receipt.getAlertKey())
                    && sentReceipts.putIfAbsent(receipt.getNotificationId(), record.timestamp()) == null
                    && secondAppended.containsKey(receipt.getNotificationId())) {
                secondSent++;
            }
        }
    }

    /** A first step is recorded when escalate has a receipt for each of its deliveries. */
    private void state(String page, AlertLifecycle state) {
        if (state.getEscalationStep() != 0 || state.getStepDeliveries().isEmpty()
                || state.getStepDeliveries().containsValue(PENDING)) {
            return;
        }
        if (firstRecorded.add(page) && state.getNextEscalationAt() != null
                && (latestDue == null || state.getNextEscalationAt().isAfter(latestDue))) {
            latestDue = state.getNextEscalationAt();
        }
    }

    boolean firstStepsRecorded() {
        return firstRecorded.size() >= pages.size();
    }

    /** Every page has its second page appended, and a SENT receipt for it. */
    boolean secondStepsSent() {
        return secondAppended.size() >= pages.size() && secondSent >= pages.size();
    }

    /** When the last of the second steps read so far comes due; empty before any first step was recorded. */
    Optional<Instant> latestDue() {
        return Optional.ofNullable(latestDue);
    }

    /** When each second page was appended to notifications.out, epoch milliseconds. */
    Collection<Long> secondPagesAppended() {
        return secondAppended.values();
    }

    /** When the bench, reading committed records only, read each second page, epoch milliseconds. */
    Collection<Long> secondPagesRead() {
        return secondRead;
    }

    /** How many second pages have a SENT receipt. */
    int secondPagesSent() {
        return secondSent;
    }

    /** When the last second page's SENT receipt was appended, epoch milliseconds; empty if none was. */
    Optional<Long> lastSecondPageSent() {
        return secondAppended.keySet().stream().map(sentReceipts::get).filter(Objects::nonNull).max(Long::compare);
    }

    @Override
    public void close() {
        consumer.close();
        states.close();
        requests.close();
        receipts.close();
    }
}
