package io.sentinelpager.responder;

import io.sentinelpager.responder.auth.OidcLogin;
import io.sentinelpager.schemas.EntraIdentity;
import io.sentinelpager.schemas.UserConfig;
import java.util.List;
import java.util.Optional;

/**
 * Which on-call user a person signed in with Entra ID is: the one whose {@code entra} entry holds the token's tenant
 * and object id, and no other. An e-mail is only a hint: it can change and need not be verified, so a user is never
 * picked by it. When it names a user who has no {@code entra} entry yet, the person is refused and the audit log tells
 * an admin what to add to that user; the admin's config change is the confirmation that links the two.
 */
final class EntraUsers {

    /** What to do with a sign-in. */
    sealed interface Decision {
    }

    /** Open a session for this user. */
    record SignIn(String user) implements Decision {
    }

    /** Refuse: a page for the person (plain text, escaped by whoever renders it) and a line for the audit log. */
    record Refused(String title, String shown, String audit) implements Decision {
    }

    private EntraUsers() {
    }

    static Decision decide(OidcLogin.Identity who, List<UserConfig> users, boolean allowGuests) {
        String account = who.email().isBlank() ? "this Microsoft account" : who.email();
        String logged = LogText.escape(who.email()) + " (tenant " + who.tenant() + ", object " + who.object() + ")";
        if (who.guest() && !allowGuests) {
            return new Refused("Guests may not sign in", account + " is a guest here: another organisation or"
                    + " identity provider signed it in. Guests may not sign in unless an admin allows them.",
                    "sign-in of " + logged + " refused: a guest, and " + ResponderConfig.OIDC_ALLOW_GUESTS.name()
                            + " is false");
        }
        EntraIdentity identity = new EntraIdentity(who.tenant(), who.object());
        Optional<UserConfig> linked = users.stream().filter(u -> identity.equals(u.getEntra())).findFirst();
        if (linked.isPresent()) {
            return new SignIn(linked.get().getId());
        }
        List<UserConfig> sameEmail = who.email().isBlank() ? List.of() : users.stream()
                .filter(u -> u.getEmail() != null && u.getEmail().equalsIgnoreCase(who.email())).toList();
        Optional<UserConfig> unlinked = sameEmail.stream().filter(u -> u.getEntra() == null).findFirst();
        if (unlinked.isPresent()) {
            String user = unlinked.get().getId();
            return new Refused("Ask an admin to confirm it is you", account + " signed in, and on-call user " + user
                    + " has this e-mail, but this Microsoft account is not linked to that user yet. An e-mail alone"
                    + " does not prove who someone is: ask an admin to confirm that you are " + user + ". The"
                    + " responder's log tells them what to add.",
                    "sign-in of " + logged + " refused until an admin confirms: if this is on-call user " + user
                            + ", add `entra: {tenant: " + who.tenant() + ", object: " + who.object() + "}` to that"
                            + " user in the on-call config and run `pager apply`");
        }
        if (!sameEmail.isEmpty()) {
            UserConfig user = sameEmail.get(0);
            return new Refused("Signed in with another account", account + " signed in, but on-call user "
                    + user.getId() + " with this e-mail is linked to another Microsoft account. Sign in with that"
                    + " one, or ask an admin.",
                    "sign-in of " + logged + " refused: on-call user " + user.getId() + " has that e-mail but is"
                            + " linked to object " + user.getEntra().getObjectId() + " of tenant "
                            + user.getEntra().getTenantId());
        }
        return new Refused("Not an on-call user", account + " signed in, but no user of the on-call configuration"
                + " is linked to this Microsoft account or has its e-mail. Ask an admin to add you.",
                "sign-in of " + logged + " refused: no on-call user is linked to it or has that e-mail");
    }
}
