package io.sentinelpager.ingest;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.sentinelpager.azure.Connectors;
import io.sentinelpager.emulator.AzureEmulator;
import io.sentinelpager.emulator.EmulatorOptions;
import io.sentinelpager.emulator.SentinelWorkspace;
import io.sentinelpager.platform.config.PagerConfig;
import io.sentinelpager.platform.config.Secret;
import io.sentinelpager.platform.kafka.TopicProvisioner;
import io.sentinelpager.platform.local.LocalCluster;
import io.sentinelpager.platform.service.ServiceContext;
import io.sentinelpager.schemas.Topics;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/** What the ingest ITs share: a provisioned cluster, connectors pointed at emulators, and a read-committed reader. */
final class IngestTestKit {

    private IngestTestKit() {
    }

    static ServiceContext context(LocalCluster cluster, Map<String, String> settings) {
        return context(cluster, settings, Clock.systemUTC());
    }

    static ServiceContext context(LocalCluster cluster, Map<String, String> settings, Clock clock) {
        PagerConfig config = PagerConfig.empty().with(cluster.settings()).with(settings);
        ServiceContext context = ServiceContext.of(config, new SimpleMeterRegistry(), clock);
        try (Admin admin = Admin.create(context.kafkaClientConfig())) {
            new TopicProvisioner(admin, (short) 1).ensure(Topics.ALL);
        }
        return context;
    }

    /** The settings of one connector that reads the emulator's tenant, trusting its certificate. */
    static Map<String, String> connector(String id, AzureEmulator emulator, Path dir) {
        Path pem = dir.resolve(id + "-emulator.pem");
        emulator.writeCertificatePem(pem);
        EmulatorOptions app = emulator.options();
        Map<String, String> settings = new HashMap<>(Connectors.settings(id, app.tenantId(), app.clientId(),
                Secret.of(app.clientSecret()), emulator.authorityHost(), emulator.graphBaseUrl(), pem));
        settings.put(Connectors.requestTimeout(id).name(), "3s");
        return settings;
    }

    /** The Sentinel workspace the Sentinel ITs read, in the emulator's subscription. */
    static final SentinelWorkspace WORKSPACE =
            new SentinelWorkspace("d0cfe6b2-9ac0-4464-9919-dccaee2e48c0", "soc-rg", "soc-workspace");

    /** {@link #connector}, reading the incidents of {@link #WORKSPACE} through ARM instead of Graph's alerts. */
    static Map<String, String> sentinelConnector(String id, AzureEmulator emulator, Path dir) {
        Map<String, String> settings = connector(id, emulator, dir);
        settings.put(Connectors.source(id).name(), "sentinel");
        settings.put(Connectors.managementUrl(id).name(), emulator.managementUrl());
        settings.put(Connectors.subscriptionId(id).name(), WORKSPACE.subscriptionId());
        settings.put(Connectors.resourceGroup(id).name(), WORKSPACE.resourceGroup());
        settings.put(Connectors.workspaceName(id).name(), WORKSPACE.workspaceName());
        return settings;
    }

    static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** Reads topics from their start with read_committed, keeping the records a filter accepts. */
    static final class Reader implements AutoCloseable {
        private final KafkaConsumer<String, SpecificRecord> consumer;
        private final Predicate<ConsumerRecord<String, SpecificRecord>> keep;
        final List<ConsumerRecord<String, SpecificRecord>> records = new ArrayList<>();

        /**
         * Reading alerts.raw reads its urgent lane too: ingest puts each alert on one of them by its severity, and
         * these tests check what ingest published, whichever lane (IngestSettingsTest checks the lanes).
         */
        Reader(ServiceContext context, List<String> topics, Predicate<ConsumerRecord<String, SpecificRecord>> keep) {
            this.consumer = new KafkaConsumer<>(context.consumerConfig(unique("ingest-it")),
                    context.serdes().key().deserializer(), context.serdes().anyValue().deserializer());
            this.keep = keep;
            List<String> read = new ArrayList<>(topics);
            if (topics.contains(Topics.ALERTS_RAW.name())) {
                read.add(Topics.ALERTS_RAW_URGENT.name());
            }
            consumer.subscribe(read);
        }

        /** Reads until the condition holds or the time is up; returns whether it held. */
        boolean readUntil(Predicate<List<ConsumerRecord<String, SpecificRecord>>> done, Duration timeout) {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!done.test(records)) {
                if (System.nanoTime() > deadline) {
                    return false;
                }
                for (ConsumerRecord<String, SpecificRecord> r : consumer.poll(Duration.ofMillis(200))) {
                    if (r.value() != null && keep.test(r)) {
                        records.add(r);
                    }
                }
            }
            return true;
        }

        /**
         * Reads on until every partition it reads is read to its end as of now (the last committed offset): what
         * one transaction shows was committed after what earlier ones wrote to other topics, but a consumer fetches
         * each partition on its own, so seeing the later record does not mean it has fetched the earlier ones.
         */
        boolean readToEnd(Duration timeout) {
            long deadline = System.nanoTime() + timeout.toNanos();
            Map<TopicPartition, Long> end = consumer.endOffsets(consumer.assignment());
            while (end.entrySet().stream().anyMatch(e -> consumer.position(e.getKey()) < e.getValue())) {
                if (System.nanoTime() > deadline) {
                    return false;
                }
                for (ConsumerRecord<String, SpecificRecord> r : consumer.poll(Duration.ofMillis(200))) {
                    if (r.value() != null && keep.test(r)) {
                        records.add(r);
                    }
                }
            }
            return true;
        }

        <T> List<T> values(Class<T> type) {
            return records.stream().map(ConsumerRecord::value).filter(type::isInstance).map(type::cast).toList();
        }

        @Override
        public void close() {
            consumer.close();
        }
    }
}
