package io.sentinelpager.platform.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.junit.jupiter.api.Test;

class LaneTimestampExtractorTest {

    static final long NOW = 1_796_600_000_000L;
    final LaneTimestampExtractor extractor = new LaneTimestampExtractor();

    @Test
    void anUrgentRecordIsReadAsOlderThanAnyOtherTheTopicsKeep() {
        long storm = extractor.extract(record("alerts.routed", NOW - Duration.ofDays(14).toMillis()), -1);
        long urgent = extractor.extract(record("alerts.routed.urgent", NOW), -1);
        long repartitioned = extractor.extract(record("pager-escalate-page-events-urgent-repartition", NOW), -1);

        assertThat(urgent).isLessThan(storm).isEqualTo(NOW - Duration.ofDays(30).toMillis());
        assertThat(repartitioned).isEqualTo(urgent);
        assertThat(extractor.extract(record("pager-escalate-page-events-repartition", NOW), -1)).isEqualTo(NOW);
    }

    @Test
    void aTimestampNearTheEpochStaysValid() {
        assertThat(extractor.extract(record("notifications.urgent", 5), -1)).isZero();
    }

    @Test
    void restoreGivesAnUrgentRecordItsOwnTimeBackAndLeavesOthersAlone() {
        long read = extractor.extract(record("alerts.enriched.urgent", NOW), -1);

        assertThat(LaneTimestampExtractor.restore(new Record<>("k", "v", read), source("alerts.enriched.urgent"))
                .timestamp()).isEqualTo(NOW);
        assertThat(LaneTimestampExtractor.restore(new Record<>("k", "v", NOW), source("alerts.enriched"))
                .timestamp()).isEqualTo(NOW);
        assertThat(LaneTimestampExtractor.restore(new Record<>("k", "v", NOW), Optional.empty()).timestamp())
                .as("a punctuator's record has no source").isEqualTo(NOW);
    }

    private static ConsumerRecord<Object, Object> record(String topic, long timestamp) {
        return new ConsumerRecord<>(topic, 0, 0, timestamp, TimestampType.CREATE_TIME, 0, 0, "k", "v",
                new RecordHeaders(), Optional.empty());
    }

    private static Optional<RecordMetadata> source(String topic) {
        return Optional.of(new RecordMetadata() {
            @Override
            public String topic() {
                return topic;
            }

            @Override
            public int partition() {
                return 0;
            }

            @Override
            public long offset() {
                return 0;
            }
        });
    }
}
