package io.sentinelpager.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.sentinelpager.schemas.AlertAction;
import io.sentinelpager.schemas.AlertSource;
import io.sentinelpager.schemas.ConnectorHealth;
import io.sentinelpager.schemas.ConnectorState;
import io.sentinelpager.schemas.SecurityAlert;
import io.sentinelpager.schemas.Severity;
import io.sentinelpager.schemas.SourceStatus;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Serializer;
import org.junit.jupiter.api.Test;

class ConnectorHealthTrackerTest {

    static final Instant T0 = Instant.parse("2026-11-29T03:00:00Z");
    final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    @Test
    void anOutageLongerThanTheThresholdRaisesOneAlertAndRecoveryClosesIt() {
        ConnectorHealthTracker health = new ConnectorHealthTracker("contoso", "i1", Duration.ofMinutes(10), registry, null);
        Outbox first = outbox();
        health.failed(T0, new IllegalStateException("connector 'contoso': listAlerts failed: HTTP 503"), first);
        assertThat(records(first)).singleElement().isInstanceOfSatisfying(ConnectorHealth.class,
                h -> assertThat(h.getState()).isEqualTo(ConnectorState.FAILING));
        assertThat(registry.get("pager_ingest_connector_up").gauge().value()).isZero();

        Outbox stillShort = outbox();
        health.failed(T0.plus(Duration.ofMinutes(9)), new IllegalStateException("HTTP 503"), stillShort);
        assertThat(records(stillShort)).noneMatch(SecurityAlert.class::isInstance);

        Outbox down = outbox();
        health.failed(T0.plus(Duration.ofMinutes(10)), new IllegalStateException("HTTP 503 ServiceUnavailable"), down);
        SecurityAlert raised = (SecurityAlert) records(down).stream().filter(SecurityAlert.class::isInstance)
                .findFirst().orElseThrow();
        assertThat(raised.getSource()).isEqualTo(AlertSource.PAGER);
        assertThat(raised.getSeverity()).isEqualTo(Severity.HIGH);
        assertThat(raised.getTitle()).contains("contoso").contains("HTTP 503 ServiceUnavailable");
        assertThat(raised.getAlertKey()).isEqualTo("contoso:pager-connector-down-" + T0.toEpochMilli());

        Outbox later = outbox();
        health.failed(T0.plus(Duration.ofMinutes(20)), new IllegalStateException("HTTP 503"), later);
        assertThat(records(later)).as("one page per outage").noneMatch(SecurityAlert.class::isInstance);
        assertThat(registry.get("pager_ingest_connector_lag_seconds").gauge().value()).isEqualTo(1200.0);

        Outbox recovered = outbox();
        health.succeeded(T0.plus(Duration.ofMinutes(21)), recovered);
        AlertAction closing = (AlertAction) records(recovered).stream().filter(AlertAction.class::isInstance)
                .findFirst().orElseThrow();
        assertThat(closing.getAlertKey()).isEqualTo(raised.getAlertKey());
        assertThat(closing.getSourceStatus()).isEqualTo(SourceStatus.RESOLVED);
        assertThat(registry.get("pager_ingest_connector_up").gauge().value()).isEqualTo(1.0);
    }

    @Test
    void anOutageThatOutlivesARestartKeepsItsOnePage() {
        ConnectorHealth before = ConnectorHealth.newBuilder().setConnectorId("contoso").setInstanceId("i1")
                .setState(ConnectorState.DOWN).setLastAttemptAt(T0).setFailingSince(T0.minusSeconds(900))
                .setOutageAlertKey("contoso:pager-connector-down-1").setConsecutiveFailures(30).setUpdatedAt(T0).build();
        ConnectorHealthTracker health = new ConnectorHealthTracker("contoso", "i2", Duration.ofMinutes(10), registry,
                before);
        Outbox out = outbox();
        health.failed(T0.plusSeconds(30), new IllegalStateException("HTTP 503"), out);
        assertThat(records(out)).noneMatch(SecurityAlert.class::isInstance);
        Outbox recovered = outbox();
        health.succeeded(T0.plusSeconds(60), recovered);
        assertThat(records(recovered)).filteredOn(AlertAction.class::isInstance)
                .extracting(r -> ((AlertAction) r).getAlertKey()).containsExactly("contoso:pager-connector-down-1");
    }

    /** Serializes with Avro's own binary encoding, so the test reads back exactly what the outbox would publish. */
    static Outbox outbox() {
        return new Outbox(0, new AvroBinary(), Set.of());
    }

    static List<SpecificRecord> records(Outbox outbox) {
        return outbox.records().stream().map(ConnectorHealthTrackerTest::decode).toList();
    }

    private static SpecificRecord decode(ProducerRecord<byte[], byte[]> record) {
        ByteBuffer buffer = ByteBuffer.wrap(record.value());
        String type = new String(record.headers().lastHeader("test.type").value());
        try {
            Class<?> c = Class.forName(type);
            org.apache.avro.Schema schema = (org.apache.avro.Schema) c.getField("SCHEMA$").get(null);
            return new SpecificDatumReader<SpecificRecord>(schema).read(null,
                    DecoderFactory.get().binaryDecoder(buffer.array(), null));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    static final class AvroBinary implements Serializer<SpecificRecord> {
        @Override
        public byte[] serialize(String topic, SpecificRecord data) {
            throw new UnsupportedOperationException("the outbox passes headers");
        }

        @Override
        public byte[] serialize(String topic, Headers headers, SpecificRecord data) {
            headers.add("test.type", data.getClass().getName().getBytes());
            try {
                java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
                var encoder = org.apache.avro.io.EncoderFactory.get().binaryEncoder(out, null);
                new org.apache.avro.specific.SpecificDatumWriter<SpecificRecord>(data.getSchema()).write(data, encoder);
                encoder.flush();
                return out.toByteArray();
            } catch (java.io.IOException e) {
                throw new AssertionError(e);
            }
        }
    }
}
