package io.sentinelpager.emulator;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.LongSupplier;

/**
 * The faults and revoked permissions in force, per route. Thread-safe. Percentages roll a seeded
 * random, so a test run that injects "30 % of calls" sees the same calls fail every time.
 */
public final class Faults {

    private final Set<String> routes = new TreeSet<>();
    private final Map<String, List<Remaining>> injected = new HashMap<>();
    private final Set<String> revoked = new HashSet<>();
    private final Map<String, List<Runnable>> races = new HashMap<>();
    private final Random random = new Random(20_260_505L);
    /** Real time, for storms: the client under test waits out a Retry-After in real time. */
    private final LongSupplier nanoTime;

    /** A fault and how many calls it still hits (counted), or until when it hits them all (a storm). */
    private static final class Remaining {
        final Fault fault;
        final long endsAtNanos;
        int calls;

        Remaining(Fault fault, long nowNanos) {
            this.fault = fault;
            this.calls = fault.times();
            this.endsAtNanos = nowNanos + fault.period().toNanos();
        }
    }

    public Faults() {
        this(System::nanoTime);
    }

    /** @param nanoTime the monotonic time source that storms are timed by */
    Faults(LongSupplier nanoTime) {
        this.nanoTime = nanoTime;
    }

    /**
     * Adds a fault to a route; faults added earlier are applied first.
     *
     * @throws IllegalArgumentException if no route has this name
     */
    public synchronized void inject(String route, Fault fault) {
        requireRoute(route);
        injected.computeIfAbsent(route, r -> new ArrayList<>()).add(new Remaining(fault, nanoTime.getAsLong()));
    }

    /** Adds the fault to every route, the token endpoint included: the whole emulated Azure misbehaves. */
    public synchronized void injectEverywhere(Fault fault) {
        long now = nanoTime.getAsLong();
        for (String route : routes) {
            injected.computeIfAbsent(route, r -> new ArrayList<>()).add(new Remaining(fault, now));
        }
    }

    /**
     * Runs {@code action} when the next call of the route arrives, after its token and permission
     * checks and before the operation: a concurrent writer (an analyst saving the same incident) made
     * deterministic, to test what a client does when it loses a race.
     */
    public synchronized void beforeNext(String route, Runnable action) {
        requireRoute(route);
        races.computeIfAbsent(route, r -> new ArrayList<>()).add(action);
    }

    /** Makes the route answer 403, as when the app lacks the permission or role it needs, until {@link #grant}. */
    public synchronized void revoke(String route) {
        requireRoute(route);
        revoked.add(route);
    }

    public synchronized void grant(String route) {
        requireRoute(route);
        revoked.remove(route);
    }

    /** Removes every fault and pending race, and restores every permission. */
    public synchronized void clear() {
        injected.clear();
        revoked.clear();
        races.clear();
    }

    /** The names of every route faults can be injected into. */
    public synchronized Set<String> routes() {
        return Set.copyOf(routes);
    }

    synchronized void register(String route) {
        routes.add(route);
    }

    synchronized boolean isRevoked(String route) {
        return revoked.contains(route);
    }

    /** The races waiting for this call of the route, removed from the waiting list. */
    synchronized List<Runnable> takeRaces(String route) {
        List<Runnable> due = races.remove(route);
        return due == null ? List.of() : due;
    }

    /** The fault that hits this call of the route, if any, counting it against a counted fault. */
    synchronized Optional<Fault> next(String route) {
        List<Remaining> faults = injected.getOrDefault(route, List.of());
        for (Iterator<Remaining> it = faults.iterator(); it.hasNext(); ) {
            Remaining remaining = it.next();
            if (!remaining.fault.period().isZero()) {
                if (nanoTime.getAsLong() - remaining.endsAtNanos < 0) {
                    return Optional.of(remaining.fault);
                }
                it.remove();
            } else if (remaining.fault.percent() > 0) {
                if (random.nextInt(100) < remaining.fault.percent()) {
                    return Optional.of(remaining.fault);
                }
            } else {
                if (--remaining.calls == 0) {
                    it.remove();
                }
                return Optional.of(remaining.fault);
            }
        }
        return Optional.empty();
    }

    private void requireRoute(String route) {
        if (!routes.contains(route)) {
            throw new IllegalArgumentException("no route '" + route + "'; routes: " + routes);
        }
    }
}
