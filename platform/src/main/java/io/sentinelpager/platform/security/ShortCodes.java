package io.sentinelpager.platform.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The short number a person types in an SMS reply ({@code ack 4821}) to name an alert. It is derived from the alert
 * key, so notify and the responder agree on it without sharing state: the responder finds the alert by computing the
 * code of each open alert of the replying person. Four digits collide rarely among one person's open alerts; the
 * responder must ask back when two match. Not a secret: the reply's sender number and Twilio's signature authenticate.
 */
public final class ShortCodes {

    private ShortCodes() {
    }

    public static String of(String alertKey) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(alertKey.getBytes(StandardCharsets.UTF_8));
            int n = ((digest[0] & 0xff) << 24 | (digest[1] & 0xff) << 16 | (digest[2] & 0xff) << 8 | (digest[3] & 0xff))
                    & 0x7fffffff;
            return String.format("%04d", n % 10_000);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }
}
