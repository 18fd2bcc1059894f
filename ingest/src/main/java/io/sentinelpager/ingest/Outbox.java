package io.sentinelpager.ingest;

import io.sentinelpager.platform.kafka.DeadLetters;
import io.sentinelpager.schemas.AlertAction;
import io.sentinelpager.schemas.ConnectorHealth;
import io.sentinelpager.schemas.IngestSeen;
import io.sentinelpager.schemas.IngestWatermark;
import io.sentinelpager.schemas.RecordLimits;
import io.sentinelpager.schemas.SecurityAlert;
import io.sentinelpager.schemas.Severity;
import io.sentinelpager.schemas.Topics;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Serializer;

/**
 * The records of one transaction, serialized as they are added: a record that cannot be serialized, or that is
 * larger than a Kafka message may be, fails here, where it can still be dead-lettered alone, rather than at the
 * commit, where it would fail the whole transaction again on every retry.
 */
final class Outbox {

    static final String HEADER_CONNECTOR = "pager.dlq.connector";
    static final String HEADER_ALERT_ID = "pager.dlq.source.alert.id";
    private final int partition;
    private final Serializer<SpecificRecord> values;
    private final Set<Severity> urgent;
    private final List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();

    /**
     * @param partition the partition of ingest's own topics that the connector writes to
     * @param urgent the severities whose alerts go on the urgent lane (ingest.urgent.severities)
     */
    Outbox(int partition, Serializer<SpecificRecord> values, Set<Severity> urgent) {
        this.partition = partition;
        this.values = values;
        this.urgent = urgent;
    }

    /**
     * To alerts.raw, or to its urgent twin by severity: ingest writes an alert there once, later changes go to
     * alert.actions, so all of an alert's revisions follow this one lane.
     *
     * @throws RecordTooLargeForKafka when the serialized alert is too large to publish
     */
    void alert(SecurityAlert alert) {
        add(urgent.contains(alert.getSeverity()) ? Topics.ALERTS_RAW_URGENT.name() : Topics.ALERTS_RAW.name(), null,
                alert.getAlertKey(), alert);
    }

    void action(AlertAction action) {
        add(Topics.ALERT_ACTIONS.name(), null, action.getAlertKey(), action);
    }

    void seen(IngestSeen seen) {
        add(Topics.INGEST_SEEN.name(), partition, seen.getAlertKey(), seen);
    }

    void watermark(IngestWatermark watermark) {
        add(Topics.INGEST_WATERMARKS.name(), partition, watermark.getConnectorId(), watermark);
    }

    void health(ConnectorHealth health) {
        add(Topics.CONNECTOR_HEALTH.name(), partition, health.getConnectorId(), health);
    }

    /**
     * The alert as Azure sent it, to {@code alerts.raw.dlq}, with the standard provenance headers plus the connector
     * and the alert id; it was read from Graph, not from a topic, so partition and offset are -1.
     */
    void deadLetter(String connectorId, String alertId, String sourceJson, Exception error) {
        RecordHeaders headers = new RecordHeaders();
        headers.add(HEADER_CONNECTOR, connectorId.getBytes(StandardCharsets.UTF_8));
        if (alertId != null) {
            headers.add(HEADER_ALERT_ID, alertId.getBytes(StandardCharsets.UTF_8));
        }
        byte[] value = sourceJson == null ? new byte[0] : sourceJson.getBytes(StandardCharsets.UTF_8);
        if (value.length > RecordLimits.MAX_RECORD_BYTES) {
            value = java.util.Arrays.copyOf(value, RecordLimits.MAX_RECORD_BYTES);
        }
        String key = connectorId + ":" + (alertId == null ? "" : alertId);
        records.add(DeadLetters.record(IngestApp.NAME, DeadLetters.Stage.PROCESSING, Topics.ALERTS_RAW.name(), -1, -1,
                key.getBytes(StandardCharsets.UTF_8), value, headers, error));
    }

    boolean isEmpty() {
        return records.isEmpty();
    }

    List<ProducerRecord<byte[], byte[]>> records() {
        return records;
    }

    private void add(String topic, Integer partition, String key, SpecificRecord value) {
        RecordHeaders headers = new RecordHeaders();
        byte[] bytes = values.serialize(topic, headers, value);
        if (bytes.length > RecordLimits.MAX_RECORD_BYTES) {
            throw new RecordTooLargeForKafka(topic + " record " + key + " is " + bytes.length
                    + " bytes serialized, more than the " + RecordLimits.MAX_RECORD_BYTES + " a Kafka message may hold");
        }
        records.add(new ProducerRecord<>(topic, partition, key.getBytes(StandardCharsets.UTF_8), bytes, headers));
    }

    /** A record that would fail the transaction at the broker. */
    static final class RecordTooLargeForKafka extends RuntimeException {
        RecordTooLargeForKafka(String message) {
            super(message);
        }
    }
}
