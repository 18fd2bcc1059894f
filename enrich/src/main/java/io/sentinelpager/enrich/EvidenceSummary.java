package io.sentinelpager.enrich;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sentinelpager.schemas.EnrichedAlert;
import io.sentinelpager.schemas.EnrichmentStatus;
import io.sentinelpager.schemas.SecurityAlert;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A one-line summary of a Graph alert's evidence (devices, users, IPs, files): what a responder reads first on the
 * phone. Query-based enrichment for Sentinel analytics rules comes with the Log Analytics connector; until then the
 * status says {@code NOT_APPLICABLE} and the alert is passed on at once.
 */
public final class EvidenceSummary {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final int maxLength;

    public EvidenceSummary(EnrichConfig config) {
        this.maxLength = config.maxSummaryLength();
    }

    public EnrichedAlert enrich(SecurityAlert alert, Instant now) {
        return EnrichedAlert.newBuilder()
                .setAlert(alert)
                .setStatus(EnrichmentStatus.NOT_APPLICABLE)
                .setSummary(summarize(alert.getSourceJson()))
                .setEnrichedAt(now)
                .build();
    }

    String summarize(String sourceJson) {
        JsonNode evidence;
        try {
            evidence = JSON.readTree(sourceJson).path("evidence");
        } catch (IOException e) {
            return null;
        }
        Set<String> devices = new LinkedHashSet<>();
        Set<String> users = new LinkedHashSet<>();
        Set<String> ips = new LinkedHashSet<>();
        Set<String> files = new LinkedHashSet<>();
        for (JsonNode item : evidence) {
            String type = item.path("@odata.type").asText("");
            if (type.endsWith("deviceEvidence")) {
                add(devices, item.path("deviceDnsName"));
            } else if (type.endsWith("userEvidence")) {
                add(users, item.path("userAccount").path("userPrincipalName"));
                add(users, item.path("userAccount").path("accountName"));
            } else if (type.endsWith("ipEvidence")) {
                add(ips, item.path("ipAddress"));
            } else if (type.endsWith("fileEvidence")) {
                add(files, item.path("fileDetails").path("fileName"));
            } else if (type.endsWith("processEvidence")) {
                add(files, item.path("imageFile").path("fileName"));
                add(users, item.path("userAccount").path("accountName"));
            }
        }
        List<String> parts = new ArrayList<>();
        part(parts, "host", devices);
        part(parts, "user", users);
        part(parts, "ip", ips);
        part(parts, "file", files);
        if (parts.isEmpty()) {
            return null;
        }
        String summary = String.join("; ", parts);
        return summary.length() <= maxLength ? summary : summary.substring(0, maxLength - 1) + "…";
    }

    private static void add(Set<String> into, JsonNode value) {
        if (value.isTextual() && !value.asText().isBlank()) {
            into.add(value.asText());
        }
    }

    private static void part(List<String> parts, String label, Set<String> values) {
        if (!values.isEmpty()) {
            parts.add(label + " " + String.join(", ", values));
        }
    }
}
