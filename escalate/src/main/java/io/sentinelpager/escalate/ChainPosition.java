package io.sentinelpager.escalate;

import io.sentinelpager.schemas.AlertLifecycle;
import io.sentinelpager.schemas.EscalationChainConfig;

/** Where a page is in its escalation chain: the step paged, in which round (repeat) of the chain. */
record ChainPosition(int step, int round) {

    static final ChainPosition FIRST = new ChainPosition(0, 0);

    static ChainPosition of(AlertLifecycle page) {
        return new ChainPosition(page.getEscalationStep(), page.getEscalationRound());
    }

    static ChainPosition of(AlertLifecycle.Builder page) {
        return new ChainPosition(page.getEscalationStep(), page.getEscalationRound());
    }

    ChainPosition next() {
        return new ChainPosition(step + 1, round);
    }

    /**
     * This step of the chain, or the first step of the next round after the last step; an emergency chain pages
     * every step at once, so any step after its first starts the next round.
     */
    ChainPosition within(EscalationChainConfig chain) {
        return step >= chain.getSteps().size() || (chain.getEmergency() && step > 0)
                ? new ChainPosition(0, round + 1) : this;
    }

    /** ", repeat 2" as the timeline says it; nothing in the first round. */
    String repeat() {
        return round > 0 ? ", repeat " + round : "";
    }
}
