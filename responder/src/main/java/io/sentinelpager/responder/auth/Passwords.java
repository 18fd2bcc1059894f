package io.sentinelpager.responder.auth;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * Password hashes in the form {@code pbkdf2-sha256$<iterations>$<salt>$<hash>} (base64). PBKDF2-HMAC-SHA256 with
 * 600,000 iterations is OWASP's current recommendation for PBKDF2 and needs nothing beyond the JDK; the iteration
 * count travels in the hash, so it can be raised later without invalidating stored hashes.
 */
public final class Passwords {

    public static final int ITERATIONS = 600_000;
    private static final String PREFIX = "pbkdf2-sha256";
    private static final int SALT_BYTES = 16;
    private static final int HASH_BITS = 256;
    private static final SecureRandom RANDOM = new SecureRandom();

    private Passwords() {
    }

    public static String hash(char[] password) {
        byte[] salt = new byte[SALT_BYTES];
        RANDOM.nextBytes(salt);
        Base64.Encoder b64 = Base64.getEncoder().withoutPadding();
        return PREFIX + "$" + ITERATIONS + "$" + b64.encodeToString(salt) + "$"
                + b64.encodeToString(derive(password, salt, ITERATIONS));
    }

    /** Whether the password matches; comparison in constant time. */
    public static boolean matches(char[] password, String stored) {
        Parsed parsed = parse(stored);
        return MessageDigest.isEqual(derive(password, parsed.salt(), parsed.iterations()), parsed.hash());
    }

    /** Checks the form of a stored hash; the message says what is wrong without repeating the value. */
    public static void validate(String stored) {
        parse(stored);
    }

    private record Parsed(int iterations, byte[] salt, byte[] hash) {
    }

    private static Parsed parse(String stored) {
        String[] parts = stored == null ? new String[0] : stored.split("\\$");
        if (parts.length != 4 || !PREFIX.equals(parts[0])) {
            throw new IllegalArgumentException("not a password hash of the form " + PREFIX
                    + "$<iterations>$<salt>$<hash>; make one with `pager passwd`");
        }
        try {
            int iterations = Integer.parseInt(parts[1]);
            if (iterations < 100_000) {
                throw new IllegalArgumentException("password hash has " + iterations
                        + " iterations, fewer than the 100,000 accepted; make a new one with `pager passwd`");
            }
            return new Parsed(iterations, Base64.getDecoder().decode(parts[2]), Base64.getDecoder().decode(parts[3]));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("password hash has no iteration count after " + PREFIX + "$");
        }
    }

    private static byte[] derive(char[] password, byte[] salt, int iterations) {
        try {
            return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256")
                    .generateSecret(new PBEKeySpec(password, salt, iterations, HASH_BITS)).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("PBKDF2WithHmacSHA256 is not available in this JVM", e);
        }
    }
}
