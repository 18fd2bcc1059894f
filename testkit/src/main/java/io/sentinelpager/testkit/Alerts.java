package io.sentinelpager.testkit;

import io.sentinelpager.schemas.AlertSource;
import io.sentinelpager.schemas.EnrichedAlert;
import io.sentinelpager.schemas.EnrichmentStatus;
import io.sentinelpager.schemas.RoutedAlert;
import io.sentinelpager.schemas.SecurityAlert;
import io.sentinelpager.schemas.Severity;
import io.sentinelpager.schemas.SourceStatus;
import io.sentinelpager.schemas.Urgency;
import java.time.Instant;

/**
 * Alerts as the pipeline passes them on, with every required field filled: a test sets only the fields it is about,
 * so that a new required field in the schema is added here once instead of in every test.
 */
public final class Alerts {

    private Alerts() {
    }

    /**
     * A new HIGH alert from a Graph connector, created, updated and ingested at {@code at}. The key is
     * {@code connector:id}, as ingest makes it; connector and alert id are read from it.
     */
    public static SecurityAlert.Builder alert(String alertKey, Instant at) {
        int colon = alertKey.indexOf(':');
        return SecurityAlert.newBuilder().setAlertKey(alertKey).setConnectorId(alertKey.substring(0, colon))
                .setSource(AlertSource.GRAPH).setAlertId(alertKey.substring(colon + 1)).setTitle("Suspicious sign-in")
                .setSeverity(Severity.HIGH).setStatus(SourceStatus.NEW).setCreatedAt(at).setLastUpdatedAt(at)
                .setIngestedAt(at).setSourceJson("{}");
    }

    /** The alert as enrich passes on one it has no query for, at the time it was ingested. */
    public static EnrichedAlert.Builder enriched(SecurityAlert alert) {
        return EnrichedAlert.newBuilder().setAlert(alert).setStatus(EnrichmentStatus.NOT_APPLICABLE)
                .setEnrichedAt(alert.getIngestedAt());
    }

    /** The alert routed to a team's escalation chain at high urgency by version 1 of policy "test", when ingested. */
    public static RoutedAlert.Builder routed(SecurityAlert alert, String teamId, String escalationChainId) {
        return RoutedAlert.newBuilder().setEnriched(enriched(alert).build()).setTeamId(teamId)
                .setEscalationChainId(escalationChainId).setUrgency(Urgency.HIGH).setPolicyId("test")
                .setPolicyVersion(1).setRoutedAt(alert.getIngestedAt());
    }
}
