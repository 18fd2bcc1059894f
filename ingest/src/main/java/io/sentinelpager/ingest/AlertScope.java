package io.sentinelpager.ingest;

import io.sentinelpager.schemas.SecurityAlert;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Which alerts of a connector are paged. Empty sets take everything.
 *
 * <p>Severity and service source never change on an alert, so a single wanted value of either goes into Graph's
 * {@code $filter} (fewer pages, fewer requests); several values are checked here, because the {@code or} they would
 * need is not something to rely on from every Graph deployment. Status does change, so it is never pushed to Graph and
 * applies only to alerts not yet paged: an alert paged as new that an analyst resolves must still be read, or its
 * page would never close.
 */
record AlertScope(Set<String> severities, Set<String> statuses, Set<String> serviceSources, Set<String> products) {

    static final AlertScope ALL = new AlertScope(Set.of(), Set.of(), Set.of(), Set.of());

    /** The clauses Graph can apply for us, joined with {@code and}; empty when there are none. */
    String graphFilter() {
        List<String> clauses = new ArrayList<>();
        if (severities.size() == 1) {
            clauses.add("severity eq '" + severities.iterator().next() + "'");
        }
        if (serviceSources.size() == 1) {
            clauses.add("serviceSource eq '" + quote(serviceSources.iterator().next()) + "'");
        }
        return String.join(" and ", clauses);
    }

    /**
     * Why a new alert is not paged, or empty when it is. Severity and status are compared in Graph's words (e.g.
     * {@code inProgress}), to which both sources' values were normalized: a Sentinel incident that is Active is
     * {@code inProgress}, one that is Closed is {@code resolved}.
     */
    Optional<String> rejects(SecurityAlert alert) {
        String graphSeverity = alert.getSeverity().name().toLowerCase(Locale.ROOT);
        String graphStatus = switch (alert.getStatus()) {
            case NEW -> "new";
            case IN_PROGRESS -> "inProgress";
            case RESOLVED -> "resolved";
            default -> "unknown";
        };
        if (!severities.isEmpty() && !severities.contains(graphSeverity)) {
            return Optional.of("severity " + graphSeverity + " is not in " + severities);
        }
        if (!statuses.isEmpty() && !statuses.contains(graphStatus)) {
            return Optional.of("status " + graphStatus + " is not in " + statuses);
        }
        if (!serviceSources.isEmpty() && !serviceSources.contains(alert.getServiceSource())) {
            return Optional.of("serviceSource " + alert.getServiceSource() + " is not in " + serviceSources);
        }
        if (!products.isEmpty() && !products.contains(alert.getProductName())) {
            return Optional.of("productName " + alert.getProductName() + " is not in " + products);
        }
        return Optional.empty();
    }

    /** OData string literals double their single quotes. */
    private static String quote(String value) {
        return value.replace("'", "''");
    }
}
