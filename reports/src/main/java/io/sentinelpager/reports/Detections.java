package io.sentinelpager.reports;

import io.sentinelpager.schemas.EnrichedAlert;
import io.sentinelpager.schemas.RoutedAlert;
import io.sentinelpager.schemas.SecurityAlert;

/**
 * Which detection raised a page, for the rule-noise report: a Sentinel analytics rule (its id, else its name), a
 * Defender detection (Graph's detectorId, the same for every alert of one detection), or else the alert's title.
 */
final class Detections {

    record Detection(String id, String label) {
    }

    private Detections() {
    }

    static Detection of(RoutedAlert routed) {
        EnrichedAlert enriched = routed.getEnriched();
        SecurityAlert alert = enriched.getAlert();
        if (present(enriched.getRuleId())) {
            return new Detection("rule:" + enriched.getRuleId(),
                    present(enriched.getRuleName()) ? enriched.getRuleName() : enriched.getRuleId());
        }
        if (present(enriched.getRuleName())) {
            return new Detection("rule:" + enriched.getRuleName(), enriched.getRuleName());
        }
        if (present(alert.getDetectorId())) {
            return new Detection("detector:" + alert.getDetectorId(), alert.getTitle());
        }
        return new Detection("title:" + alert.getTitle(), alert.getTitle());
    }

    private static boolean present(String value) {
        return value != null && !value.isBlank();
    }
}
