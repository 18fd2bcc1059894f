package io.sentinelpager.platform.service;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Whether the stream threads of one application are making progress, which its state does not say: it stays RUNNING
 * while a thread is stuck in a processor, and while every thread that fails is replaced by one that fails again.
 *
 * <p>A thread is stalled when neither its poll count nor its process count has moved for the stall timeout: an idle
 * thread keeps polling and a busy one keeps processing, so only a blocked thread does neither. The counts are sampled
 * when health is asked, so a stall is seen at the first question after the timeout.
 */
final class StreamThreadWatch {

    /** This many replacements within {@link #REPLACEMENT_WINDOW} are a loop, not a passing failure. */
    static final int REPLACEMENTS = 3;
    static final Duration REPLACEMENT_WINDOW = Duration.ofMinutes(5);

    private final Clock clock;
    private final Duration stallTimeout;
    private final Map<String, Progress> threads = new HashMap<>();
    private final Deque<Instant> replacements = new ArrayDeque<>();

    private record Progress(double count, Instant since) {
    }

    StreamThreadWatch(Clock clock, Duration stallTimeout) {
        this.clock = clock;
        this.stallTimeout = stallTimeout;
    }

    /** A failed thread was replaced. */
    synchronized void replaced() {
        replacements.addLast(clock.instant());
    }

    /**
     * @param counts each live stream thread's poll and process count, by thread name
     * @return what keeps the application from making progress, if anything
     */
    synchronized Optional<String> problem(Map<String, Double> counts) {
        Instant now = clock.instant();
        threads.keySet().retainAll(counts.keySet());
        counts.forEach((thread, count) -> threads.merge(thread, new Progress(count, now),
                (seen, fresh) -> seen.count() == fresh.count() ? seen : fresh));
        while (!replacements.isEmpty() && replacements.peekFirst().isBefore(now.minus(REPLACEMENT_WINDOW))) {
            replacements.removeFirst();
        }
        if (replacements.size() >= REPLACEMENTS) {
            return Optional.of(replacements.size() + " stream threads failed and were replaced in the last "
                    + REPLACEMENT_WINDOW.toMinutes() + " minutes");
        }
        return threads.entrySet().stream()
                .filter(e -> !now.isBefore(e.getValue().since().plus(stallTimeout)))
                .map(e -> "stream thread " + e.getKey() + " has neither polled nor processed since "
                        + e.getValue().since())
                .sorted().findFirst();
    }
}
