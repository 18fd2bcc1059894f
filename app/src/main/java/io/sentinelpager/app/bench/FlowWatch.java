package io.sentinelpager.app.bench;

import io.sentinelpager.escalate.EscalateApp;
import io.sentinelpager.escalate.EscalateTopology;
import io.sentinelpager.platform.service.ServiceContext;
import io.sentinelpager.platform.service.StreamsService;
import io.sentinelpager.schemas.DeliveryOutcome;
import io.sentinelpager.schemas.DeliveryReceipt;
import io.sentinelpager.schemas.NotificationRequest;
import io.sentinelpager.schemas.TopicSpec;
import io.sentinelpager.schemas.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * What the pipeline wrote during one scenario, read back from the stage topics after their end at its start: when each
 * stage's record reached the broker, and when each alert's first page was sent (the receipt's {@code at}, stamped by
 * notify once the channel's send returned).
 *
 * <p>A stage's time is the record's timestamp, which {@link #stampOnAppend} makes the broker's append time: the
 * services leave it to the producer, or (policy) carry the input's over, and only the broker's clock is the same for
 * every stage.
 */
final class FlowWatch implements AutoCloseable {

    /** The alert flow's stages, in pipeline order: ingest, enrich, policy, escalate and notify each write one. */
    static final List<TopicSpec<String, ?>> STAGES = List.of(Topics.ALERTS_RAW, Topics.ALERTS_ENRICHED,
            Topics.ALERTS_ROUTED, Topics.NOTIFICATIONS_OUT, Topics.NOTIFICATIONS_RECEIPTS);
    /** The urgent lanes, each counted as the stage of its twin: a stage's records are those of both its lanes. */
    static final Map<String, String> LANES = STAGES.stream().map(TopicSpec::name)
            .flatMap(stage -> Topics.urgentTwin(stage).map(twin -> Map.entry(twin, stage)).stream())
            .collect(Collectors.toUnmodifiableMap(Map.Entry::getKey, Map.Entry::getValue));

    /**
     * escalate's repartition topic between its two stages, for high-urgency alerts: when its first stage had re-keyed
     * the tracked alert to its page. Watched for tracked alerts only; it splits escalate's time in two.
     */
    static final String PAGE_EVENTS_URGENT = StreamsService.applicationId(EscalateApp.NAME) + "-"
            + EscalateTopology.PAGE_EVENTS_URGENT + "-repartition";
    /** Where a tracked alert's times are kept: the stage topics, with escalate's repartition between policy's and its own. */
    static final List<String> TRACKED_STAGES = List.of(Topics.ALERTS_RAW.name(), Topics.ALERTS_ENRICHED.name(),
            Topics.ALERTS_ROUTED.name(), PAGE_EVENTS_URGENT, Topics.NOTIFICATIONS_OUT.name(),
            Topics.NOTIFICATIONS_RECEIPTS.name());

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Deserializer<String> keys = new StringDeserializer();
    private final Deserializer<DeliveryReceipt> receipts;
    private final Deserializer<NotificationRequest> requests;
    private final Map<String, List<Long>> appended = new LinkedHashMap<>();
    private final Set<String> expected = new HashSet<>();
    /** Every alert's first send seen, expected or not yet: a page may go out before the scenario names its alert. */
    private final Map<String, Long> firstSent = new HashMap<>();
    private int paged;
    private final Map<String, Map<String, Long>> tracked = new HashMap<>();

    /** Sets the stage topics to take the broker's append time as each record's timestamp (see the class comment). */
    static void stampOnAppend(ServiceContext context) throws Exception {
        try (Admin admin = Admin.create(context.kafkaClientConfig())) {
            Map<ConfigResource, Collection<AlterConfigOp>> change = new HashMap<>();
            for (String topic : watched()) {
                change.put(new ConfigResource(ConfigResource.Type.TOPIC, topic), List.of(new AlterConfigOp(
                        new ConfigEntry("message.timestamp.type", "LogAppendTime"), AlterConfigOp.OpType.SET)));
            }
            admin.incrementalAlterConfigs(change).all().get(30, TimeUnit.SECONDS);
        }
    }

    /** Starts at the stage topics' end: what the next scenario makes, and nothing of the one before. */
    FlowWatch(ServiceContext context) {
        Map<String, Object> config = context.consumerConfig(null);
        consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        receipts = context.serdes().value(DeliveryReceipt.class).deserializer();
        requests = context.serdes().value(NotificationRequest.class).deserializer();
        List<TopicPartition> partitions = new ArrayList<>();
        for (TopicSpec<String, ?> topic : STAGES) {
            appended.put(topic.name(), new ArrayList<>());
        }
        for (String topic : watched()) {
            consumer.partitionsFor(topic).forEach(p -> partitions.add(new TopicPartition(p.topic(), p.partition())));
        }
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        // seekToEnd is lazy: resolve it now, before the scenario's first alert appears.
        partitions.forEach(consumer::position);
    }

    /** The alerts whose pages the scenario waits for. */
    void expect(Collection<String> alertKeys) {
        for (String key : alertKeys) {
            if (expected.add(key) && firstSent.containsKey(key)) {
                paged++;
            }
        }
    }

    /** Also keeps when this alert reached each stage. */
    void track(String alertKey) {
        tracked.put(alertKey, new LinkedHashMap<>());
    }

    /** Reads until every expected alert was paged or the time is up; true if all were. */
    boolean awaitPaged(Duration timeout) {
        return await(() -> paged >= expected.size(), timeout);
    }

    /** Reads until the condition holds or the time is up; true if it held. */
    boolean await(BooleanSupplier done, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                read(record);
            }
        }
        return true;
    }

    /** The stage topics and their urgent lanes. */
    private static List<String> watched() {
        List<String> topics = new ArrayList<>(STAGES.stream().map(TopicSpec::name).toList());
        topics.addAll(LANES.keySet());
        topics.add(PAGE_EVENTS_URGENT);
        return topics;
    }

    private void read(ConsumerRecord<byte[], byte[]> record) {
        if (record.topic().equals(PAGE_EVENTS_URGENT)) {
            Map<String, Long> stages = record.key() == null ? null
                    : tracked.get(keys.deserialize(record.topic(), record.key()));
            if (stages != null) {
                stages.putIfAbsent(PAGE_EVENTS_URGENT, record.timestamp());
            }
            return;
        }
        String stage = LANES.getOrDefault(record.topic(), record.topic());
        appended.get(stage).add(record.timestamp());
        String alertKey = alertKey(stage, record);
        Map<String, Long> stages = alertKey == null ? null : tracked.get(alertKey);
        if (stages != null) {
            stages.putIfAbsent(stage, record.timestamp());
        }
        if (record.topic().equals(Topics.NOTIFICATIONS_RECEIPTS.name()) && record.value() != null) {
            DeliveryReceipt receipt = receipts.deserialize(record.topic(), record.headers(), record.value());
            if (receipt.getOutcome() == DeliveryOutcome.SENT
                    && firstSent.putIfAbsent(receipt.getAlertKey(), receipt.getAt().toEpochMilli()) == null
                    && expected.contains(receipt.getAlertKey())) {
                paged++;
            }
        }
    }

    /**
     * The alert a record is about: its key, except on notifications.out, which escalate keys by person (notify
     * delivers each person's pages in order); there the request names it, read only when an alert is tracked.
     */
    private String alertKey(String stage, ConsumerRecord<byte[], byte[]> record) {
        if (!stage.equals(Topics.NOTIFICATIONS_OUT.name())) {
            return record.key() == null ? null : keys.deserialize(record.topic(), record.key());
        }
        return tracked.isEmpty() || record.value() == null ? null
                : requests.deserialize(record.topic(), record.headers(), record.value()).getAlertKey();
    }

    /** How many expected alerts have had a page sent. */
    int paged() {
        return paged;
    }

    /** When each alert's first page in this scenario was sent, epoch milliseconds. */
    Map<String, Long> sent() {
        return firstSent;
    }

    /** The append times of the scenario's records on this stage topic and its urgent lane, in the order read. */
    List<Long> appended(TopicSpec<String, ?> topic) {
        return appended.get(topic.name());
    }

    /** When a tracked alert reached each stage topic, by topic name. */
    Map<String, Long> stagesOf(String alertKey) {
        return tracked.get(alertKey);
    }

    @Override
    public void close() {
        consumer.close();
        receipts.close();
        requests.close();
    }
}
