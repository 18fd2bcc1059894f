package io.sentinelpager.azure;

import java.util.List;
import java.util.Optional;

/** One page of alerts, and the {@code @odata.nextLink} to the next one if there is more. */
public record AlertPage(List<SourceAlert> alerts, Optional<String> nextLink) {

    public AlertPage {
        alerts = List.copyOf(alerts);
    }

    public boolean hasNext() {
        return nextLink.isPresent();
    }
}
