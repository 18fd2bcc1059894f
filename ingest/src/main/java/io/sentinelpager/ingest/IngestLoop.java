package io.sentinelpager.ingest;

import io.sentinelpager.azure.ConnectorConfig;
import io.sentinelpager.azure.GraphAlertsClient;
import io.sentinelpager.azure.SentinelIncidentsClient;
import io.sentinelpager.platform.kafka.TopicProvisioner;
import io.sentinelpager.platform.service.LoopService;
import io.sentinelpager.platform.service.ServiceContext;
import io.sentinelpager.schemas.IngestWatermark;
import io.sentinelpager.schemas.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.FencedInstanceIdException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.utils.Utils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ingest cycle: each connector this instance owns that is due takes one turn, one page of its poll in one Kafka
 * transaction ({@link ConnectorPoller#takeTurn}).
 *
 * <p><b>Taking turns.</b> One tenant's storm must not delay another tenant's poll: read whole, a storm of 10,000 alerts
 * held the other connectors back for as long as its pages took (13 s measured). A cycle therefore takes at most one
 * page from each due connector, and a connector with pages waiting is due again at once, so another connector's alert
 * waits for at most one page of each other connector. One thread and one turn at a time keep what made polling safe:
 * the group hands partitions over only between turns, and a partition's transactions never overlap. While a connector
 * has pages waiting, the cycle does not wait on the group or pause, so that a storm alone is read as fast as before.
 *
 * <p><b>Sharing connectors between instances.</b> A connector belongs to the partition of ingest's topics that its
 * id hashes to (as Kafka's default partitioner places the key). The instances form one consumer group on
 * ingest.watermarks; the instance assigned a partition polls exactly the connectors of that partition. The group
 * never gives a partition to two live members, and the cooperative assignor revokes a partition (inside this loop's
 * {@code poll}, between two turns) before another member gets it, so two healthy instances never poll one
 * connector at once. An instance that stalls past {@code ingest.max.poll.interval} or loses its session may still be
 * polling when another takes over; it cannot publish anything, because writes go through a transactional id per
 * partition ({@link PartitionWriter}) and the new owner's {@code initTransactions} fences the old one and aborts its
 * open transaction before the new owner reads the partition's state.
 *
 * <p><b>State.</b> What a connector needs (its watermark, the alerts it has seen, its health) is read from the
 * partition's compacted topics when the partition is assigned, after the fencing, so it includes everything the
 * previous owner committed, except seen alerts past the {@link SeenRetention}. The commands syncback was given are
 * read from sync.commands by every instance ({@link OurWritesReader}).
 */
final class IngestLoop implements LoopService.Loop, ConsumerRebalanceListener {

    private static final Logger log = LoggerFactory.getLogger(IngestLoop.class);
    private static final Duration MAX_PAUSE = Duration.ofSeconds(1);
    private static final Duration MIN_PAUSE = Duration.ofMillis(20);
    /** How long a cycle with no pages waiting lets the group's joins and hand-overs complete. */
    private static final Duration GROUP_WAIT = Duration.ofMillis(50);

    private final IngestConfig config;
    private final Map<String, ConnectorSettings> settings;
    private final Map<String, ConnectorConfig> connectors;
    private final ServiceContext context;
    private final Clock clock;
    private final Serializer<SpecificRecord> serializer;
    private final IngestMetrics metrics;
    private final SeenRetention retention;
    private final Map<Integer, PartitionWriter> writers = new TreeMap<>();
    private final Map<String, ConnectorPoller> pollers = new TreeMap<>();
    private KafkaConsumer<byte[], byte[]> group;
    private OurWritesReader commands;
    private int partitions;

    IngestLoop(IngestConfig config, Map<String, ConnectorSettings> settings, List<ConnectorConfig> connectors,
               ServiceContext context) {
        this.config = config;
        this.settings = settings;
        this.connectors = new HashMap<>();
        connectors.forEach(c -> this.connectors.put(c.id(), c));
        this.context = context;
        this.clock = context.clock();
        this.serializer = context.serdes().anyValue().serializer();
        this.metrics = new IngestMetrics(context.metrics());
        this.retention = new SeenRetention(config.seenRetention());
    }

    @Override
    public Duration runOnce() {
        if (group == null) {
            start();
        }
        boolean due = pollers.values().stream().anyMatch(p -> !clock.instant().isBefore(p.nextPollAt()));
        try {
            // Joins, leaves and hand-overs happen in here, between two turns; a connector due (pages waiting, mostly)
            // does not wait for them.
            group.poll(due ? Duration.ZERO : GROUP_WAIT);
        } catch (FencedInstanceIdException e) {
            stop();
            throw new IllegalStateException("another ingest instance runs with " + IngestConfig.INSTANCE_ID.name()
                    + " '" + config.instanceId() + "'; give each instance its own", e);
        }
        Instant now = clock.instant();
        for (ConnectorPoller poller : new ArrayList<>(pollers.values())) {
            if (!pollers.containsValue(poller)) {
                continue;
            }
            if (!now.isBefore(poller.nextPollAt())) {
                takeTurn(poller);
            } else {
                poller.tick(now);
            }
        }
        Instant after = clock.instant();
        Duration pause = pollers.values().stream().map(p -> Duration.between(after, p.nextPollAt()))
                .min(Duration::compareTo).orElse(MAX_PAUSE);
        if (pause.isNegative() || pause.isZero()) {
            return Duration.ZERO;
        }
        return pause.compareTo(MAX_PAUSE) > 0 ? MAX_PAUSE : pause.compareTo(MIN_PAUSE) < 0 ? MIN_PAUSE : pause;
    }

    private void takeTurn(ConnectorPoller poller) {
        int partition = poller.partition();
        PartitionWriter writer = writers.get(partition);
        try {
            poller.takeTurn(() -> new Outbox(partition, serializer, config.urgentSeverities()), writer::commit, commands::upToDate);
        } catch (PartitionWriter.Fenced e) {
            log.warn("{}; its connectors stop here", e.getMessage());
            release(List.of(partition));
        } catch (KafkaException e) {
            // The transaction was aborted; what the pollers of this partition hold may be ahead of what was committed.
            log.error("connector {}: writing to Kafka failed, reloading partition {} from its topics",
                    poller.connectorId(), partition, e);
            release(List.of(partition));
            take(List.of(partition));
        }
    }

    private void start() {
        boundSeenTopic();
        partitions = partitionsOf(Topics.INGEST_WATERMARKS.name());
        commands = new OurWritesReader(context, connectors.keySet());
        Map<String, Object> groupConfig = new HashMap<>(context.kafkaClientConfig());
        groupConfig.put(ConsumerConfig.GROUP_ID_CONFIG, config.groupId());
        groupConfig.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, config.groupId() + "-" + config.instanceId());
        groupConfig.put(ConsumerConfig.CLIENT_ID_CONFIG, config.groupId() + "-" + config.instanceId());
        groupConfig.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, CooperativeStickyAssignor.class.getName());
        groupConfig.put(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, (int) config.maxPollInterval().toMillis());
        groupConfig.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        group = new KafkaConsumer<>(groupConfig, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        group.subscribe(List.of(Topics.INGEST_WATERMARKS.name()), this);
        log.info("ingest instance {} joins group {} for {} configured connectors: {}", config.instanceId(), config.groupId(),
                settings.size(), settings.keySet());
    }

    /**
     * Makes ingest.seen {@code compact,delete} with the configured retention: the provisioner creates it so but leaves
     * an existing topic alone, and one created before the retention existed is compacted only, keeping every alert
     * forever. Without the right to change it (a cluster whose topics an operator manages), ingest still forgets in
     * memory and still never pages a forgotten alert again; only the topic keeps growing, so it says so.
     */
    private void boundSeenTopic() {
        Map<String, String> wanted = retention.topicConfig();
        try (Admin admin = Admin.create(context.kafkaClientConfig())) {
            new TopicProvisioner(admin, context.platform().replicationFactor())
                    .ensureConfig(Topics.INGEST_SEEN.name(), wanted);
        } catch (RuntimeException e) {
            log.warn("cannot set {} on topic {}, so it keeps what ingest has seen for longer than {}={}; set them"
                    + " with kafka-configs --alter --entity-type topics --entity-name {}: {}", wanted,
                    Topics.INGEST_SEEN.name(), IngestConfig.SEEN_RETENTION.name(), config.seenRetention(),
                    Topics.INGEST_SEEN.name(), e.getMessage());
        }
    }

    /** The partition of ingest's topics that a connector's records go to, as the default partitioner places its id. */
    static int partitionOf(String connectorId, int partitions) {
        return Utils.toPositive(Utils.murmur2(connectorId.getBytes(StandardCharsets.UTF_8))) % partitions;
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> assigned) {
        // Nothing is read from the group's topic: it only hands out partitions.
        group.pause(assigned);
        take(assigned.stream().map(TopicPartition::partition).toList());
    }

    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> revoked) {
        release(revoked.stream().map(TopicPartition::partition).toList());
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> lost) {
        release(lost.stream().map(TopicPartition::partition).toList());
    }

    /** Fences earlier owners, then loads the state of the partitions' connectors and starts polling them. */
    private void take(List<Integer> taken) {
        for (int partition : taken) {
            List<String> ids = settings.keySet().stream().filter(id -> partitionOf(id, partitions) == partition)
                    .toList();
            writers.put(partition, PartitionWriter.open(context, config.groupId(), partition, config.instanceId()));
            if (ids.isEmpty()) {
                continue;
            }
            PartitionState state = PartitionState.read(context, partition, retention, clock.instant());
            for (String id : ids) {
                ConnectorSettings s = settings.get(id);
                ConnectorHealthTracker health = new ConnectorHealthTracker(id, config.instanceId(),
                        config.outageThreshold(), context.metrics(), state.health().get(id));
                pollers.put(id, new ConnectorPoller(s, partition, feed(connectors.get(id), s),
                        new AlertTriage(id, s.scope(), retention),
                        health, new RequestBudget(config.requestsPerMinute(), clock.instant()), config.pageSize(),
                        clock, state.watermarks().get(id), state.seen(id), retention, context.metrics(), metrics));
                IngestWatermark w = state.watermarks().get(id);
                log.info("connector {} (partition {}) polled by instance {}, from {}", id, partition,
                        config.instanceId(), w == null ? "the look-back of " + s.lookback() : w.getLastUpdatedAt());
            }
        }
    }

    /** The reader of the connector's source: one poller skeleton, one feed per source. */
    private AlertFeed feed(ConnectorConfig connector, ConnectorSettings s) {
        return switch (connector.source()) {
            case GRAPH -> new GraphFeed(GraphAlertsClient.create(connector),
                    new AlertNormalizer(connector.id(), config.alertBounds()),
                    s.scope().graphFilter());
            case SENTINEL -> new SentinelFeed(connector.id(), SentinelIncidentsClient.create(connector),
                    new SentinelNormalizer(connector.id(), connector.tenantId(), config.alertBounds()));
        };
    }

    private void release(List<Integer> released) {
        for (int partition : released) {
            pollers.values().removeIf(p -> {
                if (p.partition() == partition) {
                    p.close();
                    log.info("connector {} (partition {}) released by instance {}", p.connectorId(), partition,
                            config.instanceId());
                    return true;
                }
                return false;
            });
            PartitionWriter writer = writers.remove(partition);
            if (writer != null) {
                writer.close();
            }
        }
    }

    private int partitionsOf(String topic) {
        try (KafkaConsumer<byte[], byte[]> probe = new KafkaConsumer<>(context.kafkaClientConfig(),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            return probe.partitionsFor(topic).size();
        }
    }

    private void stop() {
        release(new ArrayList<>(writers.keySet()));
        pollers.values().forEach(ConnectorPoller::close);
        pollers.clear();
        if (group != null) {
            // Leave the group so that another instance takes these connectors now, not after the session timeout.
            group.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
                    .withTimeout(Duration.ofSeconds(10)));
            group = null;
        }
        if (commands != null) {
            commands.close();
            commands = null;
        }
    }

    @Override
    public void close() {
        stop();
    }
}
