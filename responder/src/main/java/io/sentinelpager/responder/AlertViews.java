package io.sentinelpager.responder;

import io.sentinelpager.schemas.AlertLifecycle;
import io.sentinelpager.schemas.EnrichedAlert;
import io.sentinelpager.schemas.EnrichmentTable;
import io.sentinelpager.schemas.RecordLimits;
import io.sentinelpager.schemas.SecurityAlert;
import io.sentinelpager.schemas.TimelineEvent;
import io.sentinelpager.schemas.IncidentState;
import io.sentinelpager.schemas.SyncState;
import io.sentinelpager.schemas.SyncStatus;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/** The JSON shapes the API returns: small, stable field names, independent of the Avro records. */
final class AlertViews {

    private AlertViews() {
    }

    /** @param syncStates what Azure has from us of an alert, by alert key (null: nothing written yet) */
    static Map<String, Object> summary(AlertLifecycle state, Function<String, SyncState> syncStates) {
        SecurityAlert alert = state.getAlert().getEnriched().getAlert();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("key", state.getAlertKey());
        out.put("title", alert.getTitle());
        out.put("severity", alert.getSeverity().name().toLowerCase());
        out.put("status", state.getStatus().name().toLowerCase());
        out.put("owner", state.getOwner());
        out.put("team", state.getAlert().getTeamId());
        out.put("urgency", state.getAlert().getUrgency().name().toLowerCase());
        out.put("summary", state.getAlert().getEnriched().getSummary());
        out.put("recipients", state.getStepRecipients());
        // Held: what is not configured, as "team soc", "chain default", "schedule primary" (the timeline's words);
        // empty otherwise.
        out.put("waitingFor", state.getWaitingFor().stream().map(ref -> ref.startsWith("escalation:")
                ? "chain " + ref.substring("escalation:".length()) : ref.replaceFirst(":", " ")).toList());
        out.put("acknowledgedBy", state.getAcknowledgedBy());
        out.put("createdAt", state.getCreatedAt().toString());
        out.put("updatedAt", state.getUpdatedAt().toString());
        // In the list too, so that an app shows at a glance which alerts Azure does not know the response of.
        out.put("azure", azure(state, syncStates));
        return out;
    }

    /**
     * @param syncStates     what Azure has from us of an alert, by alert key (null: nothing written yet)
     * @param incidentStates the incident's roll-up, by {@code <connector id>:<incident id>} (null: not watched yet)
     */
    static Map<String, Object> detail(AlertLifecycle state, Function<String, SyncState> syncStates,
                                      Function<String, IncidentState> incidentStates) {
        SecurityAlert alert = state.getAlert().getEnriched().getAlert();
        Map<String, Object> out = summary(state, syncStates);
        out.put("description", alert.getDescription());
        out.put("category", alert.getCategory());
        out.put("mitreTechniques", alert.getMitreTechniques());
        out.put("alertWebUrl", alert.getAlertWebUrl());
        out.put("source", alert.getSource().name().toLowerCase());
        out.put("sourceStatus", alert.getStatus().name().toLowerCase());
        EnrichedAlert enriched = state.getAlert().getEnriched();
        out.put("enrichment", enriched.getStatus().name().toLowerCase());
        out.put("facts", facts(enriched));
        out.put("tables", enriched.getTables().stream().map(AlertViews::table).toList());
        out.put("enrichmentLink", enriched.getLink());
        // A grouped page: each alert of the incident with its Azure status, as reported or as we last wrote it.
        Map<String, String> members = new LinkedHashMap<>();
        state.getMembers().forEach((key, status) -> members.put(key, status.name().toLowerCase()));
        out.put("alerts", members);
        out.put("alertsNotListed", state.getMembersUnlisted());
        out.put("incident", incident(state, incidentStates));
        List<Map<String, Object>> timeline = new ArrayList<>(state.getTimeline().stream().map(AlertViews::event).toList());
        if (state.getTimelineDropped() > 0) {
            // Where escalate left events out: after the first ones it keeps (see RecordLimits.TIMELINE_FIRST).
            Map<String, Object> gap = new LinkedHashMap<>();
            gap.put("at", timeline.get(Math.min(RecordLimits.TIMELINE_FIRST, timeline.size()) - 1).get("at"));
            gap.put("type", "omitted");
            gap.put("detail", state.getTimelineDropped() + " events not shown; alert.actions and"
                    + " notifications.receipts have them all");
            timeline.add(Math.min(RecordLimits.TIMELINE_FIRST, timeline.size()), gap);
        }
        out.put("timeline", timeline);
        out.put("comments", timeline.stream().filter(e -> "comment".equals(e.get("type"))).toList());
        return out;
    }

