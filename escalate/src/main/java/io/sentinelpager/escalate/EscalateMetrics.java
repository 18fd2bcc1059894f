package io.sentinelpager.escalate;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.sentinelpager.schemas.AlertLifecycle;
import io.sentinelpager.schemas.LifecycleStatus;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What an operator watches of escalate on /metrics: the pages opened and the escalations to a next step, per urgency
 * (and the page's connector), and how many pages of this instance's partitions are held because the team, chain or
 * schedule they need is not configured. Held is a gauge, not a counter: what matters is that it goes back to zero
 * after {@code pager apply}, and a page held for an hour is one page, not one event. Every instance reports its own
 * partitions' pages, so the sum over the instances is the whole count.
 *
 * <p>The counters count decisions of a processing that may still abort: a crash between a decision and its commit
 * counts it again when the record is replayed.
 */
final class EscalateMetrics {

    static final String PAGES_HELD = "escalate.pages.held";
    static final String PAGES = "pager_pages";
    static final String ESCALATIONS = "pager_escalations";

    private final MeterRegistry registry;
    private final AtomicLong held = new AtomicLong();

    EscalateMetrics(MeterRegistry registry) {
        this.registry = registry;
        Gauge.builder(PAGES_HELD, held, AtomicLong::get)
                .description("pages held on this instance because their team, escalation chain or schedule is not"
                        + " configured; each is paged when it is")
                .register(registry);
    }

    /** A task's count of held pages changed by {@code delta} (a page was held or released, or a partition moved). */
    void heldChanged(long delta) {
        held.addAndGet(delta);
    }

    /**
     * Counts what a decision did to a page: opened it (a first alert, or a reopen) or moved it to a later step of its
     * chain because nobody acknowledged. Releasing a held page at the step it was held at is neither.
     */
    void decided(Optional<AlertLifecycle> before, AlertLifecycle after) {
        if (!open(after)) {
            return;
        }
        String urgency = after.getAlert().getUrgency().name().toLowerCase(Locale.ROOT);
        if (before.isEmpty() || before.get().getReopened() < after.getReopened()) {
            Counter.builder(PAGES).tag("urgency", urgency)
                    .tag("connector", after.getAlert().getEnriched().getAlert().getConnectorId())
                    .description("pages opened: an alert that pages, or a page reopened; alerts grouped into a page"
                            + " already open are not counted")
                    .register(registry).increment();
        } else if (open(before.get()) && position(after) > position(before.get())) {
            Counter.builder(ESCALATIONS).tag("urgency", urgency)
                    .description("pages moved to a later step of their escalation chain because nobody acknowledged")
                    .register(registry).increment();
        }
    }

    private static boolean open(AlertLifecycle page) {
        return page.getStatus() == LifecycleStatus.TRIGGERED || page.getStatus() == LifecycleStatus.HELD;
    }

    private static long position(AlertLifecycle page) {
        return ((long) page.getEscalationRound() << 32) + page.getEscalationStep();
    }
}
