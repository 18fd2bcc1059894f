package io.sentinelpager.enrich;

import io.sentinelpager.azure.ConnectorConfig;
import io.sentinelpager.azure.Connectors;
import io.sentinelpager.azure.LogAnalyticsClient;
import io.sentinelpager.platform.service.LoopService;
import io.sentinelpager.platform.service.Service;
import io.sentinelpager.platform.service.ServiceContext;
import io.sentinelpager.platform.service.StreamsService;
import io.sentinelpager.schemas.EnrichedAlert;
import io.sentinelpager.schemas.SecurityAlert;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Wiring of the enrich service: alerts.raw to alerts.enriched, with a Log Analytics enricher for every connector that
 * names a workspace. The consumer group keeps the id the service had as a Streams application, so its committed
 * offsets carry over.
 */
public final class EnrichApp {

    public static final String NAME = "enrich";
    /** Consumer group, and the service named in dead letters. */
    public static final String GROUP_ID = StreamsService.applicationId(NAME);
    /** Pause after a cycle failed (the clients are rebuilt from the committed offsets). */
    static final Duration ERROR_PAUSE = Duration.ofSeconds(1);

    private EnrichApp() {
    }

    public static Service create(ServiceContext context) {
        EnrichConfig config = EnrichConfig.from(context.config());
        Map<String, ConnectorEnricher> enrichers = new HashMap<>();
        List<AutoCloseable> resources = new ArrayList<>();
        for (ConnectorConfig connector : Connectors.from(context.config())) {
            Optional<String> workspaceId = connector.workspace().flatMap(w -> w.workspaceId());
            if (workspaceId.isEmpty()) {
                continue; // Defender-only: its Sentinel alerts, if any, get the evidence summary
            }
            LogAnalyticsClient client = LogAnalyticsClient.create(connector);
            ConnectorEnricher enricher = new ConnectorEnricher(connector.id(), connector.tenantId(),
                    connector.workspace().get(), client::query, config, context.clock());
            enrichers.put(connector.id(), enricher);
            resources.add(enricher);
            resources.add(client);
        }
        EnrichLoop loop = new EnrichLoop(GROUP_ID, clients(context),
                () -> new PendingEnrichments(config, context.clock(),
                        alert -> Optional.ofNullable(enrichers.get(alert.getConnectorId())).map(c -> c.submit(alert))),
                context.serdes().value(SecurityAlert.class).deserializer(),
                context.serdes().value(EnrichedAlert.class).serializer(), context.clock(), context.metrics(),
                resources);
        return new LoopService(NAME, loop, ERROR_PAUSE, context.platform().stallTimeout());
    }

    static EnrichLoop.Clients clients(ServiceContext context) {
        return new EnrichLoop.Clients() {
            @Override
            public Consumer<byte[], byte[]> consumer() {
                Map<String, Object> settings = context.consumerConfig(GROUP_ID);
                // Bytes, decoded per record: an unreadable record is dead-lettered as it arrived, not stuck in poll().
                settings.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
                settings.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
                return new KafkaConsumer<>(settings);
            }

            @Override
            public Producer<byte[], byte[]> producer() {
                // Bytes: the loop serializes each record itself, as it decodes each one it reads.
                return new KafkaProducer<>(context.producerConfig(), new ByteArraySerializer(),
                        new ByteArraySerializer());
            }
        };
    }
}
