package io.sentinelpager.policy;

import io.sentinelpager.schemas.EnrichedAlert;
import io.sentinelpager.schemas.PolicyConfig;
import io.sentinelpager.schemas.RouteDecision;
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

    private final PolicyServiceConfig config;

    public DefaultRoute(PolicyServiceConfig config) {
        this.config = config;
    }

    /** The decision for an alert's first record, by the policy that matched it (or none). */
    public RoutedAlert route(EnrichedAlert enriched, PolicyConfig policy, Instant now) {
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

    /** What is kept of a first record's routing: everything but the alert. */
    public static RouteDecision decision(RoutedAlert routed) {
        return RouteDecision.newBuilder().setTeamId(routed.getTeamId())
                .setEscalationChainId(routed.getEscalationChainId()).setUrgency(routed.getUrgency())
                .setPolicyId(routed.getPolicyId()).setPolicyVersion(routed.getPolicyVersion())
                .setGroupKey(routed.getGroupKey()).setMaintenance(routed.getMaintenance())
                .setSuppressReason(routed.getSuppressReason()).setDecidedAt(routed.getRoutedAt()).build();
    }

    /** A later record of an alert, routed the way its first record was. */
    public static RoutedAlert follow(RouteDecision decision, EnrichedAlert enriched, Instant now) {
        return RoutedAlert.newBuilder().setEnriched(enriched).setTeamId(decision.getTeamId())
                .setEscalationChainId(decision.getEscalationChainId()).setUrgency(decision.getUrgency())
                .setPolicyId(decision.getPolicyId()).setPolicyVersion(decision.getPolicyVersion())
                .setGroupKey(decision.getGroupKey()).setMaintenance(decision.getMaintenance())
                .setSuppressReason(decision.getSuppressReason()).setRoutedAt(now).build();
    }
}
