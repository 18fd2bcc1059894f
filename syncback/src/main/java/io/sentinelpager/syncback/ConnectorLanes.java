package io.sentinelpager.syncback;

import io.sentinelpager.schemas.IncidentRollup;
import io.sentinelpager.schemas.PendingSync;
import io.sentinelpager.schemas.SyncOutcome;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The calls to Azure, off the stream threads, in lanes of their own per connector: a few single-thread lanes per
 * connector, so a connector whose Azure is slow or down ties up only its own threads, and every other connector's
 * writes go on. Writes to the same Azure object ({@link SyncWriter#objectOf}) share a lane and so run one after the
 * other: the alerts of one Sentinel incident then see each other's writes instead of racing to write it twice.
 * Shared by the stream tasks of one instance; each task hands a write in and gets its result back through the
 * callback, which must only queue it (it runs on the lane's thread).
 */
final class ConnectorLanes implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ConnectorLanes.class);

    private final SyncWriter writer;
    private final int threadsPerConnector;
    private final Map<String, List<ExecutorService>> lanes = new ConcurrentHashMap<>();

    ConnectorLanes(SyncWriter writer, int threadsPerConnector) {
        this.writer = writer;
        this.threadsPerConnector = threadsPerConnector;
    }

    /** Writes on the connector's lane and hands the result to {@code then}; see {@link SyncWriter#apply}. */
    Future<?> write(PendingSync write, Consumer<SyncWriter.Result> then) {
        return run(write.getConnectorId(), writer.objectOf(write), () -> apply(write), then);
    }

    /** Checks the incident's roll-up on the connector's lane (its alerts' lane) and hands the result to {@code then}. */
    Future<?> rollUp(IncidentRollup rollup, Consumer<SyncWriter.Check> then) {
        return run(rollup.getConnectorId(), writer.objectOf(rollup), () -> {
            try {
                return writer.rollUp(rollup);
            } catch (RuntimeException e) {
                log.error("rolling up incident {} failed unexpectedly", rollup.getIncidentId(), e);
                return SyncWriter.Check.failed(unexpected(e));
            }
        }, then);
    }

    private <T> Future<?> run(String connectorId, String object, Supplier<T> call, Consumer<T> then) {
        List<ExecutorService> connector = lanes.computeIfAbsent(connectorId, this::lanes);
        return connector.get(Math.floorMod(object.hashCode(), connector.size())).submit(() -> then.accept(call.get()));
    }

    private SyncWriter.Result apply(PendingSync write) {
        try {
            return writer.apply(write);
        } catch (RuntimeException e) {
            log.error("writing {} to Azure failed unexpectedly", write.getAlertKey(), e);
            return unexpected(e);
        }
    }

    /** Our own bug rather than Azure's answer: tried again with backoff, and given up with the rest in time. */
    private static SyncWriter.Result unexpected(RuntimeException e) {
        return new SyncWriter.Result(SyncOutcome.FAILED, null, "syncback failed: " + e, Optional.empty());
    }

    private List<ExecutorService> lanes(String connectorId) {
        return IntStream.rangeClosed(1, threadsPerConnector).mapToObj(n -> Executors.newSingleThreadExecutor(task -> {
            Thread thread = new Thread(task, "syncback-" + connectorId + "-" + n);
            thread.setDaemon(true);
            return thread;
        })).toList();
    }

    /** Stops the lanes after the stream tasks have stopped handing writes in; a call still running is interrupted. */
    @Override
    public void close() {
        List<ExecutorService> all = lanes.values().stream().flatMap(List::stream).toList();
        all.forEach(ExecutorService::shutdownNow);
        for (ExecutorService lane : all) {
            try {
                lane.awaitTermination(Duration.ofSeconds(5).toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        writer.close();
    }
}
