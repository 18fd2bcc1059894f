package io.sentinelpager.azure;

import com.microsoft.graph.models.security.Incident;
import java.util.List;
import java.util.Optional;

/** One page of Defender incidents, their alerts inlined, and the {@code @odata.nextLink} if there is more. */
public record GraphIncidentPage(List<Incident> incidents, Optional<String> nextLink) {

    public GraphIncidentPage {
        incidents = List.copyOf(incidents);
    }

    public boolean hasNext() {
        return nextLink.isPresent();
    }
}
