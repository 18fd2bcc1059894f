package io.sentinelpager.enrich;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A one-line summary of a Graph alert's evidence (devices, users, IPs, files, URLs, processes): what a responder reads
 * first on the phone. Bounded whatever the alert holds: each kind keeps its first {@value #MAX_PER_KIND} distinct
 * values and the line is cut at the configured length with a marker, so an alert with 10,000 evidence items gives the
 * same short line as one with ten.
 */
public final class EvidenceSummary {

    static final int MAX_PER_KIND = 10;

    private static final ObjectMapper JSON = new ObjectMapper();

    private final int maxLength;

    public EvidenceSummary(int maxLength) {
        if (maxLength < 2) {
            throw new IllegalArgumentException("a summary needs at least 2 characters, got " + maxLength);
        }
        this.maxLength = maxLength;
    }

    /** The summary line, or empty when the alert has no evidence we can name. */
    public Summary summarize(String sourceJson) {
        JsonNode root;
        try {
            root = sourceJson == null ? null : JSON.readTree(sourceJson);
        } catch (IOException e) {
            return new Summary(null, "the alert's source JSON is not JSON, so its evidence cannot be summarized");
        }
        if (root == null || !root.isObject()) {
            return new Summary(null, "the alert's source JSON is not an object, so its evidence cannot be summarized");
        }
        Set<String> devices = new LinkedHashSet<>();
        Set<String> users = new LinkedHashSet<>();
        Set<String> ips = new LinkedHashSet<>();
        Set<String> files = new LinkedHashSet<>();
        Set<String> urls = new LinkedHashSet<>();
        Set<String> processes = new LinkedHashSet<>();
        for (JsonNode item : root.path("evidence")) {
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
            } else if (type.endsWith("urlEvidence")) {
                add(urls, item.path("url"));
            } else if (type.endsWith("processEvidence")) {
                add(processes, item.path("imageFile").path("fileName"));
                add(users, item.path("userAccount").path("accountName"));
            }
        }
        List<String> parts = new ArrayList<>();
        part(parts, "host", devices);
        part(parts, "user", users);
        part(parts, "ip", ips);
        part(parts, "file", files);
        part(parts, "url", urls);
        part(parts, "process", processes);
        if (parts.isEmpty()) {
            return new Summary(null, null);
        }
        return new Summary(Text.cut(String.join("; ", parts), maxLength), null);
    }

    /**
     * @param line    the summary, or null when there is nothing to say
     * @param problem why the evidence could not be read, or null
     */
    public record Summary(String line, String problem) {
    }

    private static void add(Set<String> into, JsonNode value) {
        if (into.size() < MAX_PER_KIND && value.isTextual() && !value.asText().isBlank()) {
            into.add(value.asText());
        }
    }

    private static void part(List<String> parts, String label, Set<String> values) {
        if (!values.isEmpty()) {
            parts.add(label + " " + String.join(", ", values));
        }
    }
}