    /**
     * What Azure has from us for the page: of its alerts (one, or each of a group's), the one that needs a person most
     * (a write Azure refused, then one waiting for a retry, then one given up), else the latest applied; null before
     * any write-back.
     */
    private static Map<String, Object> azure(AlertLifecycle state, Function<String, SyncState> syncStates) {
        List<String> keys = state.getMembers().isEmpty() ? List.of(state.getAlertKey())
                : List.copyOf(state.getMembers().keySet());
        List<SyncStatus> urgency = List.of(SyncStatus.APPLIED, SyncStatus.EXPIRED, SyncStatus.PENDING,
                SyncStatus.REJECTED);
        return keys.stream().map(syncStates).filter(Objects::nonNull)
                .max(Comparator.comparingInt((SyncState s) -> urgency.indexOf(s.getState()))
                        .thenComparing(SyncState::getAt))
                .map(s -> {
                    Map<String, Object> out = new LinkedHashMap<>();
                    out.put("state", s.getState().name().toLowerCase());
                    out.put("at", s.getAt().toString());
                    out.put("reason", s.getReason());
                    out.put("nextTry", s.getNextTryAt() == null ? null : s.getNextTryAt().toString());
                    out.put("alert", s.getAlertKey());
                    return out;
                }).orElse(null);
    }

    /** The alert's incident as syncback last read it, and where its roll-up stands; null when not known. */
    private static Map<String, Object> incident(AlertLifecycle state, Function<String, IncidentState> incidentStates) {
        String incidentId = state.getAlert().getEnriched().getAlert().getIncidentId();
        String key = state.getAlertKey();
        if (incidentId == null || key.indexOf(':') < 0) {
            return null;
        }
        IncidentState incident = incidentStates.apply(key.substring(0, key.indexOf(':')) + ":" + incidentId);
        if (incident == null) {
            return null;
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", incidentId);
        out.put("status", incident.getStatus());
        out.put("assignedTo", incident.getAssignedTo());
        out.put("alerts", Map.of("total", incident.getAlertsTotal(), "inProgress", incident.getAlertsInProgress(),
                "resolved", incident.getAlertsResolved()));
        Map<String, Object> rollup = new LinkedHashMap<>();
        rollup.put("state", incident.getRollup().name().toLowerCase());
        rollup.put("at", incident.getAt().toString());
        rollup.put("reason", incident.getReason());
        rollup.put("nextTry", incident.getNextTryAt() == null ? null : incident.getNextTryAt().toString());
        out.put("rollup", rollup);
        return out;
    }

    /** The enrichment's headline facts, in the order a responder reads them; absent ones left out. */
    private static Map<String, Object> facts(EnrichedAlert enriched) {
        Map<String, Object> out = new LinkedHashMap<>();
        if (enriched.getRuleName() != null) {
            out.put("Rule", enriched.getRuleName());
        }
        if (enriched.getQueryStart() != null && enriched.getQueryEnd() != null) {
            out.put("Query window", enriched.getQueryStart() + " – " + enriched.getQueryEnd());
        }
        if (enriched.getSummary() != null) {
            out.put("Evidence", enriched.getSummary());
        }
        if (enriched.getDetail() != null) {
            out.put("Enrichment " + enriched.getStatus().name().toLowerCase().replace('_', ' '), enriched.getDetail());
        }
        return out;
    }

    private static Map<String, Object> table(EnrichmentTable table) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("name", table.getName());
        out.put("columns", table.getColumns().stream().map(c -> Map.of("name", c.getName(), "type", c.getType())).toList());
        out.put("rows", table.getRows());
        out.put("totalCount", table.getTotalRows());
        out.put("truncated", table.getTruncated());
        return out;
    }

    private static Map<String, Object> event(TimelineEvent e) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("at", e.getAt().toString());
        out.put("type", e.getType());
        out.put("actor", e.getActor());
        out.put("channel", e.getChannel());
        out.put("detail", e.getDetail());
        return out;
    }
}
