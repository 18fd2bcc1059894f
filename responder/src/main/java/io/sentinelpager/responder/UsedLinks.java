package io.sentinelpager.responder;

import io.sentinelpager.platform.security.ActionLinks;
import io.sentinelpager.schemas.UsedLink;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The ledger that makes a one-click link work once. A used nonce is written to responder.used-links (acknowledged by
 * the broker before the action is taken) and read back by every responder instance as a global table, so a link
 * used on one instance, or before a restart, is refused everywhere. Nonces this instance spent but has not read back
 * yet are remembered here, which closes the window on this instance; two instances racing on the same link within
 * moments is the one case left, and a second acknowledgement of the same alert changes nothing.
 */
final class UsedLinks {

    interface Ledger {
        void record(UsedLink used) throws Exception;
    }

    private final Function<String, UsedLink> table;
    private final Ledger ledger;
    private final Set<String> spentHere = ConcurrentHashMap.newKeySet();

    UsedLinks(Function<String, UsedLink> table, Ledger ledger) {
        this.table = table;
        this.ledger = ledger;
    }

    /** Spends the link's nonce; false if it was spent before. */
    boolean spend(ActionLinks.Claims claims, Instant now) {
        if (table.apply(claims.nonce()) != null || !spentHere.add(claims.nonce())) {
            return false;
        }
        try {
            ledger.record(UsedLink.newBuilder().setNonce(claims.nonce()).setAlertKey(claims.alertKey())
                    .setUserId(claims.userId()).setAction(claims.action().name()).setUsedAt(now)
                    .setExpiresAt(claims.expiresAt()).build());
            return true;
        } catch (Exception e) {
            // Not durably spent: refuse now and let the person retry, rather than act on a link that could be reused.
            spentHere.remove(claims.nonce());
            throw new IllegalStateException("could not record the use of the link; try again in a moment", e);
        }
    }
}
