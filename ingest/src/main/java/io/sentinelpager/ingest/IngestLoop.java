package io.sentinelpager.ingest;

import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.sentinelpager.platform.kafka.CompactedTopics;
import io.sentinelpager.platform.service.LoopService;
import io.sentinelpager.platform.service.ServiceContext;
import io.sentinelpager.schemas.IngestWatermark;
import io.sentinelpager.schemas.Topics;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One ingest cycle: poll every connector and publish its new and changed alerts to alerts.raw together with its new
 * watermark, in one Kafka transaction per connector. A crash before the commit aborts the transaction: the alerts are
 * not visible to read-committed consumers and the watermark is not moved, so the next start reads them again. Nothing
 * is lost and nothing is published twice.
 */
final class IngestLoop implements LoopService.Loop {

    private static final Logger log = LoggerFactory.getLogger(IngestLoop.class);

    private final IngestConfig config;
    private final List<ConnectorPoller> pollers;
    private final ServiceContext context;
    private KafkaProducer<String, SpecificRecord> producer;
    private KafkaClientMetrics producerMetrics;

    IngestLoop(IngestConfig config, List<ConnectorPoller> pollers, ServiceContext context) {
        this.config = config;
        this.pollers = pollers;
        this.context = context;
    }

    @Override
    public Duration runOnce() throws Exception {
        if (producer == null) {
            start();
        }
        for (ConnectorPoller poller : pollers) {
            pollOne(poller);
        }
        return config.pollInterval();
    }

    private void start() {
        Map<String, IngestWatermark> committed = readWatermarks();
        for (ConnectorPoller poller : pollers) {
            poller.resume(committed.get(poller.connectorId()));
            log.info("connector {} resumes at {}", poller.connectorId(), committed.get(poller.connectorId()) == null
                    ? "the look-back of " + config.lookback() : committed.get(poller.connectorId()).getLastUpdatedAt());
        }
        Map<String, Object> producerConfig = new HashMap<>(context.transactionalProducerConfig(
                "pager-ingest-" + config.instanceId()));
        producerConfig.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, (int) Duration.ofMinutes(5).toMillis());
        producerConfig.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        producer = new KafkaProducer<>(producerConfig, context.serdes().key().serializer(),
                context.serdes().anyValue().serializer());
        producerMetrics = new KafkaClientMetrics(producer);
        producerMetrics.bindTo(context.metrics());
        // Fences any older producer with this transactional id and aborts what it left open.
        producer.initTransactions();
    }

    private void pollOne(ConnectorPoller poller) throws Exception {
        producer.beginTransaction();
        try {
            IngestWatermark next = poller.poll(alert -> producer.send(
                    new ProducerRecord<>(Topics.ALERTS_RAW.name(), alert.getAlertKey(), alert)));
            if (next != null) {
                producer.send(new ProducerRecord<>(Topics.INGEST_WATERMARKS.name(), next.getConnectorId(), next));
            }
            producer.commitTransaction();
            if (next != null) {
                poller.committed(next);
                log.debug("connector {} now at {}", poller.connectorId(), next.getLastUpdatedAt());
            }
        } catch (ProducerFencedException e) {
            // Another instance took over this transactional id: stopping is the only safe move.
            producer.close(Duration.ZERO);
            producer = null;
            throw e;
        } catch (Exception e) {
            abort();
            throw new IllegalStateException("connector " + poller.connectorId() + ": poll failed, nothing published,"
                    + " will retry: " + e.getMessage(), e);
        }
    }

    private void abort() {
        try {
            producer.abortTransaction();
        } catch (KafkaException e) {
            log.warn("abort failed, recreating the producer", e);
            producer.close(Duration.ZERO);
            producer = null;
        }
    }

    private Map<String, IngestWatermark> readWatermarks() {
        Map<String, IngestWatermark> latest = new HashMap<>();
        CompactedTopics.read(context, List.of(Topics.INGEST_WATERMARKS.name())).get(Topics.INGEST_WATERMARKS.name())
                .forEach((connector, value) -> {
                    if (value instanceof IngestWatermark w) {
                        latest.put(connector, w);
                    }
                });
        return latest;
    }

    @Override
    public void close() {
        if (producerMetrics != null) {
            producerMetrics.close();
        }
        if (producer != null) {
            producer.close(Duration.ofSeconds(10));
        }
        pollers.forEach(ConnectorPoller::close);
    }
}
