package io.sentinelpager.app;

import io.sentinelpager.platform.service.ServiceContext;
import io.sentinelpager.schemas.AlertLifecycle;
import io.sentinelpager.schemas.DeliveryReceipt;
import io.sentinelpager.schemas.SecurityAlert;
import io.sentinelpager.schemas.SyncCommand;
import io.sentinelpager.schemas.SyncResult;
import io.sentinelpager.schemas.TopicSpec;
import io.sentinelpager.schemas.Topics;
import java.io.PrintStream;
import java.time.Duration;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.WakeupException;

/** The demo's live trace: one short line per step an alert takes through the topics. */
final class FlowTrace implements AutoCloseable {

    private static final List<TopicSpec<String, ?>> TRACED = List.of(Topics.ALERTS_RAW, Topics.ALERTS_RAW_URGENT,
            Topics.NOTIFICATIONS_RECEIPTS, Topics.ALERT_STATE, Topics.SYNC_COMMANDS, Topics.SYNC_RESULTS);

    private final KafkaConsumer<String, SpecificRecord> consumer;
    private final PrintStream out;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Thread thread;
    /** Last status shown per alert: state records also carry timeline updates, which would repeat the line. */
    private final java.util.Map<String, String> shownStatus = new java.util.HashMap<>();

    FlowTrace(ServiceContext context, PrintStream out) {
        this.out = out;
        consumer = new KafkaConsumer<>(context.consumerConfig("pager-demo-trace-" + UUID.randomUUID()),
                context.serdes().key().deserializer(), context.serdes().anyValue().deserializer());
        consumer.subscribe(TRACED.stream().map(TopicSpec::name).toList());
        thread = new Thread(this::run, "demo-trace");
        thread.setDaemon(true);
        thread.start();
    }

    private void run() {
        try {
            while (running.get()) {
                for (ConsumerRecord<String, SpecificRecord> r : consumer.poll(Duration.ofMillis(500))) {
                    if (r.value() instanceof AlertLifecycle s && (s.getStatus() + " " + s.getOwner())
                            .equals(shownStatus.put(s.getAlertKey(), s.getStatus() + " " + s.getOwner()))) {
                        continue;
                    }
                    String line = describe(r.value());
                    if (line != null) {
                        out.printf("%s  %-22s %s%n", LocalTime.now().truncatedTo(ChronoUnit.SECONDS), r.topic(), line);
                    }
                }
            }
        } catch (WakeupException stopping) {
            // close() woke the consumer
        } catch (RuntimeException e) {
            out.println("trace stopped: " + e.getMessage());
        } finally {
            consumer.close();
        }
    }

    private static String describe(SpecificRecord value) {
        if (value instanceof SecurityAlert a) {
            return "new " + a.getSeverity() + " alert " + a.getAlertKey() + " \"" + a.getTitle() + "\"";
        }
        if (value instanceof DeliveryReceipt r) {
            return r.getOutcome() + " to " + r.getUserId() + " via " + r.getContactMethod() + " for " + r.getAlertKey();
        }
        if (value instanceof AlertLifecycle s) {
            return s.getAlertKey() + " is " + s.getStatus() + (s.getOwner() == null ? "" : " (owner " + s.getOwner() + ")");
        }
        if (value instanceof SyncCommand c) {
            return "tell Azure: " + c.getAlertId() + " -> " + c.getTargetStatus() + ", assignedTo " + c.getAssignedTo();
        }
        if (value instanceof SyncResult r) {
            return "Azure " + r.getOutcome() + " " + r.getAlertKey() + (r.getDetail() == null ? "" : ": " + r.getDetail());
        }
        return null;
    }

    @Override
    public void close() {
        running.set(false);
        consumer.wakeup();
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
