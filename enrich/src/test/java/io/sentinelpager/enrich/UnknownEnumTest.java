package io.sentinelpager.enrich;

import static org.assertj.core.api.Assertions.assertThat;

import io.sentinelpager.schemas.SecurityAlert;
import io.sentinelpager.schemas.Severity;
import io.sentinelpager.schemas.SourceStatus;
import java.io.ByteArrayOutputStream;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.junit.jupiter.api.Test;

/**
 * An alert written by a newer ingest, with severity and status values this enrich does not know, is read with them
 * as UNKNOWN (the enums' defaults) and goes on, rather than failing to decode.
 */
class UnknownEnumTest {

    @Test
    void unknownSeverityAndStatusAreReadAsUnknown() throws Exception {
        SecurityAlert known = Fixtures.defenderAlert("c1");
        Schema newer = new Schema.Parser().parse(SecurityAlert.getClassSchema().toString()
                .replace("\"HIGH\"]", "\"HIGH\",\"CRITICAL\"]")
                .replace("\"RESOLVED\"]", "\"RESOLVED\",\"DISMISSED\"]"));
        GenericRecord written = new GenericData.Record(newer);
        for (Schema.Field field : newer.getFields()) {
            Object value = known.get(field.name());
            if (value instanceof Enum<?> e) {
                value = new GenericData.EnumSymbol(field.schema(), e.name());
            }
            written.put(field.name(), value instanceof java.time.Instant i ? i.toEpochMilli() : value);
        }
        written.put("severity", new GenericData.EnumSymbol(newer.getField("severity").schema(), "CRITICAL"));
        written.put("status", new GenericData.EnumSymbol(newer.getField("status").schema(), "DISMISSED"));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(bytes, null);
        new GenericDatumWriter<GenericRecord>(newer).write(written, encoder);
        encoder.flush();

        SecurityAlert read = new SpecificDatumReader<SecurityAlert>(newer, SecurityAlert.getClassSchema())
                .read(null, DecoderFactory.get().binaryDecoder(bytes.toByteArray(), null));

        assertThat(read.getSeverity()).isEqualTo(Severity.UNKNOWN);
        assertThat(read.getStatus()).isEqualTo(SourceStatus.UNKNOWN);
        assertThat(read.getTitle()).isEqualTo(known.getTitle());
    }
}
