package io.sentinelpager.responder.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.sentinelpager.testkit.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class LoginGuardTest {

    static final String ATTACKER = "203.0.113.66";
    static final String OWNER = "198.51.100.7";

    final MutableClock clock = new MutableClock(Instant.parse("2026-12-06T03:00:00Z"));
    final LoginGuard guard = new LoginGuard(5, Duration.ofMinutes(15), Duration.ofMinutes(15), clock);

    @Test
    void anAttackerBacksOffOnlyItsOwnAddressAndTheOwnerIsNeverLockedOut() {
        for (int i = 0; i < 20; i++) {
            if (guard.lockedUntil(ATTACKER, "analyst").isEmpty()) {
                guard.failed(ATTACKER, "analyst");
            }
            clock.advance(Duration.ofSeconds(1));
        }
        assertThat(guard.lockedUntil(ATTACKER, "analyst")).as("the attacker's address")
                .contains(Instant.parse("2026-12-06T03:00:04Z").plus(Duration.ofMinutes(15)));
        assertThat(guard.lockedUntil(OWNER, "analyst")).as("the owner's address, never failed").isEmpty();

        // The owner's own typo counts for the owner's address alone, and a success clears it.
        guard.failed(OWNER, "analyst");
        guard.succeeded(OWNER, "analyst");
        for (int i = 0; i < 4; i++) {
            guard.failed(OWNER, "analyst");
        }
        assertThat(guard.lockedUntil(OWNER, "analyst")).as("four failures since the success").isEmpty();
    }

    @Test
    void aLockedAddressMayTryAgainOnceTheLockOutHasPassed() {
        for (int i = 0; i < 5; i++) {
            guard.failed(ATTACKER, "analyst");
        }
        clock.advance(Duration.ofMinutes(15).minusSeconds(1));
        assertThat(guard.lockedUntil(ATTACKER, "analyst")).isPresent();
        clock.advance(Duration.ofSeconds(1));
        assertThat(guard.lockedUntil(ATTACKER, "analyst")).isEmpty();
        guard.failed(ATTACKER, "analyst");
        assertThat(guard.lockedUntil(ATTACKER, "analyst")).as("one failure after the lock-out, not five").isEmpty();
    }

    @Test
    void failuresOfAnotherWindowAreForgotten() {
        for (int i = 0; i < 1_000; i++) {
            guard.failed(ATTACKER, "name-" + i);
        }
        clock.advance(Duration.ofMinutes(16));
        guard.failed(ATTACKER, "analyst");
        for (int i = 0; i < 4; i++) {
            guard.failed(ATTACKER, "analyst");
        }
        assertThat(guard.lockedUntil(ATTACKER, "analyst")).isPresent();
        assertThat(guard.lockedUntil(ATTACKER, "name-1")).isEmpty();
    }

    @Test
    void aPasswordCheckBeyondTheBoundIsRefusedAtOnceNotQueued() throws Exception {
        PasswordChecks checks = new PasswordChecks(1);
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<Optional<String>> first = CompletableFuture.supplyAsync(() -> checks.run(() -> {
            running.countDown();
            await(release);
            return "checked";
        }));
        assertThat(running.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(checks.run(() -> "second")).as("while the one allowed check runs").isEmpty();
        release.countDown();
        assertThat(first.get(10, TimeUnit.SECONDS)).contains("checked");
        assertThat(checks.run(() -> "third")).as("once it is done").contains("third");
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
