package io.sentinelpager.responder;

import io.sentinelpager.schemas.AlertLifecycle;
import io.sentinelpager.schemas.SecurityAlert;
import io.sentinelpager.schemas.TimelineEvent;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The JSON shapes the API returns: small, stable field names, independent of the Avro records. */
final class AlertViews {

    private AlertViews() {
    }

    static Map<String, Object> summary(AlertLifecycle state) {
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
        out.put("acknowledgedBy", state.getAcknowledgedBy());
        out.put("createdAt", state.getCreatedAt().toString());
        out.put("updatedAt", state.getUpdatedAt().toString());
        return out;
    }

    static Map<String, Object> detail(AlertLifecycle state) {
        SecurityAlert alert = state.getAlert().getEnriched().getAlert();
        Map<String, Object> out = summary(state);
        out.put("description", alert.getDescription());
        out.put("category", alert.getCategory());
        out.put("mitreTechniques", alert.getMitreTechniques());
        out.put("alertWebUrl", alert.getAlertWebUrl());
        out.put("sourceStatus", alert.getStatus().name().toLowerCase());
        out.put("enrichment", state.getAlert().getEnriched().getStatus().name().toLowerCase());
        List<Map<String, Object>> timeline = state.getTimeline().stream().map(AlertViews::event).toList();
        out.put("timeline", timeline);
        out.put("comments", timeline.stream().filter(e -> "comment".equals(e.get("type"))).toList());
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
