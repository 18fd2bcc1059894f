package io.sentinelpager.azure;

import com.microsoft.graph.models.security.AlertClassification;
import com.microsoft.graph.models.security.AlertDetermination;
import com.microsoft.graph.models.security.IncidentStatus;
import java.util.List;

/**
 * What a Graph incident PATCH changes; a null component is left unchanged (not sent).
 *
 * @param customTags       the incident's tags after the update (Graph replaces the list)
 * @param resolvingComment why the incident was resolved, shown with its classification in the Defender portal
 */
public record GraphIncidentUpdate(IncidentStatus status, String assignedTo, AlertClassification classification,
                                  AlertDetermination determination, List<String> customTags,
                                  String resolvingComment) {

    public GraphIncidentUpdate {
        if (status == null && assignedTo == null && classification == null && determination == null
                && customTags == null && resolvingComment == null) {
            throw new IllegalArgumentException("an incident update must change something");
        }
        customTags = customTags == null ? null : List.copyOf(customTags);
    }

    public static GraphIncidentUpdate status(IncidentStatus status) {
        return new GraphIncidentUpdate(status, null, null, null, null, null);
    }
}
