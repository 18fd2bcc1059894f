package io.sentinelpager.platform.security;

import io.sentinelpager.platform.config.Secret;

/**
 * The four digits a person types in an SMS reply ({@code ack 4821}) to name an alert. A code is an HMAC over the
 * alert key and the person's user id, under a key derived from {@code links.key}: so it cannot be worked out from the
 * alert key (which attackers may see in Azure), a code sent to one person does not work from another person's number,
 * and notify and every responder instance agree on it without sharing any state. Four digits are guessable, which is
 * why the responder counts wrong codes per number, and why a code may only acknowledge or take ownership.
 * Two of one person's open alerts may share a code; the responder then asks them to use the app.
 */
public final class ReplyCodes {

    /** Labels the derived key, so a reply code never doubles as a link signature or a sealing key. */
    static final String LABEL = "sms reply codes v1";

    private final byte[] key;

    public ReplyCodes(Secret linksKey) {
        this.key = Hmac.derive(linksKey, LABEL, 32);
    }

    /** The code of this alert for this person. */
    public String of(String alertKey, String userId) {
        // The key's length first: no alert key and user id can be shifted into another pair with the same input.
        byte[] mac = Hmac.of(Hmac.SHA256, key, alertKey.length() + ":" + alertKey + "\n" + userId);
        int n = (mac[0] & 0xff) << 24 | (mac[1] & 0xff) << 16 | (mac[2] & 0xff) << 8 | (mac[3] & 0xff);
        return String.format("%04d", Integer.remainderUnsigned(n, 10_000));
    }
}
