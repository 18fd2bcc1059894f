package io.sentinelpager.platform.service;

/**
 * A running part of the pipeline. The runner starts it, asks whether it is ready, and closes it on shutdown;
 * a service supplies only its flow (a Streams topology or a loop).
 */
public interface Service extends AutoCloseable {

    String name();

    /** Starts work in the background and returns. */
    void start();

    /** True once the service is processing (for {@code /health/ready}). */
    boolean ready();

    /** Finishes in-flight work and releases resources; must be safe to call more than once. */
    @Override
    void close();
}
