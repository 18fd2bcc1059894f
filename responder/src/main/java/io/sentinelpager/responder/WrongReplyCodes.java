package io.sentinelpager.responder;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Decides whether a phone number may try another SMS reply code: after {@link #LIMIT} wrong codes within
 * {@link #WINDOW} it may not, until the oldest of them is {@link #WINDOW} old. A reply code has four digits, so
 * without this a forged sender could try them all.
 *
 * <p>The count is this instance's own. That is safe enough because a code only acknowledges or takes ownership (never
 * closes), and with N instances behind the proxy a guesser gets at most N × {@link #LIMIT} tries per window: still
 * about one chance in 400 per window for 5 instances and one open alert. Only numbers that belong to a user are
 * counted, so the map is bounded by the configured people, whatever a forger sends.
 */
final class WrongReplyCodes {

    static final int LIMIT = 5;
    static final Duration WINDOW = Duration.ofMinutes(15);

    private final Clock clock;
    private final Map<String, Deque<Instant>> wrong = new HashMap<>();

    WrongReplyCodes(Clock clock) {
        this.clock = clock;
    }

    /** When the number may try again, if it may not now. */
    synchronized Optional<Instant> blockedUntil(String number) {
        Deque<Instant> times = recent(number);
        return times.size() < LIMIT ? Optional.empty() : Optional.of(times.peekFirst().plus(WINDOW));
    }

    synchronized void failed(String number) {
        recent(number).addLast(clock.instant());
    }

    private Deque<Instant> recent(String number) {
        Deque<Instant> times = wrong.computeIfAbsent(number, n -> new ArrayDeque<>());
        Instant since = clock.instant().minus(WINDOW);
        while (!times.isEmpty() && !times.peekFirst().isAfter(since)) {
            times.removeFirst();
        }
        return times;
    }
}
