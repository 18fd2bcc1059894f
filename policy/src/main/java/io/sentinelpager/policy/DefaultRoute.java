package io.sentinelpager.policy;

import io.sentinelpager.schemas.EnrichedAlert;

import io.sentinelpager.schemas.RoutedAlert;
import io.sentinelpager.schemas.Severity;
import io.sentinelpager.schemas.Urgency;
import java.time.Instant;

/**
 * Turns the policy decision into a routed alert. When no policy matches, the alert takes the default route: the
 * configured team and chain, low urgency for informational and low alerts, high for the rest (including a severity
 * we cannot read). No alert is ever left without a route.
 */
public final class DefaultRoute {

    public static final String POLICY_ID = "default";

    private final io.sentinelpager.policy.PolicyConfig config;

    public DefaultRoute(io.sentinelpager.policy.PolicyConfig config) {
        this.config = config;
    }

    public RoutedAlert route(EnrichedAlert enriched, io.sentinelpager.schemas.PolicyConfig policy, Instant now) {
        RoutedAlert.Builder routed = RoutedAlert.newBuilder().setEnriched(enriched).setRoutedAt(now);
        if (policy == null) {
            Severity severity = enriched.getAlert().getSeverity();
            return routed.setTeamId(config.defaultTeam()).setEscalationChainId(config.defaultEscalationChain())
                    .setUrgency(severity == Severity.LOW || severity == Severity.INFORMATIONAL ? Urgency.LOW : Urgency.HIGH)
                    .setPolicyId(POLICY_ID).setPolicyVersion(0).build();
        }
        String chain = policy.getEscalationChainId().isEmpty() ? config.defaultEscalationChain()
                : policy.getEscalationChainId();
        String incident = enriched.getAlert().getIncidentId();
        if (policy.getGroupByIncident() && incident != null && !incident.isBlank()) {
            routed.setGroupKey(enriched.getAlert().getConnectorId() + ":incident:" + incident);
        }
        return routed.setTeamId(policy.getSuppress() ? "" : policy.getTeamId()).setEscalationChainId(chain)
                .setMaintenance(policy.getMaintenance())
                .setUrgency(policy.getUrgency()).setPolicyId(policy.getId()).setPolicyVersion(policy.getVersion())
                .setSuppressReason(policy.getSuppress() ? policy.getSuppressReason() : null).build();
    }
}
