package io.sentinelpager.emulator;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/**
 * The requests the emulated APIs answered, oldest first; admin calls are not logged. Bounded, so a
 * long demo run keeps only the latest {@value #CAPACITY}.
 */
public final class RequestLog {

    static final int CAPACITY = 10_000;

    private final Clock clock;
    private final long startNanos = System.nanoTime();
    private final Deque<LoggedRequest> requests = new ArrayDeque<>();

    RequestLog(Clock clock) {
        this.clock = clock;
    }

    public synchronized List<LoggedRequest> all() {
        return List.copyOf(requests);
    }

    /** The requests of one route, oldest first. */
    public synchronized List<LoggedRequest> of(String route) {
        return requests.stream().filter(r -> r.route().equals(route)).toList();
    }

    public synchronized void clear() {
        requests.clear();
    }

    /** When the current request arrived, on the monotonic time line of {@link LoggedRequest#sinceStart()}. */
    Duration sinceStart() {
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }

    synchronized void add(String route, String method, String path, String query, int status, Duration arrived,
                          Duration took, String body) {
        if (requests.size() == CAPACITY) {
            requests.removeFirst();
        }
        requests.addLast(new LoggedRequest(route, method, path, query == null ? "" : query, status, clock.instant(),
                arrived, took, body));
    }
}
