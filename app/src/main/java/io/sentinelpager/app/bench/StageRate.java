package io.sentinelpager.app.bench;

import java.util.List;

/**
 * How fast one stage wrote its records: how many, and when the first and last reached the broker, in milliseconds
 * after the scenario's first alert appeared in Graph. The rate is over the stage's own span, first to last record.
 */
record StageRate(String topic, int records, long firstMs, long lastMs) {

    static StageRate of(String topic, List<Long> appended, long startMillis) {
        long first = appended.stream().mapToLong(Long::longValue).min().orElse(startMillis);
        long last = appended.stream().mapToLong(Long::longValue).max().orElse(startMillis);
        return new StageRate(topic, appended.size(), first - startMillis, last - startMillis);
    }

    double recordsPerSecond() {
        return records <= 1 ? 0 : records / Math.max(0.001, (lastMs - firstMs) / 1000.0);
    }
}
