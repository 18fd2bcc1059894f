package io.sentinelpager.platform.config;

import java.util.Objects;

/**
 * A credential read from configuration. Its {@link #toString()} never reveals the value, so a secret that ends up
 * in a log line, an exception or a record printed by a test shows as ****.
 */
public final class Secret {
    private final String value;

    private Secret(String value) {
        this.value = Objects.requireNonNull(value, "value");
    }

    public static Secret of(String value) {
        return new Secret(value);
    }

    /** The secret itself; call only where it is handed to the client that needs it. */
    public String reveal() {
        return value;
    }

    @Override
    public String toString() {
        return "****";
    }
}
