package io.sentinelpager.platform.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

class DeadLettersTest {

    @Test
    void aRecordFailingInARepartitionTopicGoesToTheDeadLettersOfTheTopicItEnteredFrom() {
        var headers = DeadLetters.enteredFrom(new RecordHeaders(), "alert.actions");
        ProducerRecord<byte[], byte[]> dead = DeadLetters.record("pager-escalate", DeadLetters.Stage.PROCESSING,
                "pager-escalate-page-events-repartition", 2, 41, "k".getBytes(), "v".getBytes(), headers,
                new IllegalArgumentException("never seen"));

        assertThat(dead.topic()).isEqualTo("alert.actions.dlq");
        // Provenance still names where it failed.
        assertThat(new String(dead.headers().lastHeader(DeadLetters.HEADER_TOPIC).value(), StandardCharsets.UTF_8))
                .isEqualTo("pager-escalate-page-events-repartition");
    }

    @Test
    void aRecordReadFromTheCatalogGoesToItsOwnDeadLetters() {
        ProducerRecord<byte[], byte[]> dead = DeadLetters.record("pager-policy", DeadLetters.Stage.DESERIALIZATION,
                "alerts.enriched", 0, 7, null, new byte[] {1}, new RecordHeaders(), new IllegalStateException("x"));
        assertThat(dead.topic()).isEqualTo("alerts.enriched.dlq");
    }

    @Test
    void aMarkerThatCameWithTheInputIsReplacedByTheTopicThisServiceReadItFrom() {
        var twice = DeadLetters.enteredFrom(DeadLetters.enteredFrom(null, "alerts.enriched"), "alerts.routed");
        assertThat(twice.headers("pager.entered.from")).hasSize(1);
        assertThat(new String(twice.lastHeader(DeadLetters.HEADER_ENTERED_FROM).value(), StandardCharsets.UTF_8))
                .isEqualTo("alerts.routed");
    }
}
