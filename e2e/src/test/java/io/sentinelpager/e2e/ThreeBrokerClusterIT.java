package io.sentinelpager.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.sentinelpager.app.PagerCommand;
import io.sentinelpager.schemas.TopicSpec;
import io.sentinelpager.schemas.Topics;
import io.sentinelpager.testkit.process.LocalProcesses;
import io.sentinelpager.testkit.process.LocalProcesses.Child;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Future;
import java.util.function.Predicate;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.IntegerDeserializer;
import org.apache.kafka.common.serialization.IntegerSerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three {@code pager broker} processes in one KRaft quorum, started, killed with kill -9 and restarted through
 * {@link LocalProcesses}: a topic with three replicas, two of them required in sync, takes acks=all writes and serves
 * a consumer group while the leader of one of its partitions is down, and the restarted broker rejoins every
 * partition's in-sync replicas; a service and the registry run on the cluster as processes of their own and come
 * back after a kill. The base of the chaos tests that kill brokers and services under load.
 */
class ThreeBrokerClusterIT {

    private static final String TOPIC = "cluster.probe";
    private static final int PARTITIONS = 3;
    private static final int PER_ROUND = 100;

    @TempDir
    static Path dir;

    static LocalProcesses processes;
    static List<Child> brokers;
    static Admin admin;

