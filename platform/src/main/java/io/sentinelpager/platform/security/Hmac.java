package io.sentinelpager.platform.security;

import io.sentinelpager.platform.config.Secret;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * HMAC over UTF-8 text with a configured key, and keys derived from one; the one place that turns a {@link Secret}
 * into key material.
 */
public final class Hmac {

    public static final String SHA256 = "HmacSHA256";
    public static final String SHA1 = "HmacSHA1";

    private Hmac() {
    }

    public static byte[] of(String algorithm, Secret key, String data) {
        return of(algorithm, key.reveal().getBytes(StandardCharsets.UTF_8), data);
    }

    /** With a key {@link #derive derived} for one purpose. */
    public static byte[] of(String algorithm, byte[] key, String data) {
        try {
            Mac mac = Mac.getInstance(algorithm);
            mac.init(new SecretKeySpec(key, algorithm));
            return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            // Every JDK ships both algorithms; reaching this is a broken runtime, not bad input.
            throw new IllegalStateException(algorithm + " is not available", e);
        }
    }

    /**
     * A key for one purpose, derived from a configured secret with HKDF-SHA256 (RFC 5869; no salt, the label as
     * {@code info}). Keys under different labels are unrelated, so one shared setting can key several uses without
     * the key of one opening or forging the data of another.
     */
    public static byte[] derive(Secret key, String label, int length) {
        return hkdf(new byte[0], key.reveal().getBytes(StandardCharsets.UTF_8), label.getBytes(StandardCharsets.UTF_8),
                length);
    }

    /** RFC 5869: extract, then expand to {@code length} bytes (at most 255 hash lengths). */
    static byte[] hkdf(byte[] salt, byte[] inputKey, byte[] info, int length) {
        try {
            Mac mac = Mac.getInstance(SHA256);
            int hashLength = mac.getMacLength();
            if (length < 1 || length > 255 * hashLength) {
                throw new IllegalArgumentException("HKDF-SHA256 derives 1 to " + 255 * hashLength + " bytes");
            }
            // An absent salt is a string of hash-length zeros (RFC 5869 section 2.2).
            mac.init(new SecretKeySpec(salt.length == 0 ? new byte[hashLength] : salt, SHA256));
            byte[] pseudoRandomKey = mac.doFinal(inputKey);
            mac.init(new SecretKeySpec(pseudoRandomKey, SHA256));
            byte[] out = new byte[length];
            byte[] block = new byte[0];
            for (int i = 1, at = 0; at < length; i++) {
                mac.update(block);
                mac.update(info);
                mac.update((byte) i);
                block = mac.doFinal();
                System.arraycopy(block, 0, out, at, Math.min(block.length, length - at));
                at += block.length;
            }
            return out;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(SHA256 + " is not available", e);
        }
    }

    /** Compares in constant time, so a forger learns nothing from how long a rejection takes. */
    public static boolean same(byte[] expected, byte[] actual) {
        return MessageDigest.isEqual(expected, actual);
    }
}
