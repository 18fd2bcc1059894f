package io.sentinelpager.platform.security;

import io.sentinelpager.platform.config.Secret;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** HMAC over UTF-8 text with a configured key; the one place that turns a {@link Secret} into a MAC key. */
public final class Hmac {

    public static final String SHA256 = "HmacSHA256";
    public static final String SHA1 = "HmacSHA1";

    private Hmac() {
    }

    public static byte[] of(String algorithm, Secret key, String data) {
        try {
            Mac mac = Mac.getInstance(algorithm);
            mac.init(new SecretKeySpec(key.reveal().getBytes(StandardCharsets.UTF_8), algorithm));
            return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            // Every JDK ships both algorithms; reaching this is a broken runtime, not bad input.
            throw new IllegalStateException(algorithm + " is not available", e);
        }
    }

    /** Compares in constant time, so a forger learns nothing from how long a rejection takes. */
    public static boolean same(byte[] expected, byte[] actual) {
        return MessageDigest.isEqual(expected, actual);
    }
}
