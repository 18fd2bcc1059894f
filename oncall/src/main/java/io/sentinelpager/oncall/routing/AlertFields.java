package io.sentinelpager.oncall.routing;

import io.sentinelpager.schemas.EnrichedAlert;
import io.sentinelpager.schemas.EnrichmentTable;
import io.sentinelpager.schemas.SecurityAlert;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/** The alert fields a policy condition can test, and how each is read from an alert and its enrichment. */
public final class AlertFields {

    /** Rows the enrichment's queries returned in all; a policy can page harder when a rule found a lot. */
    public static final String ENRICHMENT_ROWS = "enrichmentRows";

    private static final Map<String, Function<SecurityAlert, List<String>>> FIELDS = Map.ofEntries(
            one("severity", a -> a.getSeverity().name().toLowerCase(Locale.ROOT)),
            one("status", a -> a.getStatus().name().toLowerCase(Locale.ROOT)),
            one("serviceSource", SecurityAlert::getServiceSource),
            one("detectionSource", SecurityAlert::getDetectionSource),
            one("productName", SecurityAlert::getProductName),
            one("title", SecurityAlert::getTitle),
            one("description", SecurityAlert::getDescription),
            one("category", SecurityAlert::getCategory),
            Map.entry("mitreTechniques", SecurityAlert::getMitreTechniques),
            one("connector", SecurityAlert::getConnectorId),
            one("tenant", SecurityAlert::getTenantId),
            one("source", a -> a.getSource().name().toLowerCase(Locale.ROOT)),
            Map.entry("tags", SecurityAlert::getTags));

    /** Names a condition may use. */
    public static final Set<String> NAMES;

    static {
        java.util.TreeSet<String> names = new java.util.TreeSet<>(FIELDS.keySet());
        names.add(ENRICHMENT_ROWS);
        NAMES = java.util.Collections.unmodifiableSet(names);
    }

    private final SecurityAlert alert;
    private final long enrichmentRows;

    private AlertFields(SecurityAlert alert, long enrichmentRows) {
        this.alert = alert;
        this.enrichmentRows = enrichmentRows;
    }

    public static AlertFields of(SecurityAlert alert) {
        return new AlertFields(alert, 0);
    }

    public static AlertFields of(EnrichedAlert enriched) {
        return new AlertFields(enriched.getAlert(),
                enriched.getTables().stream().mapToLong(EnrichmentTable::getTotalRows).sum());
    }

    java.time.Instant createdAt() {
        return alert.getCreatedAt();
    }

    /** The values of a field (several for list fields such as mitreTechniques; none when absent). */
    public List<String> values(String field) {
        if (ENRICHMENT_ROWS.equals(field)) {
            return List.of(String.valueOf(enrichmentRows));
        }
        Function<SecurityAlert, List<String>> reader = FIELDS.get(field);
        if (reader == null) {
            throw new IllegalArgumentException("unknown alert field '" + field + "'; fields are " + NAMES);
        }
        return reader.apply(alert);
    }

    private static Map.Entry<String, Function<SecurityAlert, List<String>>> one(String name,
                                                                             Function<SecurityAlert, String> reader) {
        return Map.entry(name, a -> {
            String v = reader.apply(a);
            return v == null ? List.of() : List.of(v);
        });
    }
}
