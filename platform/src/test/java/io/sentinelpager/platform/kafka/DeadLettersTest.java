package io.sentinelpager.platform.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
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

    @Test
    void anUnmarkedRecordOfAnInternalTopicGoesToTheDeadLettersOfTheFallbackCatalogTopic() {
        assertThat(DeadLetters.deadLetterSource("pager-escalate-page-events-repartition", new RecordHeaders(),
                "alert.actions")).isEqualTo("alert.actions");
        assertThat(DeadLetters.deadLetterSource("pager-escalate-pages-changelog", null, "alert.actions"))
                .isEqualTo("alert.actions");
    }

    @Test
    void theEntryMarkerWinsOverTheTopicAndTheFallback() {
        var headers = DeadLetters.enteredFrom(new RecordHeaders(), "alerts.routed");
        assertThat(DeadLetters.deadLetterSource("alerts.enriched", headers, "alert.actions"))
                .isEqualTo("alerts.routed");
    }

    @Test
    void aTopicOutsideTheCatalogAndOutsideStreamsKeepsItsOwnDeadLetters() {
        // Whoever provisions such a topic (a test, with TopicProvisioner) provisions its .dlq with it.
        assertThat(DeadLetters.deadLetterSource("test.in.1234", new RecordHeaders(), "alert.actions"))
                .isEqualTo("test.in.1234");
    }

    @Test
    void everyDeadLetterIsCountedByTopicStageAndReason() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        Metrics.addRegistry(registry);
        try {
            DeadLetters.record("pager-escalate", DeadLetters.Stage.PROCESSING, "pager-escalate-page-events-repartition",
                    0, 3, null, new byte[] {1}, new RecordHeaders(), new IllegalArgumentException("no such page"),
                    "alert.actions");

            assertThat(registry.get("pager_dead_letters").tag("service", "pager-escalate")
                    .tag("topic", "alert.actions").tag("stage", "processing")
                    .tag("reason", "IllegalArgumentException").counter().count()).isEqualTo(1.0);
        } finally {
            Metrics.removeRegistry(registry);
        }
    }

    @Test
    void aDeadLetterOfAnInputAtTheBrokersLimitKeepsItsStartAndSaysWhereTheWholeOneIs() {
        byte[] nearLimit = new byte[1_048_000];
        ProducerRecord<byte[], byte[]> dead = DeadLetters.record("pager-escalate", DeadLetters.Stage.PROCESSING,
                "alert.actions", 1, 99, "k".getBytes(), nearLimit, new RecordHeaders(),
                new IllegalArgumentException("x".repeat(5_000)));

        int headers = 0;
        for (var h : dead.headers()) {
            headers += h.key().length() + h.value().length;
        }
        assertThat(dead.value().length + headers + 1).isLessThanOrEqualTo(DeadLetters.DEAD_LETTER_BYTES);
        assertThat(new String(dead.headers().lastHeader(DeadLetters.HEADER_VALUE_CUT).value(), StandardCharsets.UTF_8))
                .isEqualTo("1048000 bytes in all; the whole value is at alert.actions-1@99 for as long as that topic"
                        + " keeps it");
        // An ordinary dead letter keeps its value whole and has no such header.
        ProducerRecord<byte[], byte[]> small = DeadLetters.record("pager-escalate", DeadLetters.Stage.PROCESSING,
                "alert.actions", 1, 100, "k".getBytes(), new byte[1_000_000], new RecordHeaders(),
                new IllegalArgumentException("too long"));
        assertThat(small.value()).hasSize(1_000_000);
        assertThat(small.headers().lastHeader(DeadLetters.HEADER_VALUE_CUT)).isNull();
    }
}
