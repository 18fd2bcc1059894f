package io.sentinelpager.oncall.routing;

import io.sentinelpager.schemas.SecurityAlert;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/** The alert fields a policy condition can test, and how each is read from an alert. */
public final class AlertFields {

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
    public static final Set<String> NAMES = new java.util.TreeSet<>(FIELDS.keySet());

    private AlertFields() {
    }

    /** The values of a field (several for list fields such as mitreTechniques; none when absent). */
    public static List<String> values(SecurityAlert alert, String field) {
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
