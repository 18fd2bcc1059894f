package io.sentinelpager.policy;

import io.sentinelpager.schemas.EnrichedAlert;
import io.sentinelpager.schemas.RoutedAlert;
import io.sentinelpager.schemas.Severity;
import io.sentinelpager.schemas.Urgency;
import java.time.Instant;

/**
 * The route every alert takes when no policy matches: the configured team and chain. Informational and low alerts
 * page with low urgency; everything else, including a severity we cannot read, pages with high urgency.
 */
public final class DefaultRoute {

    public static final String POLICY_ID = "default";

    private final PolicyConfig config;

    public DefaultRoute(PolicyConfig config) {
        this.config = config;
    }

    public RoutedAlert route(EnrichedAlert enriched, Instant now) {
        Severity severity = enriched.getAlert().getSeverity();
        Urgency urgency = severity == Severity.LOW || severity == Severity.INFORMATIONAL ? Urgency.LOW : Urgency.HIGH;
        return RoutedAlert.newBuilder()
                .setEnriched(enriched)
                .setTeamId(config.defaultTeam())
                .setEscalationChainId(config.defaultEscalationChain())
                .setUrgency(urgency)
                .setPolicyId(POLICY_ID)
                .setPolicyVersion(0)
                .setRoutedAt(now)
                .build();
    }
}
