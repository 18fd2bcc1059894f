package io.sentinelpager.platform.service;

import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.sentinelpager.platform.kafka.DeadLetterHandlers;
import io.sentinelpager.platform.kafka.GuardedClients;
import io.sentinelpager.platform.kafka.LaneTimestampExtractor;
import io.sentinelpager.platform.kafka.TopicProvisioner;
import io.sentinelpager.schemas.Topics;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyDescription;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a Kafka Streams topology the same way in every service: exactly-once v2, explicitly named internal
 * resources, dead-letter handlers for unreadable and failing records and for outputs that cannot be written (whose
 * producers refuse an oversized record before it can break the transaction: {@link GuardedClients}), Streams metrics
 * on the shared registry, a replaced thread (not a dead service) after an unexpected error, and readiness that
 * tells a blocked or failing thread from a working one.
 */
public final class StreamsService implements Service {

    private static final Logger log = LoggerFactory.getLogger(StreamsService.class);
    /** Records a stream thread takes per poll; an operator's kafka.main.consumer.max.poll.records wins. */
    static final int MAX_POLL_RECORDS = 100;
    /** Bytes a stream thread's consumer fetches ahead per partition; see {@link #properties}. */
    static final int MAX_PARTITION_FETCH_BYTES = 64 * 1024;

    private final String name;
    private final KafkaStreams streams;
    private final Duration closeTimeout;
    private final List<AutoCloseable> resources;
    private final StreamThreadWatch watch;
    private KafkaStreamsMetrics metrics;
    private volatile Optional<String> problem = Optional.empty();

    /**
     * @param resources clients the topology uses (e.g. an HTTP client), closed after the streams have stopped
     */
    public StreamsService(String name, Topology topology, ServiceContext context, AutoCloseable... resources) {
        this.name = name;
        this.resources = List.of(resources);
        Properties properties = properties(name, context);
        properties.put(DeadLetterHandlers.GLOBAL_TOPICS_CONFIG, String.join(",", globalTopics(topology)));
        fallbackTopic(topology).ifPresent(topic -> properties.put(DeadLetterHandlers.FALLBACK_TOPIC_CONFIG, topic));
        this.streams = new KafkaStreams(topology, properties, new GuardedClients());
        this.closeTimeout = context.platform().shutdownTimeout();
        // Wall time, not the service's clock: a test may move that by hours, and health is about now.
        this.watch = new StreamThreadWatch(Clock.systemUTC(), context.platform().stallTimeout());
        this.streams.setUncaughtExceptionHandler(error -> {
            log.error("{}: stream thread failed, replacing it", name, error);
            watch.replaced();
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
        });
        this.metrics = new KafkaStreamsMetrics(streams);
        this.metrics.bindTo(context.metrics());
    }

