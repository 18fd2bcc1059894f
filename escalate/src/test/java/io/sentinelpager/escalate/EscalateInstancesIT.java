package io.sentinelpager.escalate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.sentinelpager.platform.config.PagerConfig;
import io.sentinelpager.platform.kafka.TopicProvisioner;
import io.sentinelpager.platform.local.LocalCluster;
import io.sentinelpager.platform.service.ServiceContext;
import io.sentinelpager.platform.service.StreamsService;
import io.sentinelpager.schemas.NotificationRequest;
import io.sentinelpager.schemas.RoutedAlert;
import io.sentinelpager.schemas.SecurityAlert;
import io.sentinelpager.schemas.SourceStatus;
import io.sentinelpager.schemas.TeamConfig;
import io.sentinelpager.schemas.Topics;
import io.sentinelpager.testkit.LocalClusterExtension;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two escalate instances on a real broker share the page partitions; both hold every config topic. Pages held on
 * either are released by the instance that has them, each paged once, when the team is written to config.teams.
 */
@ExtendWith(LocalClusterExtension.class)
class EscalateInstancesIT {

    static final int ALERTS = 12;

    @TempDir
    Path dir;

    @Test
    void pagesHeldOnEitherInstanceArePagedOnceWhenTheTeamArrives(LocalCluster cluster) throws Exception {
        PagerConfig base = PagerConfig.empty().with(cluster.settings());
        ServiceContext client = ServiceContext.of(base, new SimpleMeterRegistry(), Clock.systemUTC());
        try (Admin admin = Admin.create(client.kafkaClientConfig())) {
            new TopicProvisioner(admin, (short) 1).ensure(Topics.ALL);
        }
        String team = "team-" + UUID.randomUUID().toString().substring(0, 8);
        List<SimpleMeterRegistry> metrics = List.of(new SimpleMeterRegistry(), new SimpleMeterRegistry());
        List<StreamsService> instances = new ArrayList<>();
        try {
            for (int i = 0; i < 2; i++) {
                ServiceContext context = ServiceContext.of(base.with("state.dir", dir.resolve("instance-" + i)
                        .toString()), metrics.get(i), Clock.systemUTC());
                instances.add(new StreamsService(EscalateApp.NAME, EscalateTopology.build(context,
                        new EscalateConfig("https://pager")), context));
            }
            instances.forEach(StreamsService::start);
            await("both instances running").atMost(Duration.ofSeconds(90))
                    .until(() -> instances.stream().allMatch(s -> s.streams().state() == KafkaStreams.State.RUNNING));

            List<String> keys = new ArrayList<>();
            List<ProducerRecord<String, SpecificRecord>> alerts = new ArrayList<>();
            for (int i = 0; i < ALERTS; i++) {
                String key = "n" + i + ":" + UUID.randomUUID();
                keys.add(key);
                RoutedAlert routed = LifecycleTest.routed(SourceStatus.NEW);
                SecurityAlert alert = SecurityAlert.newBuilder(routed.getEnriched().getAlert()).setAlertKey(key)
                        .setConnectorId("n" + i).build();
                routed.getEnriched().setAlert(alert);
                routed.setTeamId(team);
                alerts.add(new ProducerRecord<>(Topics.ALERTS_ROUTED.name(), key, routed));
            }
            produce(client, alerts);

            await("every page held").atMost(Duration.ofSeconds(60))
                    .until(() -> held(metrics.get(0)) + held(metrics.get(1)) == ALERTS);
            System.out.println("EscalateInstancesIT: held on the two instances: " + held(metrics.get(0)) + " and "
                    + held(metrics.get(1)));

            produce(client, List.of(new ProducerRecord<>(Topics.CONFIG_TEAMS.name(), team, TeamConfig.newBuilder()
                    .setId(team).setName("Team").setMembers(List.of("ana")).build())));

            await("every page released").atMost(Duration.ofSeconds(60))
                    .until(() -> held(metrics.get(0)) + held(metrics.get(1)) == 0);
            // The gauge moves when a task decides, the notifications count once its transaction commits.
            await("every page's notification committed").atMost(Duration.ofSeconds(30))
                    .until(() -> paged(client, keys).stream().distinct().count() == ALERTS);
            assertThat(paged(client, keys)).as("each page paged once").containsExactlyInAnyOrderElementsOf(keys.stream()
                    .map(key -> key + "/round-0/step-0/ana/inbox").toList());
        } finally {
            instances.forEach(StreamsService::close);
        }
    }

    /** The ids of the committed notifications of these pages. */
    private static List<String> paged(ServiceContext context, List<String> keys) {
        return notifications(context).stream().filter(n -> keys.contains(n.getAlertKey()))
                .map(NotificationRequest::getNotificationId).toList();
    }

    private static double held(SimpleMeterRegistry registry) {
        return registry.get(EscalateMetrics.PAGES_HELD).gauge().value();
    }

    private static void produce(ServiceContext context, List<ProducerRecord<String, SpecificRecord>> records)
            throws Exception {
        Map<String, Object> config = new HashMap<>(context.producerConfig());
        config.putAll(context.serdes().clientConfig());
        try (KafkaProducer<String, SpecificRecord> producer = new KafkaProducer<>(config, new StringSerializer(),
                context.serdes().anyValue().serializer())) {
            for (ProducerRecord<String, SpecificRecord> record : records) {
                producer.send(record).get();
            }
        }
    }

    /** Every committed record on notifications.out and its urgent lane, read to their end as of now. */
    private static List<NotificationRequest> notifications(ServiceContext context) {
        List<NotificationRequest> out = new ArrayList<>();
        try (KafkaConsumer<String, NotificationRequest> consumer = new KafkaConsumer<>(context.consumerConfig(null),
                new StringDeserializer(),
                context.serdes().value(NotificationRequest.class).deserializer())) {
            List<TopicPartition> partitions = Stream.of(Topics.NOTIFICATIONS_OUT, Topics.NOTIFICATIONS_URGENT)
                    .flatMap(t -> consumer.partitionsFor(t.name()).stream())
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                consumer.poll(Duration.ofMillis(500)).forEach(r -> out.add(r.value()));
            }
        }
        return out;
    }
}
