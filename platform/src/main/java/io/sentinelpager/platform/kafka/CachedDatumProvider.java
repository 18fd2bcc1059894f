package io.sentinelpager.platform.kafka;

import io.apicurio.registry.serde.avro.AvroDatumProvider;
import io.apicurio.registry.serde.avro.AvroSerdeConfig;
import io.apicurio.registry.serde.avro.DefaultAvroDatumProvider;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.specific.SpecificRecord;

/**
 * Apicurio's datum provider, with its readers and writers kept per schema object. Apicurio's own looks its cache up
 * by the schema's parsing fingerprint, which it computes again for every record written or read: it normalises the
 * whole schema and hashes it. With our largest schemas that was the hottest method of a storm (about a tenth of the
 * pager's CPU samples in a JFR profile of {@code pager bench}). The schemas passed in are few and long-lived (a
 * generated class's {@code SCHEMA$}; the registry client's cached schema per id), and {@link Schema#hashCode()} is
 * cached by Avro, so a map keyed by the schema finds them at the cost of a hash look-up; a schema equal to one seen
 * before gets the same reader or writer, as Apicurio's fingerprint would give it.
 */
public final class CachedDatumProvider<T> implements AvroDatumProvider<T> {

    private final DefaultAvroDatumProvider<T> apicurio = new DefaultAvroDatumProvider<>();
    private final Map<Schema, DatumReader<T>> readers = new ConcurrentHashMap<>();
    /** Apicurio writes a record with a specific or a generic writer, by the record's kind; so do we. */
    private final Map<Schema, DatumWriter<T>> specificWriters = new ConcurrentHashMap<>();
    private final Map<Schema, DatumWriter<T>> genericWriters = new ConcurrentHashMap<>();

    @Override
    public void configure(AvroSerdeConfig config) {
        apicurio.configure(config);
    }

    @Override
    public DatumWriter<T> createDatumWriter(T data, Schema schema) {
        Map<Schema, DatumWriter<T>> writers = data instanceof SpecificRecord ? specificWriters : genericWriters;
        return writers.computeIfAbsent(schema, s -> apicurio.createDatumWriter(data, s));
    }

    @Override
    public DatumReader<T> createDatumReader(Schema schema) {
        return readers.computeIfAbsent(schema, apicurio::createDatumReader);
    }

    @Override
    public Schema toSchema(T data) {
        return apicurio.toSchema(data);
    }
}