    @BeforeAll
    static void startBrokers() throws Exception {
        processes = new LocalProcesses(dir, PagerCommand.class);
        brokers = processes.brokers(3);
        admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, processes.bootstrapServers()));
    }

    @AfterAll
    static void stopBrokers() throws Exception {
        try {
            if (admin != null) {
                admin.close();
            }
        } finally {
            processes.close();
        }
    }

    @Test
    void writesAndReadsGoOnWithABrokerKilledAndTheRestartedBrokerRejoinsTheInSyncReplicas() throws Exception {
        String bootstrap = processes.bootstrapServers();
        try (KafkaProducer<String, Integer> producer = producer(bootstrap);
             KafkaConsumer<String, Integer> consumer = consumer(bootstrap)) {
            assertThat(ids(admin.describeCluster().nodes().get())).as("brokers in the cluster")
                    .containsExactlyInAnyOrder(1, 2, 3);
            // Only the replicas are given: the two in sync that a write needs are the brokers' default.
            admin.createTopics(List.of(new NewTopic(TOPIC, PARTITIONS, (short) 3))).all().get();
            assertThat(minInSync(TOPIC)).as("min.insync.replicas of %s", TOPIC).isEqualTo("2");
            consumer.subscribe(List.of(TOPIC));
            Log log = new Log();

            int sent = send(producer, 0, PER_ROUND);
            log.readAndCommit(consumer, sent);
            assertThat(describe("__consumer_offsets").partitions()).as("replicas of the group offsets")
                    .allSatisfy(p -> assertThat(p.replicas()).hasSize(3));

            int victimId = describe(TOPIC).partitions().get(0).leader().id();
            Child victim = brokers.get(victimId - 1);
            long killed = System.nanoTime();
            victim.kill();
            // The first write to the partition it led: it waits for the controller to fence the dead broker and
            // move the leadership.
            producer.send(new ProducerRecord<>(TOPIC, 0, "after-kill", sent++)).get();
            long written = System.nanoTime();
            sent = send(producer, sent, PER_ROUND);
            log.readAndCommit(consumer, sent);
            assertThat(describe(TOPIC).partitions()).as("partitions with %s down", victim.name())
                    .allSatisfy(p -> {
                        assertThat(p.leader().id()).isNotEqualTo(victimId);
                        assertThat(ids(p.isr())).hasSize(2).doesNotContain(victimId);
                    });

            long restarting = System.nanoTime();
            victim.restart();
            long serving = System.nanoTime();
            awaitTopic(p -> ids(p.isr()).contains(victimId), Duration.ofSeconds(60));
            long inSync = System.nanoTime();
            sent = send(producer, sent, PER_ROUND);
            log.readAndCommit(consumer, sent);

            assertThat(describe(TOPIC).partitions()).as("partitions after %s restarted", victim.name())
                    .allSatisfy(p -> assertThat(ids(p.isr())).containsExactlyInAnyOrder(1, 2, 3));
            assertThat(log.duplicates).as("records read twice").isEmpty();
            assertThat(log.outOfOrder).as("records read before an earlier one of their partition").isEmpty();
            assertThat(log.values).as("every record written, read").hasSize(sent);
            System.out.printf("ThreeBrokerClusterIT: killed %s (leader of %s-0); first acks=all write to that"
                            + " partition %d ms after the kill; restarted, serving after %d ms, in sync on every"
                            + " partition %d ms after the restart; %d records written and read once, in order%n",
                    victim.name(), TOPIC, millis(killed, written), millis(restarting, serving),
                    millis(restarting, inSync), sent);
        }
    }

    @Test
    void aServiceCreatesItsTopicsWithThreeReplicasAndTheServiceAndTheRegistryComeBackAfterAKill() throws Exception {
        Child registry = processes.registry();
        Child escalate = processes.service("escalate", "escalate", Map.of());

        for (TopicSpec<String, ?> topic : Topics.ALL) {
            for (String name : List.of(topic.name(), topic.deadLetterTopic())) {
                assertThat(describe(name).partitions()).as("replicas of %s", name)
                        .allSatisfy(p -> assertThat(p.replicas()).hasSize(3));
                // On the topic itself: a cluster whose brokers default to 1 still needs two replicas for a write.
                ConfigEntry minInSync = topicConfig(name).get("min.insync.replicas");
                assertThat(minInSync.value()).as("min.insync.replicas of %s", name).isEqualTo("2");
                assertThat(minInSync.source()).as("where min.insync.replicas of %s is set", name)
                        .isEqualTo(ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG);
            }
        }

        escalate.kill();
        long restarting = System.nanoTime();
        escalate.restart();
        long escalateReady = System.nanoTime();
        // Apicurio's server, a process of pager registry's own, must be gone with it, or the restart finds the
        // port taken.
        registry.kill();
        long registryRestarting = System.nanoTime();
        registry.restart();
        long registryReady = System.nanoTime();
        System.out.printf("ThreeBrokerClusterIT: escalate ready %d ms after its restart, the registry %d ms after"
                + " its own%n", millis(restarting, escalateReady), millis(registryRestarting, registryReady));
    }

    /** Sends {@code count} records with values from {@code from} on, each key its value; returns the next value. */
    private static int send(KafkaProducer<String, Integer> producer, int from, int count) throws Exception {
        List<Future<?>> acks = new ArrayList<>();
        for (int value = from; value < from + count; value++) {
            acks.add(producer.send(new ProducerRecord<>(TOPIC, "key-" + value, value)));
        }
        for (Future<?> ack : acks) {
            ack.get();
        }
        return from + count;
    }

    /** What the consumer group read, in order, per partition. */
    private static final class Log {
        final Set<Integer> values = new HashSet<>();
        final List<Integer> duplicates = new ArrayList<>();
        final List<String> outOfOrder = new ArrayList<>();
        final Map<Integer, Integer> lastPerPartition = new HashMap<>();

        /** Reads until {@code total} records were read in all, then commits what it read. */
        void readAndCommit(KafkaConsumer<String, Integer> consumer, int total) {
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (values.size() < total && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, Integer> r : consumer.poll(Duration.ofMillis(200))) {
                    if (!values.add(r.value())) {
                        duplicates.add(r.value());
                    }
                    Integer last = lastPerPartition.put(r.partition(), r.value());
                    if (last != null && last > r.value()) {
                        outOfOrder.add(r.value() + " after " + last + " in partition " + r.partition());
                    }
                }
            }
            assertThat(values).as("records read").hasSize(total);
            consumer.commitSync();
        }
    }

    private static KafkaProducer<String, Integer> producer(String bootstrap) {
        Map<String, Object> config = new HashMap<>();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        return new KafkaProducer<>(config, new StringSerializer(), new IntegerSerializer());
    }

    private static KafkaConsumer<String, Integer> consumer(String bootstrap) {
        Map<String, Object> config = new HashMap<>();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        config.put(ConsumerConfig.GROUP_ID_CONFIG, "cluster-it-" + UUID.randomUUID());
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        return new KafkaConsumer<>(config, new StringDeserializer(), new IntegerDeserializer());
    }

    private static TopicDescription describe(String topic) throws Exception {
        return admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic);
    }

    private static String minInSync(String topic) throws Exception {
        return topicConfig(topic).get("min.insync.replicas").value();
    }

    private static Config topicConfig(String topic) throws Exception {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        return admin.describeConfigs(List.of(resource)).all().get().get(resource);
    }

    private static void awaitTopic(Predicate<TopicPartitionInfo> condition, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!describe(TOPIC).partitions().stream().allMatch(condition)) {
            assertThat(System.nanoTime()).as("every partition of %s as expected within %s", TOPIC, timeout)
                    .isLessThan(deadline);
            // Brokers in processes of their own, on their own time: nothing to advance.
            Thread.sleep(100);
        }
    }

    private static List<Integer> ids(Collection<Node> nodes) {
        return nodes.stream().map(Node::id).toList();
    }

    private static long millis(long from, long to) {
        return Duration.ofNanos(to - from).toMillis();
    }
}
