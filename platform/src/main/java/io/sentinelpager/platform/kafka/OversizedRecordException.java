package io.sentinelpager.platform.kafka;

import org.apache.kafka.common.errors.RecordTooLargeException;

/**
 * A record that {@link GuardedClients} refused as too large before the producer saw it, so the producer's
 * transaction is intact and the input that made it can be dead-lettered inside it. Kafka's own
 * {@link RecordTooLargeException}, thrown by the producer, leaves the transaction in an error only an abort clears.
 */
public final class OversizedRecordException extends RecordTooLargeException {

    public OversizedRecordException(String topic, int bytes, int limit) {
        super(String.format("a record for %s of %,d bytes is over the limit of %,d bytes", topic, bytes, limit));
    }
}
