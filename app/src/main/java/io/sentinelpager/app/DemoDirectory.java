package io.sentinelpager.app;

import io.sentinelpager.platform.service.ServiceContext;
import io.sentinelpager.schemas.ContactMethod;
import io.sentinelpager.schemas.ContactMethodType;
import io.sentinelpager.schemas.TeamConfig;
import io.sentinelpager.schemas.Topics;
import io.sentinelpager.schemas.UserConfig;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The demo's on-call directory: team {@code soc} with one analyst reached through the inbox. Published to the
 * compacted config topics exactly as {@code pager apply} will publish a real directory.
 */
public final class DemoDirectory {

    public static final String TEAM = "soc";
    public static final String ANALYST = "analyst";

    private DemoDirectory() {
    }

    public static void publish(ServiceContext context) {
        UserConfig analyst = UserConfig.newBuilder().setId(ANALYST).setName("Alex Analyst")
                .setEmail("analyst@contoso.example").setTimeZone("Europe/Berlin")
                .setContactMethods(List.of(ContactMethod.newBuilder().setType(ContactMethodType.INBOX)
                        .setAddress(ANALYST).build()))
                .build();
        TeamConfig soc = TeamConfig.newBuilder().setId(TEAM).setName("Security Operations")
                .setMembers(List.of(ANALYST)).setEscalationChainId("default").build();
        Map<String, Object> config = new HashMap<>(context.kafkaClientConfig());
        config.putAll(context.serdes().clientConfig());
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<String, SpecificRecord> producer = new KafkaProducer<>(config, new StringSerializer(),
                context.serdes().anyValue().serializer())) {
            producer.send(new ProducerRecord<>(Topics.CONFIG_USERS.name(), analyst.getId(), analyst));
            producer.send(new ProducerRecord<>(Topics.CONFIG_TEAMS.name(), soc.getId(), soc));
            producer.flush();
        }
    }
}
