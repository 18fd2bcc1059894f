package io.sentinelpager.responder.auth;

import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.function.Supplier;

/**
 * How many password checks run at once. Each is 600,000 rounds of PBKDF2, a few hundred milliseconds of one core, so a
 * flood of logins, right or wrong, would otherwise take every core from the alerts. A check beyond the bound is
 * refused at once rather than queued: nothing waits, so a flood holds neither threads nor memory, and a person who
 * meets a full server is told to retry in a moment.
 */
public final class PasswordChecks {

    private final Semaphore running;

    public PasswordChecks(int atOnce) {
        if (atOnce < 1) {
            throw new IllegalArgumentException("at least one password check must be able to run, not " + atOnce);
        }
        this.running = new Semaphore(atOnce);
    }

    /** Whether the password matches the stored hash; empty when the bound is reached and nothing was checked. */
    public Optional<Boolean> matches(char[] password, String stored) {
        return run(() -> Passwords.matches(password, stored));
    }

    /** The check's answer, or empty without running it when {@code atOnce} checks are running already. */
    <T> Optional<T> run(Supplier<T> check) {
        if (!running.tryAcquire()) {
            return Optional.empty();
        }
        try {
            return Optional.of(check.get());
        } finally {
            running.release();
        }
    }
}
