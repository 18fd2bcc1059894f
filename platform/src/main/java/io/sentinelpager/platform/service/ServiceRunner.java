package io.sentinelpager.platform.service;

import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.sentinelpager.platform.config.PagerConfig;
import io.sentinelpager.platform.config.PlatformConfig;
import io.sentinelpager.platform.kafka.TopicProvisioner;
import io.sentinelpager.schemas.Topics;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.clients.admin.Admin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one start-up and shutdown path of every service, alone ({@code pager ingest}) or together ({@code pager
 * demo}): provision topics, build each service from the shared context, start them, serve health and metrics, and on
 * SIGTERM close them in reverse order so in-flight work is committed.
 */
public final class ServiceRunner implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ServiceRunner.class);

    private final List<Service> services = new ArrayList<>();
    private final PrometheusMeterRegistry registry;
    private final HealthServer health;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final Thread shutdownHook;
    private final InstanceDirectory stateDir;

    private ServiceRunner(PagerConfig given, Map<String, ServiceFactory> factories, Clock clock) {
        // Every process on a host may share one configuration file, so state.dir is where they each take their own.
        stateDir = InstanceDirectory.take(PlatformConfig.from(given).stateDir());
        PagerConfig config = given.with(PlatformConfig.STATE_DIR.name(), stateDir.path().toString());
        if (given.string(PlatformConfig.INSTANCE_ID).isBlank()) {
            // Unique among the processes of a host, and the same again when a process restarts with its state
            // directory: what static membership asks of an id.
            config = config.with(PlatformConfig.INSTANCE_ID.name(), PlatformConfig.instanceId(given) + "-"
                    + stateDir.memberId());
        }
        PlatformConfig platform = PlatformConfig.from(config);
        log.info("state directory {}, instance {}", platform.stateDir(), platform.instanceId());
        registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        Metrics.addRegistry(registry);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmGcMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        if (platform.provisionTopics()) {
            try (Admin admin = Admin.create(new ServiceContext(config, platform, null, registry, clock)
                    .kafkaClientConfig())) {
                new TopicProvisioner(admin, platform.replicationFactor()).ensure(platform.topics());
            }
        }
        ServiceContext context = ServiceContext.of(config, registry, clock);
        try {
            factories.forEach((name, factory) -> services.add(factory.create(context)));
            for (Service service : services) {
                log.info("starting {}", service.name());
                service.start();
            }
        } catch (RuntimeException e) {
            closeServices();
            stateDir.close();
            throw e;
        }
        health = new HealthServer(platform.healthHost(), platform.healthPort(), services, registry);
        shutdownHook = new Thread(this::close, "pager-shutdown");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /** Starts the named services and returns; {@link #awaitShutdown()} blocks until SIGTERM or {@link #close()}. */
    public static ServiceRunner start(PagerConfig config, Map<String, ServiceFactory> factories, Clock clock) {
        return new ServiceRunner(config, factories, clock);
    }

    public List<Service> services() {
        return Collections.unmodifiableList(services);
    }

    public int healthPort() {
        return health.port();
    }

    public boolean ready() {
        return services.stream().allMatch(Service::ready);
    }

    public void awaitShutdown() throws InterruptedException {
        stopped.await();
    }

    /** Stops every service; safe to call from several shutdown paths at once (the second caller waits). */
    @Override
    public synchronized void close() {
        if (stopped.getCount() == 0) {
            return;
        }
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException alreadyShuttingDown) {
            // close() runs from the hook itself
        }
        closeServices();
        health.close();
        stateDir.close();
        Metrics.removeRegistry(registry);
        registry.close();
        stopped.countDown();
    }

    private void closeServices() {
        List<Service> reversed = new ArrayList<>(services);
        Collections.reverse(reversed);
        for (Service service : reversed) {
            try {
                log.info("stopping {}", service.name());
                service.close();
            } catch (RuntimeException e) {
                log.warn("{} did not close cleanly", service.name(), e);
            }
        }
    }
}
