package io.sentinelpager.responder;

import static org.assertj.core.api.Assertions.assertThat;

import io.sentinelpager.responder.auth.OidcLogin.Identity;
import io.sentinelpager.schemas.EntraIdentity;
import io.sentinelpager.schemas.UserConfig;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which on-call user an Entra ID sign-in opens a session for: only the one linked to the token's tid and oid. */
class EntraUsersTest {

    private static final String TENANT = "6f1c1a3e-4b7d-4c55-9a0e-2d8b5f3c9e71";
    private static final String LEE = "9d5a631e-1b52-33c9-b59a-27efdf5eb3f1";
    private static final String SOMEONE_ELSE = "0b3c9b1e-55a2-4d1f-8c4e-7e2f4d6a9c10";

    private static final List<UserConfig> USERS = List.of(
            user("analyst", "analyst@contoso.example", null),
            user("lead", "lead@contoso.example", new EntraIdentity(TENANT, LEE)));

    @Test
    void theUserLinkedToTheTokensTenantAndObjectIdSignsInWhateverItsEmailSays() {
        assertThat(EntraUsers.decide(new Identity(TENANT, LEE, "lee.renamed@contoso.example", false), USERS, false))
                .isEqualTo(new EntraUsers.SignIn("lead"));
        assertThat(EntraUsers.decide(new Identity(TENANT, LEE, "", false), USERS, false))
                .isEqualTo(new EntraUsers.SignIn("lead"));
    }

    @Test
    void aLinkedUsersEmailWithAnotherObjectIdIsRefused() {
        EntraUsers.Decision decision = EntraUsers.decide(
                new Identity(TENANT, SOMEONE_ELSE, "LEAD@contoso.example", false), USERS, false);

        assertThat(decision).isInstanceOfSatisfying(EntraUsers.Refused.class, refused -> {
            assertThat(refused.shown()).contains("on-call user lead", "linked to another Microsoft account");
            assertThat(refused.audit()).contains("object " + SOMEONE_ELSE, "linked to object " + LEE);
        });
    }

    @Test
    void anUnlinkedUsersEmailIsRefusedAndTheAuditLineSaysWhatTheAdminAddsToConfirm() {
        EntraUsers.Decision decision = EntraUsers.decide(
                new Identity(TENANT, SOMEONE_ELSE, "analyst@contoso.example", false), USERS, false);

        assertThat(decision).isInstanceOfSatisfying(EntraUsers.Refused.class, refused -> {
            assertThat(refused.title()).isEqualTo("Ask an admin to confirm it is you");
            assertThat(refused.shown()).contains("ask an admin to confirm that you are analyst");
            assertThat(refused.audit()).contains("on-call user analyst",
                    "entra: {tenant: " + TENANT + ", object: " + SOMEONE_ELSE + "}", "pager apply");
        });
    }

    @Test
    void anUnknownPersonIsRefused() {
        assertThat(EntraUsers.decide(new Identity(TENANT, SOMEONE_ELSE, "stranger@fabrikam.example", false), USERS,
                false)).isInstanceOfSatisfying(EntraUsers.Refused.class, refused ->
                assertThat(refused.shown()).contains("no user of the on-call configuration is linked"));
        assertThat(EntraUsers.decide(new Identity(TENANT, SOMEONE_ELSE, "", false), USERS, false))
                .as("no e-mail at all matches no user").isInstanceOf(EntraUsers.Refused.class);
    }

    @Test
    void aGuestIsRefusedEvenWhenLinkedUnlessGuestsAreAllowed() {
        Identity guest = new Identity(TENANT, LEE, "lead@contoso.example", true);

        assertThat(EntraUsers.decide(guest, USERS, false)).isInstanceOfSatisfying(EntraUsers.Refused.class,
                refused -> assertThat(refused.audit()).contains("a guest", "responder.oidc.allow.guests is false"));
        assertThat(EntraUsers.decide(guest, USERS, true)).isEqualTo(new EntraUsers.SignIn("lead"));
    }

    @Test
    void theAuditLineEscapesTheEmailWhichTheTokenChose() {
        EntraUsers.Decision decision = EntraUsers.decide(
                new Identity(TENANT, SOMEONE_ELSE, "x@contoso.example\nlogin manager", false), USERS, false);

        assertThat(((EntraUsers.Refused) decision).audit()).doesNotContain("\n").contains("x@contoso.example\\nlogin");
    }

    private static UserConfig user(String id, String email, EntraIdentity entra) {
        return UserConfig.newBuilder().setId(id).setName(id).setEmail(email).setEntra(entra).build();
    }
}
