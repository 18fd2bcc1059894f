package io.sentinelpager.enrich;

import io.sentinelpager.schemas.AlertSource;
import io.sentinelpager.schemas.SecurityAlert;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Which alerts came from Microsoft Sentinel, and the KQL that finds such an alert's row in the workspace's
 * {@code SecurityAlert} table. Graph marks Sentinel alerts with {@code serviceSource: microsoftSentinel} (the
 * Defender portal), the Sentinel incidents API gives them as source SENTINEL. Which id Graph's alert carries is not
 * documented (the Graph alert id, or its providerAlertId, may be Sentinel's SystemAlertId or the vendor's original
 * id), so the lookup asks for every candidate in both columns.
 */
final class SentinelRuleAlert {

    static final String SENTINEL_SERVICE_SOURCE = "microsoftSentinel";

    /**
     * Ids go into the query text, so only the characters Graph and Sentinel ids are made of are accepted: an id
     * never changes what the query does (no quote, no pipe, no statement separator).
     */
    private static final Pattern SAFE_ID = Pattern.compile("[A-Za-z0-9_.:-]{1,200}");

    private SentinelRuleAlert() {
    }

    static boolean fromSentinel(SecurityAlert alert) {
        return alert.getSource() == AlertSource.SENTINEL
                || SENTINEL_SERVICE_SOURCE.equalsIgnoreCase(alert.getServiceSource());
    }

    /** The alert's ids that may name its SecurityAlert row, in the order worth trying; unsafe ones are left out. */
    static List<String> candidateIds(SecurityAlert alert) {
        Set<String> ids = new LinkedHashSet<>();
        for (String id : new String[] {alert.getProviderAlertId(), alert.getAlertId()}) {
            if (id != null && SAFE_ID.matcher(id).matches()) {
                ids.add(id);
            }
        }
        return new ArrayList<>(ids);
    }

    /** The query for the alert's row: the newest row of any candidate id. */
    static String lookupQuery(List<String> ids) {
        if (ids.isEmpty()) {
            throw new IllegalArgumentException("no id to look up");
        }
        String list = ids.stream().map(id -> "'" + id + "'").collect(Collectors.joining(", "));
        return "SecurityAlert\n| where SystemAlertId in (" + list + ") or VendorOriginalId in (" + list + ")\n"
                + "| summarize arg_max(TimeGenerated, *) by SystemAlertId\n| take 10";
    }
}
