package io.sentinelpager.platform.config;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * A credential read from configuration (a client secret, a password) that cannot leak by accident: {@link #toString()} is
 * {@code ****}, so a secret inside a record, a log line or an exception message shows nothing.
 * Only {@link #reveal()} gives the value, and only the code that hands it to Entra ID calls it.
 */
public final class Secret {

    private final String value;

    private Secret(String value) {
        this.value = value;
    }

    /** @throws IllegalArgumentException if the value is null or blank (the message never holds the value) */
    public static Secret of(String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("a secret must not be blank");
        }
        return new Secret(value);
    }

    public String reveal() {
        return value;
    }

    @Override
    public String toString() {
        return "****";
    }

    /** Compares in constant time, so equality checks do not leak the value through timing. */
    @Override
    public boolean equals(Object other) {
        return other instanceof Secret secret && MessageDigest.isEqual(
                value.getBytes(StandardCharsets.UTF_8), secret.value.getBytes(StandardCharsets.UTF_8));
    }

    /** Constant, so not even a hash of the value leaves this object; secrets are never map keys. */
    @Override
    public int hashCode() {
        return Secret.class.hashCode();
    }
}
