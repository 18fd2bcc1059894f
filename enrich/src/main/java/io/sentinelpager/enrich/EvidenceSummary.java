package io.sentinelpager.enrich;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sentinelpager.schemas.RecordLimits;
import java.io.IOException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A one-line summary of what an alert names (devices, users, IPs, files, URLs, processes): what a responder reads
 * first on the phone. Read from a Graph alert's {@code evidence}, or from the {@code Entities} of a Sentinel alert's
 * SecurityAlert row; both give the same line. Bounded whatever the alert holds: each kind keeps its first
 * {@value #MAX_PER_KIND} distinct values and the line is cut at the configured number of bytes with a marker, so an
 * alert with 10,000 evidence items gives the same short line as one with ten.
 */
public final class EvidenceSummary {

    static final int MAX_PER_KIND = 10;

    /**
     * Longest Entities text that is read. Sentinel keeps an alert's entities to a few hundred; beyond this the text is
     * not parsed at all, so that a runaway row costs no more than its length.
     */
    static final int MAX_ENTITIES_LENGTH = 1_000_000;

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The kinds on the line, in the order they are read. */
    private enum Kind {
        HOST("host"), USER("user"), IP("ip"), FILE("file"), URL("url"), PROCESS("process");

        final String label;

        Kind(String label) {
            this.label = label;
        }
    }

    private final int maxBytes;

    /** @param maxBytes the longest line, in UTF-8 bytes */
    public EvidenceSummary(int maxBytes) {
        if (maxBytes < 2) {
            throw new IllegalArgumentException("a summary needs at least 2 bytes, got " + maxBytes);
        }
        this.maxBytes = maxBytes;
    }

    /** The summary line of a Graph alert's evidence, or empty when the alert has no evidence we can name. */
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
        Found found = new Found();
        for (JsonNode item : root.path("evidence")) {
            String type = item.path("@odata.type").asText("");
            if (type.endsWith("deviceEvidence")) {
                found.add(Kind.HOST, item.path("deviceDnsName"));
            } else if (type.endsWith("userEvidence")) {
                found.add(Kind.USER, item.path("userAccount").path("userPrincipalName"));
                found.add(Kind.USER, item.path("userAccount").path("accountName"));
            } else if (type.endsWith("ipEvidence")) {
                found.add(Kind.IP, item.path("ipAddress"));
            } else if (type.endsWith("fileEvidence")) {
                found.add(Kind.FILE, item.path("fileDetails").path("fileName"));
            } else if (type.endsWith("urlEvidence")) {
                found.add(Kind.URL, item.path("url"));
            } else if (type.endsWith("processEvidence")) {
                found.add(Kind.PROCESS, item.path("imageFile").path("fileName"));
                found.add(Kind.USER, item.path("userAccount").path("accountName"));
            }
        }
        return found.summary();
    }

    /**
     * The summary line of the {@code Entities} of a Sentinel alert's SecurityAlert row: a JSON array, as text, of
     * entities such as {@code {"$id":"2","HostName":"srv01","DnsDomain":"contoso.com","Type":"host"}}. Sentinel writes
     * each entity once, with an {@code $id}, and every later mention as {@code {"$ref":"2"}}; an entity may hold
     * others (a process its host, account and image file). So every entity in the tree is read and every
     * {@code $ref} skipped, its entity having been read where it is defined. File hashes, cloud applications and
     * unknown types are not on the line. Empty when there are no entities; empty with the reason when the text is
     * not a JSON array or longer than {@value #MAX_ENTITIES_LENGTH} characters.
     */
    public Summary summarizeEntities(String entitiesJson) {
        if (entitiesJson == null || entitiesJson.isBlank()) {
            return new Summary(null, null);
        }
        if (entitiesJson.length() > MAX_ENTITIES_LENGTH) {
            return new Summary(null, "the Entities of the alert's SecurityAlert row are " + entitiesJson.length()
                    + " characters, more than the " + MAX_ENTITIES_LENGTH + " read, so they are not summarized");
        }
        JsonNode root;
        try {
            root = JSON.readTree(entitiesJson);
        } catch (IOException e) {
            return new Summary(null, "the Entities of the alert's SecurityAlert row are not JSON, so they cannot be"
                    + " summarized");
        }
        if (root == null || !root.isArray()) {
            return new Summary(null, "the Entities of the alert's SecurityAlert row are not a JSON array, so they"
                    + " cannot be summarized");
        }
        Found found = new Found();
        collectEntities(root, found);
        return found.summary();
    }

    /** An entity and the entities inside it; nesting is bounded by the parser's depth limit. */
    private static void collectEntities(JsonNode node, Found found) {
        if (node.isObject()) {
            switch (node.path("Type").asText("").toLowerCase(Locale.ROOT)) {
                case "host" -> found.add(Kind.HOST, hostName(node));
                case "account" -> found.add(Kind.USER, accountName(node));
                case "mailbox" -> found.add(Kind.USER, text(node, "MailboxPrimaryAddress"));
                case "ip" -> found.add(Kind.IP, text(node, "Address"));
                case "file" -> found.add(Kind.FILE, text(node, "Name"));
                case "url" -> found.add(Kind.URL, text(node, "Url"));
                case "process" -> found.add(Kind.PROCESS, firstOf(text(node, "CommandLine"),
                        text(node, "ProcessId")));
                default -> {
                    // a $ref, a file hash, a cloud application or a type we do not know: nothing for the line
                }
            }
        }
        for (JsonNode child : node) {
            if (child.isContainerNode()) {
                collectEntities(child, found);
            }
        }
    }

    /** FQDN, else HostName in its DnsDomain, else the NetBIOS name. */
    private static String hostName(JsonNode host) {
        String name = text(host, "HostName");
        String domain = text(host, "DnsDomain");
        return firstOf(text(host, "FQDN"), name != null && domain != null ? name + "." + domain : name,
                text(host, "NetBiosName"));
    }

    /** The UPN (Name@UPNSuffix) when there is one, else the account's name. */
    private static String accountName(JsonNode account) {
        String name = text(account, "Name");
        String suffix = text(account, "UPNSuffix");
        return firstOf(name != null && suffix != null ? name + "@" + suffix : name, text(account, "DisplayName"));
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.path(field);
        return value.isValueNode() && !value.asText().isBlank() ? value.asText() : null;
    }

    private static String firstOf(String... values) {
        for (String value : values) {
            if (value != null) {
                return value;
            }
        }
        return null;
    }

    /**
     * @param line    the summary, or null when there is nothing to say
     * @param problem why the evidence could not be read, or null
     */
    public record Summary(String line, String problem) {

        /** This line, else the other's; the problems of both. */
        public Summary or(Summary other) {
            String problems = problem == null ? other.problem
                    : other.problem == null ? problem : problem + "; " + other.problem;
            return new Summary(line != null ? line : other.line, problems);
        }
    }

    /** The distinct values of each kind, at most {@value #MAX_PER_KIND} of each. */
    private final class Found {
        private final Map<Kind, Set<String>> values = new EnumMap<>(Kind.class);

        void add(Kind kind, JsonNode value) {
            if (value.isTextual()) {
                add(kind, value.asText());
            }
        }

        void add(Kind kind, String value) {
            Set<String> ofKind = values.computeIfAbsent(kind, k -> new LinkedHashSet<>());
            if (ofKind.size() < MAX_PER_KIND && value != null && !value.isBlank()) {
                ofKind.add(value);
            }
        }

        Summary summary() {
            List<String> parts = new ArrayList<>();
            values.forEach((kind, ofKind) -> {
                if (!ofKind.isEmpty()) {
                    parts.add(kind.label + " " + String.join(", ", ofKind));
                }
            });
            return parts.isEmpty() ? new Summary(null, null)
                    : new Summary(RecordLimits.cut(String.join("; ", parts), maxBytes), null);
        }
    }
}
