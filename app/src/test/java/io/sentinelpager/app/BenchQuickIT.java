package io.sentinelpager.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code pager bench --quick} runs to its end and bench.json holds every figure it promises, each one a figure a run
 * could give. How fast anything was is not judged: a benchmark is not a test.
 */
class BenchQuickIT {

    @TempDir
    Path dir;

    @Test
    void aQuickRunWritesEveryFigureWithAPlausibleValue() throws Exception {
        int exit = PagerCommand.commandLine(dir.toString()).execute("bench", "--quick", "--out", "report");

        assertThat(exit).isZero();
        JsonNode bench = new ObjectMapper().readTree(dir.resolve("report").resolve("bench.json").toFile());
        assertThat(bench.at("/storm/paged").asInt()).as("every storm alert paged")
                .isEqualTo(bench.at("/storm/alerts").asInt()).isPositive();
        assertThat(bench.at("/storm/alertsPerSecond").asDouble()).isPositive();
        for (String stage : new String[] {"alerts.raw", "alerts.enriched", "alerts.routed", "notifications.out",
                "notifications.receipts"}) {
            JsonNode rate = bench.at("/storm/stages").get(stage);
            assertThat(rate).as(stage).isNotNull();
            assertThat(rate.get("records").asInt()).as(stage).isGreaterThanOrEqualTo(bench.at("/storm/alerts").asInt());
            assertThat(rate.get("recordsPerSecond").asDouble()).as(stage).isPositive();
        }

        assertThat(bench.at("/steady/paged").asInt()).isEqualTo(bench.at("/steady/alerts").asInt()).isPositive();
        long p50 = bench.at("/steady/p50Ms").asLong();
        assertThat(p50).isPositive().isLessThanOrEqualTo(bench.at("/steady/p99Ms").asLong());
        assertThat(bench.at("/steady/p99Ms").asLong()).isLessThanOrEqualTo(bench.at("/steady/maxMs").asLong());
        assertThat(bench.at("/steady/pollIntervalMs").asLong()).isEqualTo(2000);

        assertThat(bench.at("/priority/paged").asBoolean()).isTrue();
        assertThat(bench.at("/priority/timeToPageMs").asLong()).isPositive();

        int due = bench.at("/escalations/due").asInt();
        assertThat(due).isPositive();
        assertThat(bench.at("/escalations/fired").asInt()).as("every second step fired").isEqualTo(due);
        assertThat(bench.at("/escalations/sent").asInt()).as("every second page sent").isEqualTo(due);
        assertThat(bench.at("/escalations/skippedMinutes").asLong()).as("the clock skipped").isPositive();
        long lateP50 = bench.at("/escalations/p50LatenessMs").asLong();
        assertThat(lateP50).as("no second step fired before the skip").isNotNegative()
                .isLessThanOrEqualTo(bench.at("/escalations/p99LatenessMs").asLong());
        long lateMax = bench.at("/escalations/maxLatenessMs").asLong();
        assertThat(bench.at("/escalations/p99LatenessMs").asLong()).isLessThanOrEqualTo(lateMax);
        assertThat(bench.at("/escalations/allFiredSeconds").asDouble()).isEqualTo(lateMax / 1000.0);
        long readableP50 = bench.at("/escalations/p50ReadableLatenessMs").asLong();
        assertThat(readableP50).as("readable after appended").isGreaterThanOrEqualTo(lateP50)
                .isLessThanOrEqualTo(bench.at("/escalations/p99ReadableLatenessMs").asLong());
        assertThat(bench.at("/escalations/p99ReadableLatenessMs").asLong())
                .isLessThanOrEqualTo(bench.at("/escalations/maxReadableLatenessMs").asLong());
        assertThat(bench.at("/escalations/allSentSeconds").asDouble()).as("sent after fired")
                .isGreaterThanOrEqualTo(bench.at("/escalations/allFiredSeconds").asDouble());

        assertThat(bench.at("/yardstick/producerRecordsPerSecond").asDouble()).isPositive();
        assertThat(bench.at("/yardstick/consumerRecordsPerSecond").asDouble()).isPositive();
        assertThat(bench.at("/ratio").asDouble()).isPositive();

        assertThat(bench.at("/memory/pagerPeakRssMb").asLong()).isPositive();
        assertThat(bench.at("/memory/registryPeakRssMb").asLong()).isPositive();
        assertThat(bench.at("/commit").asText()).isNotBlank();
        assertThat(bench.at("/machine/cores").asInt()).isPositive();
        assertThat(bench.at("/machine/memoryMb").asLong()).isPositive();

        String chart = Files.readString(dir.resolve("report").resolve("storm.html"));
        assertThat(chart).contains("<svg", "alerts.raw", "notifications.receipts").doesNotContain("<script");
    }
}
