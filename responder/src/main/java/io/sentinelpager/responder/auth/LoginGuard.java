package io.sentinelpager.responder.auth;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Locks an account out after repeated failed logins: {@code maxFailures} within {@code window} lock it for
 * {@code lockout}. Counted per account name, whether it exists or not, so the answer does not tell which names are
 * real. Kept in memory: a restart forgets failures, which costs an attacker a restart they cannot cause.
 */
public final class LoginGuard {

    private final int maxFailures;
    private final Duration window;
    private final Duration lockout;
    private final Clock clock;
    private final Map<String, Deque<Instant>> failures = new ConcurrentHashMap<>();
    private final Map<String, Instant> lockedUntil = new ConcurrentHashMap<>();

    public LoginGuard(int maxFailures, Duration window, Duration lockout, Clock clock) {
        this.maxFailures = maxFailures;
        this.window = window;
        this.lockout = lockout;
        this.clock = clock;
    }

    /** When the account is locked, the instant it opens again. */
    public java.util.Optional<Instant> lockedUntil(String account) {
        Instant until = lockedUntil.get(account);
        if (until == null || !until.isAfter(clock.instant())) {
            lockedUntil.remove(account);
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(until);
    }

    public void failed(String account) {
        Instant now = clock.instant();
        Deque<Instant> recent = failures.computeIfAbsent(account, a -> new ArrayDeque<>());
        synchronized (recent) {
            recent.addLast(now);
            while (!recent.isEmpty() && recent.peekFirst().isBefore(now.minus(window))) {
                recent.removeFirst();
            }
            if (recent.size() >= maxFailures) {
                lockedUntil.put(account, now.plus(lockout));
                recent.clear();
            }
        }
    }

    public void succeeded(String account) {
        failures.remove(account);
    }
}
