package io.sentinelpager.platform.kafka;

import io.sentinelpager.schemas.RecordLimits;
import org.apache.kafka.common.errors.SerializationException;

/**
 * A value larger than {@link RecordLimits#MAX_RECORD_BYTES}, refused while serializing. It is a serialization error on
 * purpose: Kafka Streams hands it to the production handler before the producer sees the record, and a plain producer
 * throws it from {@code send()}; either way the transaction stays intact, whereas a record the producer itself
 * refuses as too large leaves the transaction in an error that only an abort clears.
 */
public final class OversizedRecordException extends SerializationException {

    public OversizedRecordException(String topic, int bytes) {
        super(String.format("a value for %s of %,d bytes is over the limit of %,d bytes", topic, bytes,
                RecordLimits.MAX_RECORD_BYTES));
    }
}
