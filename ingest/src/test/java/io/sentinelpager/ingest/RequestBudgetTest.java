package io.sentinelpager.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** A connector that spent its budget is due again when a request is free, rather than holding up the loop. */
class RequestBudgetTest {

    static final Instant START = Instant.parse("2026-12-07T00:00:00Z");

    @Test
    void aRequestIsFreeAtOnceUntilTheBurstIsSpentThenAtTheNextRefill() {
        RequestBudget budget = new RequestBudget(60, START);
        assertThat(budget.availableAt()).isBeforeOrEqualTo(START);

        for (int i = 0; i < 60; i++) {
            assertThat(budget.take(START)).isZero();
        }

        assertThat(budget.availableAt()).as("one request a second").isEqualTo(START.plusSeconds(1));
        assertThat(budget.take(START)).isEqualTo(Duration.ofSeconds(1));
        assertThat(budget.take(budget.availableAt())).isZero();
    }
}
