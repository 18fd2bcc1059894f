package io.sentinelpager.testkit;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.sentinelpager.platform.config.PagerConfig;
import io.sentinelpager.platform.local.LocalCluster;
import io.sentinelpager.platform.service.ServiceContext;
import io.sentinelpager.platform.service.StreamsService;
import io.sentinelpager.schemas.TopicSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.function.Function;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;

/**
 * A service's topology in Kafka's TopologyTestDriver, with the service's own Streams settings and the real registry
 * serdes of the shared cluster, on a {@link MutableClock} that moves together with the driver's wall-clock time: so a
 * topology IT shows only its records and its minutes.
 */
public final class TopologyHarness implements AutoCloseable {

    private final MutableClock clock;
    private final ServiceContext context;
    private final TopologyTestDriver driver;

    private TopologyHarness(MutableClock clock, ServiceContext context, TopologyTestDriver driver) {
        this.clock = clock;
        this.context = context;
        this.driver = driver;
    }

    /**
     * Starts {@code topology}, built from the service's context, as the service named {@code service} runs it.
     *
     * @param settings the service's settings beside the cluster's and the state directory
     */
    public static TopologyHarness start(String service, LocalCluster cluster, Path stateDir, Instant start,
                                        Map<String, String> settings,
                                        Function<ServiceContext, Topology> topology) {
        MutableClock clock = new MutableClock(start);
        ServiceContext context = ServiceContext.of(PagerConfig.empty().with(cluster.settings())
                .with("state.dir", stateDir.toString()).with(settings), new SimpleMeterRegistry(), clock);
        TopologyTestDriver driver = new TopologyTestDriver(topology.apply(context),
                StreamsService.properties(service, context), start);
        return new TopologyHarness(clock, context, driver);
    }

    public MutableClock clock() {
        return clock;
    }

    public ServiceContext context() {
        return context;
    }

    public TopologyTestDriver driver() {
        return driver;
    }

    /** A topic to write records of any schema to, as the services' shared topics are written. */
    public TestInputTopic<String, SpecificRecord> input(String topic) {
        return driver.createInputTopic(topic, context.serdes().key().serializer(),
                context.serdes().anyValue().serializer());
    }

    /** A topic of the catalog to write its own records to. */
    public <V extends SpecificRecord> TestInputTopic<String, V> input(TopicSpec<String, V> topic) {
        return driver.createInputTopic(topic.name(), context.serdes().key().serializer(),
                context.serdes().value(topic.valueType()).serializer());
    }

    /** A topic to read records of any schema from. */
    public TestOutputTopic<String, SpecificRecord> output(String topic) {
        return driver.createOutputTopic(topic, context.serdes().key().deserializer(),
                context.serdes().anyValue().deserializer());
    }

    /** A topic of the catalog to read its own records from. */
    public <V extends SpecificRecord> TestOutputTopic<String, V> output(TopicSpec<String, V> topic) {
        return driver.createOutputTopic(topic.name(), context.serdes().key().deserializer(),
                context.serdes().value(topic.valueType()).deserializer());
    }

    /** Moves the service's clock and the driver's wall-clock time together, firing what falls due on the way. */
    public void advance(Duration by) {
        clock.advance(by);
        driver.advanceWallClockTime(by);
    }

    @Override
    public void close() {
        driver.close();
    }
}
