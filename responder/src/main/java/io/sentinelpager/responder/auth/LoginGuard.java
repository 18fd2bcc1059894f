package io.sentinelpager.responder.auth;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Backs off a client address that keeps guessing an account's password, without ever keeping the account's owner out
 * because of someone else's failures: {@code maxFailures} wrong passwords for one account from one address within
 * {@code window} lock that address out of that account for {@code lockout}; every other address is still checked, and
 * a right password from any of them passes. Counted per account name whether it exists or not, so the answer does not
 * tell which names are real.
 *
 * <p>No lock covers a whole account, which would let anyone lock any responder out, nor a whole address: behind a
 * proxy that the responder does not trust for the client's address, every person shares one address, and an
 * address-wide lock would shut them all out. What an attacker gains from many addresses or many account names is
 * bounded by the password checks themselves, of which only a few run at once ({@link PasswordChecks}).
 *
 * <p>Kept in memory, per instance. That is safe: an attacker spreading tries over N instances gets N times the
 * budget per address and account, still bounded, and no instance ever refuses the owner's address for another's
 * failures, so nothing needs sharing. A restart forgets failures, which costs an attacker a restart they cannot cause.
 * Entries idle for a window are dropped as failures come, so the memory held is bounded by the failures one window
 * can hold, and those by how fast passwords can be checked.
 */
public final class LoginGuard {

    private final int maxFailures;
    private final Duration window;
    private final Duration lockout;
    private final Clock clock;
    private final Map<Attempt, Strikes> strikes = new ConcurrentHashMap<>();

    public LoginGuard(int maxFailures, Duration window, Duration lockout, Clock clock) {
        this.maxFailures = maxFailures;
        this.window = window;
        this.lockout = lockout;
        this.clock = clock;
    }

    /** When the address is locked out of the account, the instant it may try again. */
    public Optional<Instant> lockedUntil(String address, String account) {
        Strikes recent = strikes.get(new Attempt(address, account));
        return recent == null ? Optional.empty() : recent.lockedUntil(clock.instant());
    }

    public void failed(String address, String account) {
        Instant now = clock.instant();
        strikes.keySet().forEach(attempt -> strikes.computeIfPresent(attempt, (a, s) -> s.idle(now) ? null : s));
        strikes.compute(new Attempt(address, account), (a, s) -> (s == null ? new Strikes() : s).fail(now));
    }

    public void succeeded(String address, String account) {
        strikes.remove(new Attempt(address, account));
    }

    private record Attempt(String address, String account) {
    }

    /** The recent failures of one address on one account; changed only inside the map's compute for its key. */
    private final class Strikes {
        private final Deque<Instant> failures = new ArrayDeque<>();
        private volatile Instant lockedUntil = Instant.MIN;

        Strikes fail(Instant now) {
            failures.addLast(now);
            while (failures.peekFirst().isBefore(now.minus(window))) {
                failures.removeFirst();
            }
            if (failures.size() >= maxFailures) {
                lockedUntil = now.plus(lockout);
                failures.clear();
            }
            return this;
        }

        Optional<Instant> lockedUntil(Instant now) {
            Instant until = lockedUntil;
            return until.isAfter(now) ? Optional.of(until) : Optional.empty();
        }

        boolean idle(Instant now) {
            return !lockedUntil.isAfter(now) && (failures.isEmpty() || failures.peekLast().isBefore(now.minus(window)));
        }
    }
}
