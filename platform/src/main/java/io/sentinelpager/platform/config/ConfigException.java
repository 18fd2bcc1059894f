package io.sentinelpager.platform.config;

/** A setting is missing or malformed. The message names the key, where its value came from, and what was wrong. */
public class ConfigException extends RuntimeException {
    public ConfigException(String message) {
        super(message);
    }

    public ConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
