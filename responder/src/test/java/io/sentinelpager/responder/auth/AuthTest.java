package io.sentinelpager.responder.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sentinelpager.platform.config.Secret;
import io.sentinelpager.testkit.MutableClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuthTest {

    final MutableClock clock = new MutableClock(Instant.parse("2026-11-29T03:00:00Z"));

    @TempDir
    Path dir;

    @Test
    void aPasswordHashVerifiesOnlyTheSamePasswordAndCarriesItsCost() {
        String hash = Passwords.hash("correct horse battery".toCharArray());
        assertThat(hash).startsWith("pbkdf2-sha256$600000$").doesNotContain("correct");
        assertThat(Passwords.matches("correct horse battery".toCharArray(), hash)).isTrue();
        assertThat(Passwords.matches("correct horse batterY".toCharArray(), hash)).isFalse();
        assertThat(Passwords.hash("correct horse battery".toCharArray())).as("salted").isNotEqualTo(hash);
        assertThatThrownBy(() -> Passwords.validate("hunter2")).hasMessageContaining("pager passwd")
                .hasMessageNotContaining("hunter2");
        assertThatThrownBy(() -> Passwords.validate("pbkdf2-sha256$1000$AAAA$AAAA")).hasMessageContaining("1000 iterations");
    }

    @Test
    void sessionsAreSignedAndExpire() {
        Sessions sessions = new Sessions(Secret.of("a session key of 32 characters.."), Duration.ofHours(12), clock);
        String token = sessions.open("analyst");
        assertThat(sessions.session(token)).map(Sessions.Session::user).contains("analyst");
        // The signature's first character, not its last: the last base64url character of a 32-byte MAC carries two
        // padding bits that decoders ignore, so changing it can leave the MAC as it was.
        int signature = token.indexOf('.') + 1;
        String flipped = token.substring(0, signature) + (token.charAt(signature) == 'A' ? 'Q' : 'A')
                + token.substring(signature + 1);
        assertThat(sessions.session(flipped)).as("a changed signature").isEmpty();
        String forgedUser = java.util.Base64.getUrlEncoder().withoutPadding()
                .encodeToString("manager|9999999999|AAAA".getBytes()) + token.substring(token.indexOf('.'));
        assertThat(sessions.session(forgedUser)).as("another payload under the same MAC").isEmpty();
        assertThat(new Sessions(Secret.of("another key of 32 characters...."), Duration.ofHours(12), clock).session(token))
                .as("signed with another key").isEmpty();

        String csrf = sessions.csrfToken(token);
        assertThat(sessions.csrfMatches(token, csrf)).isTrue();
        assertThat(sessions.csrfMatches(sessions.open("analyst"), csrf)).as("bound to one session").isFalse();
        assertThat(sessions.csrfMatches(token, null)).isFalse();

        Sessions.Session open = sessions.session(token).orElseThrow();
        clock.advance(Duration.ofHours(12));
        assertThat(sessions.session(token)).as("expired after the ttl").isEmpty();
        assertThat(sessions.unexpired(open)).as("a session checked before, e.g. of an open live stream").isFalse();
    }

    @Test
    void repeatedFailuresLockAnAddressOutOfAnAccountForAWhile() {
        String address = "198.51.100.7";
        LoginGuard guard = new LoginGuard(5, Duration.ofMinutes(15), Duration.ofMinutes(15), clock);
        for (int i = 0; i < 4; i++) {
            guard.failed(address, "analyst");
            clock.advance(Duration.ofMinutes(1));
        }
        assertThat(guard.lockedUntil(address, "analyst")).isEmpty();
        guard.failed(address, "analyst");
        assertThat(guard.lockedUntil(address, "analyst")).contains(clock.instant().plus(Duration.ofMinutes(15)));
        assertThat(guard.lockedUntil(address, "lead")).isEmpty();
        assertThat(guard.lockedUntil("203.0.113.9", "analyst")).as("another address").isEmpty();
        clock.advance(Duration.ofMinutes(15));
        assertThat(guard.lockedUntil(address, "analyst")).as("opens again after the lock-out").isEmpty();

        // Failures spread wider than the window never lock.
        for (int i = 0; i < 10; i++) {
            guard.failed(address, "lead");
            clock.advance(Duration.ofMinutes(4));
        }
        assertThat(guard.lockedUntil(address, "lead")).isEmpty();
    }

    @Test
    void theAccountsFileIsCheckedWithTheEntryThatIsWrong() throws Exception {
        String hash = Passwords.hash("a long enough password".toCharArray());
        Path ok = Files.writeString(dir.resolve("ok.yaml"), "accounts:\n  - {user: analyst, password: \"" + hash
                + "\"}\n  - {user: manager, password: \"" + hash + "\", admin: true}\ntokens:\n"
                + "  - {name: soar, user: analyst, sha256: \"" + Accounts.digest("spt_secret") + "\"}\n");
        Accounts accounts = Accounts.load(ok);
        assertThat(accounts.isAdmin("manager")).isTrue();
        assertThat(accounts.isAdmin("analyst")).isFalse();
        assertThat(accounts.token("spt_secret")).map(Accounts.Token::user).contains("analyst");
        assertThat(accounts.token("spt_other")).isEmpty();

        Path plain = Files.writeString(dir.resolve("plain.yaml"), "accounts:\n  - {user: lead, password: hunter2}\n");
        assertThatThrownBy(() -> Accounts.load(plain)).hasMessageContaining("accounts[0] (user lead)")
                .hasMessageNotContaining("hunter2");
        Path typo = Files.writeString(dir.resolve("typo.yaml"), "accounts:\n  - {user: lead, pasword: x}\n");
        assertThatThrownBy(() -> Accounts.load(typo)).hasMessageContaining("typo.yaml:2").hasMessageContaining("pasword");
    }
}
