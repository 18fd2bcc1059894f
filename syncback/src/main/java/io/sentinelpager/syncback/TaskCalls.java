package io.sentinelpager.syncback;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Function;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The calls to Azure of one stream task, by key (an alert, an incident): when each is due, which are in flight (at
 * most one per key), and their answers, which the lanes hand in from their threads and the task takes on its stream
 * thread, so that its store and outputs change under exactly-once. Not thread-safe but for {@link #answer}.
 *
 * @param <A> an answer: what was attempted, and what Azure said
 */
final class TaskCalls<A> {

    private final Queue<Answer<A>> answers = new ConcurrentLinkedQueue<>();
    private final Map<String, Future<?>> inFlight = new HashMap<>();
    /** When each key of the task's store is due, mirrored from the store so that a tick need not read it all. */
    private final Map<String, Instant> dueAt = new HashMap<>();
    /**
     * Raised by every {@link #reset}: Streams may close and init a processor again (a task revived after a failed
     * transaction), and an answer to a call from before belongs to state that was rolled back.
     */
    private int generation;

    private record Answer<A>(int generation, String key, A answer) {
    }

    /**
     * A (re)started task: what was in flight belongs to state that is gone, and every key of its store is due when the
     * store says.
     */
    <V> void reset(KeyValueStore<String, V> store, Function<V, Instant> dueOf) {
        generation++;
        inFlight.clear();
        dueAt.clear();
        try (KeyValueIterator<String, V> all = store.all()) {
            all.forEachRemaining(kv -> dueAt.put(kv.key, dueOf.apply(kv.value)));
        }
    }

    /** The key is due at that time; returns whether it was not known before. */
    boolean due(String key, Instant at) {
        return dueAt.put(key, at) == null;
    }

    void forget(String key) {
        dueAt.remove(key);
    }

    int size() {
        return dueAt.size();
    }

    boolean inFlight(String key) {
        return inFlight.containsKey(key);
    }

    /** The keys due by {@code now} and not in flight. */
    List<String> dueBy(Instant now) {
        return dueAt.entrySet().stream().filter(e -> !inFlight.containsKey(e.getKey()) && !e.getValue().isAfter(now))
                .map(Map.Entry::getKey).toList();
    }

    /**
     * Starts a call for the key: {@code call} gets where to hand its answer (on a lane's thread) and returns the call's
     * future.
     */
    void start(String key, Function<Consumer<A>, Future<?>> call) {
        int started = generation;
        inFlight.put(key, call.apply(answer -> answers.add(new Answer<>(started, key, answer))));
    }

    /** Hands each answer of this generation to {@code handler}, on the calling (stream) thread; older ones are dropped. */
    void take(BiConsumer<String, A> handler) {
        for (Answer<A> answer = answers.poll(); answer != null; answer = answers.poll()) {
            if (answer.generation() != generation) {
                continue; // its key is still in the store as it was before that call, and will be called again
            }
            inFlight.remove(answer.key());
            handler.accept(answer.key(), answer.answer());
        }
    }

    /**
     * Waits up to {@code grace} for the calls in flight, then cancels the rest: the task may be moving to another
     * instance, which will make them again, and a late call here must not land in Azure after that instance's newer one.
     */
    void close(Duration grace) {
        long deadline = System.nanoTime() + grace.toNanos();
        for (Future<?> call : inFlight.values()) {
            try {
                call.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                call.cancel(true);
            } catch (ExecutionException | CancellationException e) {
                // its answer is lost with the task; the key stays in the store
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        inFlight.clear();
        dueAt.clear();
    }
}
