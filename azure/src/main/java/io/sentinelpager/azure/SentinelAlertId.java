package io.sentinelpager.azure;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The id under which Sentinel Pager knows an alert read through the Sentinel incidents API: the incident's name, and
 * the name of the incident's SecurityAlert entity ({@code <incident>:<alert>}), or the incident's name alone for an
 * incident without alerts (one an analyst created by hand). Ingest writes it as the alert id, and syncback reads the
 * incident back out of it, because what Azure is told (status, owner, classification, comments) lives on the
 * incident: Sentinel has no write API for a single alert.
 *
 * <p>The separator is a colon because the id travels in a URL path segment of the responder's API (a slash would
 * split it), and incident and alert names are GUIDs, which never contain one.
 */
public record SentinelAlertId(String incidentName, Optional<String> alertName) {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]{1,128}");

    public SentinelAlertId {
        if (incidentName == null || !NAME.matcher(incidentName).matches()) {
            throw new IllegalArgumentException("not a Sentinel incident name: '" + incidentName + "'");
        }
        alertName = alertName == null ? Optional.empty() : alertName;
        alertName.filter(a -> !NAME.matcher(a).matches()).ifPresent(a -> {
            throw new IllegalArgumentException("not a Sentinel alert name: '" + a + "'");
        });
    }

    public static SentinelAlertId of(String incidentName, String alertName) {
        return new SentinelAlertId(incidentName, Optional.ofNullable(alertName));
    }

    /**
     * Reads an id that {@link #value()} wrote.
     *
     * @throws IllegalArgumentException naming the id, if it is not one
     */
    public static SentinelAlertId parse(String value) {
        if (value == null) {
            throw new IllegalArgumentException("no Sentinel alert id");
        }
        int colon = value.indexOf(':');
        try {
            return colon < 0 ? of(value, null) : of(value.substring(0, colon), value.substring(colon + 1));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + value + "' is not a Sentinel alert id"
                    + " (<incident name>[:<alert name>]): " + e.getMessage(), e);
        }
    }

    public String value() {
        return alertName.map(a -> incidentName + ":" + a).orElse(incidentName);
    }

    @Override
    public String toString() {
        return value();
    }
}