    /** The Streams settings of a service; public so that topology tests run with the same ones. */
    public static Properties properties(String name, ServiceContext context) {
        Properties p = new Properties();
        p.putAll(context.serdes().clientConfig());
        p.putAll(context.kafkaClientConfig());
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId(name));
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        p.put(StreamsConfig.ENSURE_EXPLICIT_INTERNAL_RESOURCE_NAMING_CONFIG, true);
        p.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, (int) context.platform().replicationFactor());
        p.put(StreamsConfig.STATE_DIR_CONFIG, context.platform().stateDir().resolve(name).toString());
        p.put(StreamsConfig.DEFAULT_KEY_SERDE_CLASS_CONFIG, Serdes.StringSerde.class);
        p.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterHandlers.Deserialization.class);
        p.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterHandlers.Processing.class);
        p.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, true);
        p.put(StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterHandlers.Production.class);
        // Urgent lanes first within a task; the default, so that repartition topics get it too.
        p.put(StreamsConfig.DEFAULT_TIMESTAMP_EXTRACTOR_CLASS_CONFIG, LaneTimestampExtractor.class);
        // A thread processes what one poll returned before it polls again: an urgent record that arrives meanwhile
        // waits for the rest of the batch, so the batch is kept small (Kafka's default is 1,000).
        p.put(StreamsConfig.mainConsumerPrefix(ConsumerConfig.MAX_POLL_RECORDS_CONFIG), MAX_POLL_RECORDS);
        // The consumer hands out what it fetched in the order the fetches came back, whatever the timestamps: with
        // Kafka's 1 MiB per partition, an urgent record fetched after a storm waited for a thousand or more of the
        // storm's records already fetched. A larger record still comes, alone.
        p.put(StreamsConfig.mainConsumerPrefix(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG),
                MAX_PARTITION_FETCH_BYTES);
        // Static membership: a restarted instance takes its tasks back without a rebalance; Streams adds each thread's
        // number. An id the operator gives under kafka. wins.
        if (!context.platform().instanceId().isBlank()
                && !context.platform().kafkaProperties().containsKey(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG)) {
            p.put(StreamsConfig.mainConsumerPrefix(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG),
                    applicationId(name) + "-" + context.platform().instanceId());
        }
        p.put(StreamsConfig.topicPrefix("min.insync.replicas"),
                TopicProvisioner.minInSyncReplicas(context.platform().replicationFactor()));
        // A page must not wait for a batch to fill.
        p.put(StreamsConfig.producerPrefix(ProducerConfig.LINGER_MS_CONFIG), 0);
        for (Map.Entry<String, String> e : context.platform().kafkaProperties().entrySet()) {
            p.put(e.getKey(), e.getValue());
        }
        return p;
    }

    /** The topics read into global stores, whose dead letters the handlers must write themselves. */
    static List<String> globalTopics(Topology topology) {
        return topology.describe().globalStores().stream()
                .flatMap(store -> store.source().topicSet().stream()).sorted().toList();
    }

    /**
     * The topic whose {@code .dlq} takes a dead letter from an unmarked internal topic: the first catalog topic the
     * application reads (any topic it reads, for a topology outside the catalog). It exists, it is where an operator
     * looks for this service's dead letters, and the dead letter's headers still name the internal topic.
     */
    static Optional<String> fallbackTopic(Topology topology) {
        List<String> read = topology.describe().subtopologies().stream()
                .flatMap(sub -> sub.nodes().stream())
                .filter(node -> node instanceof TopologyDescription.Source)
                .flatMap(node -> ((TopologyDescription.Source) node).topicSet().stream())
                .filter(topic -> !topic.endsWith("-repartition"))
                .sorted().toList();
        return read.stream().filter(topic -> Topics.byName(topic).isPresent()).findFirst()
                .or(() -> read.stream().findFirst());
    }

    public static String applicationId(String name) {
        return "pager-" + name;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void start() {
        streams.start();
    }

    /** Running, and no stream thread blocked or failing over and over; see {@link StreamThreadWatch}. */
    @Override
    public boolean ready() {
        Optional<String> now = watch.problem(threadProgress());
        if (!now.equals(problem)) {
            now.ifPresentOrElse(p -> log.error("{}: not ready: {}", name, p),
                    () -> log.info("{}: making progress again", name));
            problem = now;
        }
        return queryable() && now.isEmpty();
    }

    /**
     * Whether the stores can be queried (the responder reads alert state from its store): they can while a thread
     * is stalled, so a stall must not turn every read away.
     */
    public boolean queryable() {
        return streams.state() == KafkaStreams.State.RUNNING;
    }

    /** Each live stream thread's poll count plus its process count: one number that moves while it works. */
    private Map<String, Double> threadProgress() {
        Map<String, Double> counts = new HashMap<>();
        streams.metrics().forEach((metric, value) -> {
            if (metric.group().equals("stream-thread-metrics")
                    && (metric.name().equals("poll-total") || metric.name().equals("process-total"))
                    && value.metricValue() instanceof Number count) {
                counts.merge(metric.tags().get("thread-id"), count.doubleValue(), Double::sum);
            }
        });
        return counts;
    }

    /** For interactive queries (the responder reads alert state from its store). */
    public KafkaStreams streams() {
        return streams;
    }

    @Override
    public void close() {
        if (metrics != null) {
            metrics.close();
            metrics = null;
        }
        // Leave the group: a static member that stops would otherwise keep its partitions, unprocessed, until its
        // session times out. A process that crashes does keep them, and takes them back if it returns in time.
        streams.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
                .withTimeout(closeTimeout));
        for (AutoCloseable resource : resources) {
            try {
                resource.close();
            } catch (Exception e) {
                log.warn("{}: closing {} failed", name, resource, e);
            }
        }
    }
}
