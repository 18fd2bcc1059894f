package io.sentinelpager.enrich;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class OffsetTrackerTest {

    static final TopicPartition P0 = new TopicPartition("alerts.raw", 0);
    static final TopicPartition P1 = new TopicPartition("alerts.raw", 1);

    final OffsetTracker offsets = new OffsetTracker();

    @Test
    void aPartitionCommitsOnlyPastRecordsThatAreAllFinished() {
        offsets.received(P0, 10);
        offsets.received(P0, 11);
        offsets.received(P0, 12);
        offsets.finished(P0, 11);
        offsets.finished(P0, 12);
        assertThat(offsets.committable()).as("10 is still waiting for its query").isEmpty();

        offsets.finished(P0, 10);
        Map<TopicPartition, OffsetAndMetadata> due = offsets.committable();
        assertThat(due).containsExactly(Map.entry(P0, new OffsetAndMetadata(13)));
        offsets.committed(due);
        assertThat(offsets.committable()).isEmpty();
        assertThat(offsets.open()).isZero();
    }

    @Test
    void partitionsMoveIndependentlyAndForgottenOnesAreNotCommitted() {
        offsets.received(P0, 0);
        offsets.received(P1, 5);
        offsets.finished(P1, 5);
        assertThat(offsets.committable()).containsExactly(Map.entry(P1, new OffsetAndMetadata(6)));

        offsets.finished(P0, 0);
        offsets.forget(List.of(P0));
        assertThat(offsets.committable()).isEmpty();
    }
}
