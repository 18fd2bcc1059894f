package io.sentinelpager.escalate;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What an operator watches of escalate on /metrics: how many pages of this instance's partitions are held because the
 * team, chain or schedule they need is not configured. A gauge, not a counter: what matters is that it goes back to
 * zero after {@code pager apply}, and a page held for an hour is one page, not one event. Every instance reports its own
 * partitions' pages, so the sum over the instances is the whole count.
 */
final class EscalateMetrics {

    static final String PAGES_HELD = "escalate.pages.held";

    private final AtomicLong held = new AtomicLong();

    EscalateMetrics(MeterRegistry registry) {
        Gauge.builder(PAGES_HELD, held, AtomicLong::get)
                .description("pages held on this instance because their team, escalation chain or schedule is not"
                        + " configured; each is paged when it is")
                .register(registry);
    }

    /** A task's count of held pages changed by {@code delta} (a page was held or released, or a partition moved). */
    void heldChanged(long delta) {
        held.addAndGet(delta);
    }
}
