package io.sentinelpager.azure;

import java.util.List;
import java.util.Optional;

/** One page of Sentinel incidents, and ARM's {@code nextLink} to the next one if there is more. */
public record IncidentPage(List<SentinelIncident> incidents, Optional<String> nextLink) {

    public IncidentPage {
        incidents = List.copyOf(incidents);
    }

    public boolean hasNext() {
        return nextLink.isPresent();
    }
}
