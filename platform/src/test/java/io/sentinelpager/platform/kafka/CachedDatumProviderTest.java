package io.sentinelpager.platform.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.apicurio.registry.serde.avro.AvroSerdeConfig;
import io.sentinelpager.schemas.IngestSeen;
import io.sentinelpager.schemas.SourceStatus;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;

class CachedDatumProviderTest {

    private static final IngestSeen SEEN = IngestSeen.newBuilder().setAlertKey("demo:a1").setConnectorId("demo")
            .setLastUpdatedAt(Instant.parse("2026-12-07T04:00:00Z")).setStatus(SourceStatus.values()[0])
            .setSeenAt(Instant.now().truncatedTo(ChronoUnit.MILLIS)).build();

    private final CachedDatumProvider<SpecificRecord> provider = provider();

    @Test
    void aRecordWrittenWithItsWriterReadsBackAsTheSameGeneratedRecord() throws IOException {
        Schema schema = provider.toSchema(SEEN);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(bytes, null);
        provider.createDatumWriter(SEEN, schema).write(SEEN, encoder);
        encoder.flush();

        // The registry client hands the reader a schema parsed from the registry: an equal object, not the same one.
        Schema fromRegistry = new Schema.Parser().parse(schema.toString());
        SpecificRecord read = provider.createDatumReader(fromRegistry)
                .read(null, DecoderFactory.get().binaryDecoder(bytes.toByteArray(), null));

        assertThat(read).isInstanceOf(IngestSeen.class).isEqualTo(SEEN);
    }

    @Test
    void eachSchemaGetsOneWriterAndOneReaderForAllItsRecords() {
        Schema schema = provider.toSchema(SEEN);
        Schema equal = new Schema.Parser().parse(schema.toString());

        assertThat(provider.createDatumWriter(SEEN, schema)).isSameAs(provider.createDatumWriter(SEEN, schema))
                .isSameAs(provider.createDatumWriter(SEEN, equal));
        assertThat(provider.createDatumReader(schema)).isSameAs(provider.createDatumReader(equal));
    }

    @Test
    void theSerdesUseIt() {
        assertThat(new AvroSerdes("http://registry.invalid").clientConfig())
                .containsEntry(AvroSerdeConfig.AVRO_DATUM_PROVIDER, CachedDatumProvider.class.getName());
    }

    private static CachedDatumProvider<SpecificRecord> provider() {
        CachedDatumProvider<SpecificRecord> provider = new CachedDatumProvider<>();
        provider.configure(new AvroSerdeConfig(Map.of(AvroSerdeConfig.USE_SPECIFIC_AVRO_READER, true)));
        return provider;
    }
}
