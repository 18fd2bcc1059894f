package io.sentinelpager.platform.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sentinelpager.platform.config.ConfigException;
import io.sentinelpager.platform.config.PagerConfig;
import io.sentinelpager.platform.config.Secret;
import io.sentinelpager.schemas.ActionType;
import io.sentinelpager.testkit.GuessedReplyCodes;
import io.sentinelpager.testkit.MutableClock;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class ActionLinksTest {

    static final Instant T0 = Instant.parse("2026-11-29T03:00:00Z");
    final MutableClock clock = new MutableClock(T0);
    final ActionLinks links = new ActionLinks(Secret.of("link-key-for-tests-with-32-characters-or-more"), clock);

    @Test
    void aSignedLinkVerifiesWithItsClaimsAndAFreshNonce() throws Exception {
        String token = links.sign(ActionType.ACKNOWLEDGE, "c1:a-42", "lead", Duration.ofHours(1));

        ActionLinks.Claims claims = links.check(token);

        assertThat(claims.action()).isEqualTo(ActionType.ACKNOWLEDGE);
        assertThat(claims.alertKey()).isEqualTo("c1:a-42");
        assertThat(claims.userId()).isEqualTo("lead");
        assertThat(claims.expiresAt()).isEqualTo(T0.plus(Duration.ofHours(1)));
        assertThat(links.check(links.sign(ActionType.ACKNOWLEDGE, "c1:a-42", "lead", Duration.ofHours(1))).nonce())
                .as("each link its own nonce, so the responder's ledger spends them one by one")
                .isNotEqualTo(claims.nonce());
    }

    @Test
    void anExpiredLinkIsRefused() {
        String token = links.sign(ActionType.CLOSE, "c1:a-42", "lead", Duration.ofMinutes(30));
        clock.advance(Duration.ofMinutes(30));

        assertThatThrownBy(() -> links.check(token)).hasMessageStartingWith("link expired");
    }

    @Test
    void aLinkWithAnAlteredPayloadIsRefused() {
        String token = links.sign(ActionType.ACKNOWLEDGE, "c1:a-42", "lead", Duration.ofHours(1));
        String payload = new String(Base64.getUrlDecoder().decode(token.substring(0, token.indexOf('.'))),
                StandardCharsets.UTF_8);
        String forged = Base64.getUrlEncoder().withoutPadding().encodeToString(
                payload.replace("lead", "intruder").getBytes(StandardCharsets.UTF_8)) + token.substring(token.indexOf('.'));

        assertThatThrownBy(() -> links.check(forged)).hasMessage("link signature is not valid");
    }

    @Test
    void aLinkSignedWithAnotherKeyIsRefused() {
        String token = new ActionLinks(Secret.of("some-other-key"), clock)
                .sign(ActionType.ACKNOWLEDGE, "c1:a-42", "lead", Duration.ofHours(1));

        assertThatThrownBy(() -> links.check(token)).hasMessage("link signature is not valid");
    }

    @Test
    void garbageIsMalformedNotAnError() {
        for (String garbage : new String[] {"", "abc", "abc.", ".abc", "!!!.???", null}) {
            assertThatThrownBy(() -> links.check(garbage)).isInstanceOf(ActionLinks.InvalidLinkException.class);
        }
    }

    @Test
    void twoLinksForTheSameActionDifferInTheirNonce() {
        String a = links.url("https://pager.example/", ActionType.ACKNOWLEDGE, "c1:a-42", "lead", Duration.ofHours(1));
        String b = links.url("https://pager.example", ActionType.ACKNOWLEDGE, "c1:a-42", "lead", Duration.ofHours(1));

        assertThat(a).startsWith("https://pager.example/act/").isNotEqualTo(b);
        assertThat(b).startsWith("https://pager.example/act/");
    }

    @Test
    void aReplyCodeIsFourDigitsOfTheAlertAndThePersonUnderTheKey() {
        ReplyCodes codes = links.replyCodes();
        String code = codes.of("c1:a-42", "lead");

        assertThat(code).as("what any responder instance computes from the same links.key").matches("\\d{4}")
                .isEqualTo(new ReplyCodes(Secret.of("link-key-for-tests-with-32-characters-or-more")).of("c1:a-42", "lead"));
        assertThat(code).as("another alert").isNotEqualTo(codes.of("c1:a-43", "lead"));
        assertThat(code).as("the same alert, sent to another person").isNotEqualTo(codes.of("c1:a-42", "analyst"));
        assertThat(code).as("another links.key").isNotEqualTo(new ReplyCodes(Secret.of("some-other-key"))
                .of("c1:a-42", "lead"));
        assertThat(code).as("what anyone works out from the alert key alone")
                .isNotEqualTo(GuessedReplyCodes.fromAlertKey("c1:a-42"));
        assertThat(codes.of("c1:a-42\nlead", "x")).as("the fields cannot be shifted into one another")
                .isNotEqualTo(codes.of("c1:a-42", "lead\nx"));
    }

    @Test
    void aLinksKeyShorterThan32CharactersStopsStartUpNamingTheSetting() {
        assertThatThrownBy(() -> SharedSecrets.linksKey(PagerConfig.empty().with("links.key", "x".repeat(31))))
                .isInstanceOf(ConfigException.class)
                .hasMessage("setting links.key must have at least 32 characters; make one with"
                        + " `openssl rand -base64 32`");
        assertThat(SharedSecrets.linksKey(PagerConfig.empty().with("links.key", "x".repeat(32)))).isPresent();
        assertThat(SharedSecrets.linksKey(PagerConfig.empty())).as("unset: no links, no reply codes").isEmpty();
    }
}
