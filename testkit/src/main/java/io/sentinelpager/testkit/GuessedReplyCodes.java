package io.sentinelpager.testkit;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The SMS reply code an attacker works out from an alert key they saw in Azure: the first four bytes of its SHA-256,
 * modulo 10,000, which is how the pager made its codes before they were keyed. Tests send it to show that it no longer
 * acts.
 */
public final class GuessedReplyCodes {

    private GuessedReplyCodes() {
    }

    public static String fromAlertKey(String alertKey) {
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
