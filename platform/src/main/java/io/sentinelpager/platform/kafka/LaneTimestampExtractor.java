package io.sentinelpager.platform.kafka;

import io.sentinelpager.schemas.Topics;
import java.time.Duration;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.processor.FailOnInvalidTimestamp;
import org.apache.kafka.streams.processor.TimestampExtractor;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;

/**
 * Makes a task take its urgent records before the others it has buffered. A task picks its next record from the
 * partition whose head has the lowest timestamp; an urgent record, read from a {@code .urgent} twin or an
 * {@code -urgent-repartition} topic, is younger than a storm it arrives behind and would lose that choice. So it is
 * read as {@link #LEAD} older than it is: a month is longer than any alert-flow topic keeps a record, so every urgent
 * record sorts before every other. Stream time is the largest timestamp seen and every punctuator here runs on wall
 * time, so nothing else reads the shifted value; a processor that forwards its input's timestamp onto another topic
 * puts the real one back with {@link #restore}.
 */
public final class LaneTimestampExtractor implements TimestampExtractor {

    /** How much older an urgent record is read as than it is. */
    public static final Duration LEAD = Duration.ofDays(30);
    private static final String URGENT_REPARTITION = "-urgent-repartition";

    private final TimestampExtractor standard = new FailOnInvalidTimestamp();

    /** Whether the topic is an urgent lane: a catalog twin, or a repartition topic named {@code ...-urgent}. */
    public static boolean urgent(String topic) {
        return topic != null && (topic.endsWith(Topics.URGENT_SUFFIX) || topic.endsWith(URGENT_REPARTITION));
    }

    @Override
    public long extract(ConsumerRecord<Object, Object> record, long partitionTime) {
        long timestamp = standard.extract(record, partitionTime);
        // Streams drops a record with a negative timestamp; only a test's records are that close to the epoch.
        return urgent(record.topic()) ? Math.max(0, timestamp - LEAD.toMillis()) : timestamp;
    }

    /** The record with the timestamp it had on its topic, when it was read from an urgent lane. */
    public static <K, V> Record<K, V> restore(Record<K, V> record, Optional<RecordMetadata> source) {
        return source.map(RecordMetadata::topic).filter(LaneTimestampExtractor::urgent).isPresent()
                ? record.withTimestamp(record.timestamp() + LEAD.toMillis()) : record;
    }
}
