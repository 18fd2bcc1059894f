package io.sentinelpager.responder;

import io.javalin.http.ServiceUnavailableResponse;
import io.sentinelpager.responder.auth.Sessions;
import io.sentinelpager.schemas.RevokedSession;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The sessions ended by a logout. A logout writes the session's nonce to responder.revoked-sessions (acknowledged by
 * the broker before the logout answers), and every responder instance reads it back as a global table, so a
 * logged-out cookie is refused everywhere, also after a restart. Nonces logged out here but not read back yet are
 * remembered here, which closes the window on this instance; other instances refuse the cookie moments later.
 *
 * <p>Only the nonce goes to the topic, never the token or its MAC: a session token is a MAC over user, expiry and
 * nonce, so a nonce alone cannot make one, and whoever reads the topic learns nothing to log in with.
 */
final class RevokedSessions {

    interface Ledger {
        void record(RevokedSession revoked) throws Exception;
    }

    private final Function<String, RevokedSession> table;
    private final Ledger ledger;
    /** Nonce → when its session expires, after which it no longer matters. */
    private final Map<String, Instant> revokedHere = new ConcurrentHashMap<>();

    RevokedSessions(Function<String, RevokedSession> table, Ledger ledger) {
        this.table = table;
        this.ledger = ledger;
    }

    boolean revoked(Sessions.Session session) {
        return revokedHere.containsKey(session.nonce()) || table.apply(session.nonce()) != null;
    }

    /** Ends the session on every instance; refused with 503 if Kafka does not take it. */
    void revoke(Sessions.Session session, Instant now) {
        revokedHere.values().removeIf(expiry -> !expiry.isAfter(now));
        // Refused here from now on, even if Kafka does not take it.
        revokedHere.put(session.nonce(), session.expiresAt());
        try {
            ledger.record(RevokedSession.newBuilder().setNonce(session.nonce()).setUserId(session.user())
                    .setRevokedAt(now).setExpiresAt(session.expiresAt()).build());
        } catch (Exception e) {
            throw new ServiceUnavailableResponse("the logout did not reach every instance of the responder; log out"
                    + " again in a moment");
        }
    }
}
