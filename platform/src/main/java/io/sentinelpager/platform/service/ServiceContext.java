package io.sentinelpager.platform.service;

import io.micrometer.core.instrument.MeterRegistry;
import io.sentinelpager.platform.config.PagerConfig;
import io.sentinelpager.platform.config.PlatformConfig;
import io.sentinelpager.platform.kafka.AvroSerdes;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** What the runner hands every service: its configuration, the registry-bound serdes, metrics and the clock. */
public record ServiceContext(PagerConfig config, PlatformConfig platform, AvroSerdes serdes, MeterRegistry metrics,
                             Clock clock) {

    public static ServiceContext of(PagerConfig config, MeterRegistry metrics, Clock clock) {
        PlatformConfig platform = PlatformConfig.from(config);
        return new ServiceContext(config, platform, new AvroSerdes(platform.registryUrl()), metrics, clock);
    }

    /** Settings common to every Kafka client: bootstrap servers, then anything set under {@code kafka.}. */
    public Map<String, Object> kafkaClientConfig() {
        Map<String, Object> config = new HashMap<>();
        config.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, platform.bootstrapServers());
        config.putAll(platform.kafkaProperties());
        return config;
    }

    /**
     * An idempotent producer of Avro values that sends each record at once: a page or a person's action must not wait
     * for a batch to fill. Serializers are the caller's, as each writes its own record type.
     */
    public Map<String, Object> producerConfig() {
        Map<String, Object> config = kafkaClientConfig();
        config.putAll(serdes.clientConfig());
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        return config;
    }

    /** An idempotent, transactional producer of Avro values with string keys. */
    public Map<String, Object> transactionalProducerConfig(String transactionalId) {
        Map<String, Object> config = kafkaClientConfig();
        config.putAll(serdes.clientConfig());
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        return config;
    }

    /** A consumer that reads only committed records, as every reader of transactional topics must. */
    public Map<String, Object> consumerConfig(String groupId) {
        Map<String, Object> config = kafkaClientConfig();
        config.putAll(serdes.clientConfig());
        if (groupId != null) {
            config.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        }
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        return config;
    }
}
