package io.sentinelpager.platform.kafka;

import io.apicurio.registry.serde.avro.AvroKafkaDeserializer;
import io.apicurio.registry.serde.avro.AvroKafkaSerializer;
import io.apicurio.registry.serde.avro.AvroSerdeConfig;
import io.apicurio.registry.serde.config.SerdeConfig;
import java.util.HashMap;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * Serdes bound to the schema registry. Records are written in the Confluent wire format (a zero byte, then the
 * 4-byte schema id, then Avro binary), under the subject {@code <topic>-value}, so Kafka's console consumer with
 * Apicurio's deserializer and Confluent-compatible tools (through {@code /apis/ccompat/v7}) decode every topic.
 */
public final class AvroSerdes {

    private final String registryUrl;

    public AvroSerdes(String registryUrl) {
        this.registryUrl = registryUrl;
    }

    public String registryUrl() {
        return registryUrl;
    }

    /**
     * A value serde for one generated record type. The type only types the serde for the caller: the writer's schema
     * name picks the generated class when reading, as for {@link #anyValue()}.
     */
    public <T extends SpecificRecord> Serde<T> value(Class<T> type) {
        return create();
    }

    /**
     * A value serde that reads any of our record types: the writer's schema name picks the generated class.
     * A service that reads several topics into one processor uses it and dispatches on the record's class.
     */
    public Serde<SpecificRecord> anyValue() {
        return create();
    }

    public Serde<String> key() {
        return Serdes.String();
    }

    /** The settings the serializer and deserializer need, also used for plain producers and consumers. */
    public Map<String, Object> clientConfig() {
        Map<String, Object> config = new HashMap<>();
        config.put(SerdeConfig.REGISTRY_URL, registryUrl);
        // Services register the schema they were built with; compatibility rules in the registry guard evolution.
        config.put(SerdeConfig.AUTO_REGISTER_ARTIFACT, true);
        config.put(AvroSerdeConfig.USE_SPECIFIC_AVRO_READER, true);
        config.put(AvroSerdeConfig.AVRO_DATUM_PROVIDER, CachedDatumProvider.class.getName());
        return config;
    }

    /** Keys are plain strings, so every registry-bound serde is a value serde. */
    private <T> Serde<T> create() {
        AvroKafkaSerializer<T> serializer = new AvroKafkaSerializer<>();
        AvroKafkaDeserializer<T> deserializer = new AvroKafkaDeserializer<>();
        serializer.configure(clientConfig(), false);
        deserializer.configure(clientConfig(), false);
        return Serdes.serdeFrom(serializer, deserializer);
    }
}
