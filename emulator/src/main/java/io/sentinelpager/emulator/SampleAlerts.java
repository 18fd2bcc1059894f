package io.sentinelpager.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Realistic Graph alerts for tests and the demo, built from Microsoft's published examples
 * (classpath {@code /samples/}, kept byte-for-byte as published).
 *
 * <p>Every alert returned is fresh: it has no id, tenant, portal URLs or timestamps, so that
 * {@link GraphAlertStore#add} stamps them with a new Defender-style id, the emulator's tenant and the
 * store's clock. Only the incident id is chosen here, a new one per alert.
 */
public final class SampleAlerts {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final List<String> IDENTITY_AND_TIME = List.of("id", "providerAlertId", "tenantId",
            "alertWebUrl", "incidentWebUrl", "createdDateTime", "lastUpdateDateTime", "resolvedDateTime",
            "firstActivityDateTime", "lastActivityDateTime");

    private record User(String displayName, String accountName) {
        String upn() {
            return accountName + "@contoso.com";
        }
    }

    /** Microsoft's demo-tenant people and hosts; IPs from the documentation ranges (RFC 5737). */
    private static final List<User> USERS = List.of(new User("Megan Bowen", "MeganB"),
            new User("Adele Vance", "AdeleV"), new User("Alex Wilber", "AlexW"), new User("Lee Gu", "LeeG"),
            new User("Nestor Wilke", "NestorW"), new User("Isaiah Langer", "IsaiahL"));
    private static final List<String> HOSTS = List.of("ws-fin-07.contoso.com", "ws-hr-12.contoso.com",
            "lt-sales-031.contoso.com", "srv-sql-01.contoso.com", "srv-file-02.contoso.com");
    private static final List<String> COUNTRIES = List.of("NL", "BR", "VN", "RU", "US", "NG");

    private record Template(String title, String description, String category, String technique,
                            String serviceSource, String detectionSource, String productName,
                            List<String> severities, List<String> evidence) {
    }

    private static final List<Template> TEMPLATES = List.of(
            new Template("Suspicious PowerShell command line",
                    "A suspicious PowerShell activity was observed on the machine. This behavior may indicate that"
                            + " PowerShell was used during installation, exploration, or in some cases lateral movement.",
                    "Execution", "T1059.001", "microsoftDefenderForEndpoint", "microsoftDefenderForEndpoint",
                    "Microsoft Defender for Endpoint", List.of("medium", "high"), List.of("device", "process", "user")),
            new Template("Ransomware behavior detected in the file system",
                    "Ransomware-like file modifications were observed: many files were encrypted and renamed in a"
                            + " short period of time.",
                    "Impact", "T1486", "microsoftDefenderForEndpoint", "antivirus",
                    "Microsoft Defender for Endpoint", List.of("high"), List.of("device", "file")),
            new Template("Atypical travel",
                    "Sign-ins from two geographically distant locations within a time period shorter than the"
                            + " travel time between them.",
                    "InitialAccess", "T1078", "azureAdIdentityProtection", "azureAdIdentityProtection",
                    "Microsoft Entra ID Protection", List.of("low", "medium"), List.of("user", "ip")),
            new Template("Email messages containing malicious URL removed after delivery",
                    "Emails with a malicious URL were delivered and later removed by zero-hour auto purge.",
                    "InitialAccess", "T1566.002", "microsoftDefenderForOffice365", "microsoftDefenderForOffice365",
                    "Microsoft Defender for Office 365", List.of("informational", "low"), List.of("mailbox", "url")),
            new Template("Suspected brute-force attack (Kerberos, NTLM)",
                    "An attacker attempted to guess passwords for several accounts from one source computer.",
                    "CredentialAccess", "T1110", "microsoftDefenderForIdentity", "microsoftDefenderForIdentity",
                    "Microsoft Defender for Identity", List.of("medium"), List.of("device", "user", "ip")),
            new Template("Mass download by a single user",
                    "A user downloaded an unusually large number of files from a cloud app in a single session.",
                    "Exfiltration", "T1567", "microsoftDefenderForCloudApps", "cloudAppSecurity",
                    "Microsoft Defender for Cloud Apps", List.of("low", "medium"), List.of("user", "cloudApp")),
            new Template("Multiple failed sign-ins followed by a successful sign-in",
                    "Scheduled analytics rule: more than 20 failed sign-ins for one account followed by a success"
                            + " from the same IP address within 1 hour.",
                    "CredentialAccess", "T1110.003", "microsoftSentinel", "scheduledAlerts",
                    "Microsoft Sentinel", List.of("medium", "high"), List.of("user", "ip")),
            new Template("Rare process spawned by an Office application",
                    "Near-real-time analytics rule: an Office application started a process that it has not started"
                            + " in this workspace in the last 14 days.",
                    "Execution", "T1204.002", "microsoftSentinel", "nrtAlerts",
                    "Microsoft Sentinel", List.of("medium"), List.of("device", "process")),
            new Template("Suspicious authentication activity",
                    "Many failed authentication attempts to the server were followed by a successful one, which may"
                            + " indicate a successful brute-force attack.",
                    "CredentialAccess", "T1110", "microsoftDefenderForCloud", "microsoftDefenderForServers",
                    "Microsoft Defender for Cloud", List.of("medium", "high"), List.of("device", "ip")));

    private SampleAlerts() {
    }

    /** The published Defender for Endpoint antivirus alert ("Suspicious execution of hidden file"), with its evidence. */
    public static ObjectNode defenderEndpoint() {
        return fresh(published("graph-alert-get.response.json"), ThreadLocalRandom.current());
    }

    /** The published Microsoft Sentinel scheduled-rule alert ("Suspicious sign-in activity detected"). */
    public static ObjectNode sentinelScheduled() {
        return fresh((ObjectNode) published("graph-alerts_v2-list-2-sentinel.response.json").get("value").get(0),
                ThreadLocalRandom.current());
    }

    /**
     * A varied, realistic alert for a live demo: one of several Defender, Entra ID Protection and
     * Sentinel detections, with random severity among the realistic ones, people, hosts and evidence.
     * The same seed gives the same alert.
     */
    public static ObjectNode random(Random random) {
        Template template = TEMPLATES.get(random.nextInt(TEMPLATES.size()));
        User user = USERS.get(random.nextInt(USERS.size()));
        String host = HOSTS.get(random.nextInt(HOSTS.size()));
        String ip = "203.0.113." + (1 + random.nextInt(254));
        ObjectNode alert = NODES.objectNode()
                .put("@odata.type", GraphAlertStore.ALERT_ODATA_TYPE)
                .put("incidentId", incidentId(random))
                .put("status", "new")
                .put("severity", template.severities().get(random.nextInt(template.severities().size())))
                .put("classification", "unknown")
                .put("determination", "unknown")
                .put("serviceSource", template.serviceSource())
                .put("detectionSource", template.detectionSource())
                .put("productName", template.productName())
                .put("detectorId", UUID.nameUUIDFromBytes(template.title().getBytes(StandardCharsets.UTF_8)).toString())
                .put("title", template.title())
                .put("description", template.description())
                .put("recommendedActions", "Review the evidence, contact the user or device owner, and contain"
                        + " the affected identities and devices if the activity is not expected.")
                .put("category", template.category())
                .putNull("assignedTo")
                .putNull("actorDisplayName")
                .putNull("threatDisplayName")
                .putNull("threatFamilyName");
        alert.putArray("mitreTechniques").add(template.technique());
        alert.putArray("comments");
        ArrayNode evidence = alert.putArray("evidence");
        for (String kind : template.evidence()) {
            evidence.add(evidence(kind, user, host, ip, random));
        }
        alert.putArray("systemTags");
        return alert;
    }

    /**
     * The JSON body of a published sample file (e.g. {@code graph-alert-get.response.json}),
     * exactly as Microsoft published it.
     */
    public static ObjectNode published(String sampleFile) {
        return Json.readResource("/samples/" + sampleFile);
    }

    private static ObjectNode fresh(ObjectNode sample, Random random) {
        ObjectNode alert = sample.deepCopy();
        alert.remove(IDENTITY_AND_TIME);
        alert.put("incidentId", incidentId(random));
        for (JsonNode item : alert.path("evidence")) {
            ((ObjectNode) item).remove("createdDateTime");
        }
        return alert;
    }

    private static String incidentId(Random random) {
        return Integer.toString(10_000 + random.nextInt(90_000));
    }

    private static ObjectNode evidence(String kind, User user, String host, String ip, Random random) {
        return switch (kind) {
            case "device" -> evidenceBase("deviceEvidence", "suspicious", "compromised")
                    .put("mdeDeviceId", hex(random, 40))
                    .put("deviceDnsName", host)
                    .put("osPlatform", host.startsWith("srv") ? "WindowsServer2022" : "Windows11")
                    .put("healthStatus", "active")
                    .put("riskScore", "high")
                    .put("onboardingStatus", "onboarded")
                    .set("ipInterfaces", NODES.arrayNode().add("10.1." + random.nextInt(255) + "." + random.nextInt(255)));
            case "process" -> {
                ObjectNode process = evidenceBase("processEvidence", "suspicious", null)
                        .put("processId", 1000 + random.nextInt(30_000))
                        .put("processCommandLine", "powershell.exe -NoProfile -ExecutionPolicy Bypass -EncodedCommand "
                                + hex(random, 24))
                        .put("detectionStatus", "detected");
                process.set("imageFile", file("powershell.exe", "C:\\Windows\\System32\\WindowsPowerShell\\v1.0", random));
                process.set("userAccount", account(user));
                yield process;
            }
            case "file" -> {
                ObjectNode file = evidenceBase("fileEvidence", "malicious", null).put("detectionStatus", "detected");
                file.set("fileDetails", file("invoice_" + random.nextInt(9999) + ".pdf.exe",
                        "C:\\Users\\" + user.accountName() + "\\Downloads", random));
                yield file;
            }
            case "user" -> {
                ObjectNode item = evidenceBase("userEvidence", "suspicious", "compromised");
                item.set("userAccount", account(user));
                yield item;
            }
            case "ip" -> evidenceBase("ipEvidence", "suspicious", "attacker")
                    .put("ipAddress", ip)
                    .put("countryLetterCode", COUNTRIES.get(random.nextInt(COUNTRIES.size())));
            case "url" -> evidenceBase("urlEvidence", "malicious", null)
                    .put("url", "https://login-contoso-secure.example/verify?id=" + hex(random, 12));
            case "mailbox" -> {
                ObjectNode mailbox = evidenceBase("mailboxEvidence", "unknown", "destination")
                        .put("primaryAddress", user.upn())
                        .put("displayName", user.displayName());
                mailbox.set("userAccount", account(user));
                yield mailbox;
            }
            case "cloudApp" -> evidenceBase("cloudApplicationEvidence", "unknown", "contextual")
                    .put("appId", 20892)
                    .put("displayName", "Microsoft SharePoint Online")
                    .put("instanceName", "Contoso");
            default -> throw new IllegalArgumentException("no evidence kind " + kind);
        };
    }

    private static ObjectNode evidenceBase(String type, String verdict, String role) {
        ObjectNode item = NODES.objectNode()
                .put("@odata.type", "#microsoft.graph.security." + type)
                .put("verdict", verdict)
                .put("remediationStatus", "none")
                .putNull("remediationStatusDetails");
        ArrayNode roles = item.putArray("roles");
        if (role != null) {
            roles.add(role);
        }
        item.putArray("detailedRoles");
        item.putArray("tags");
        return item;
    }

    private static ObjectNode account(User user) {
        return NODES.objectNode()
                .put("accountName", user.accountName())
                .put("domainName", "CONTOSO")
                .put("userSid", "S-1-5-21-1604830921-2125429163-3411823741-" + (1100 + Math.abs(user.accountName().hashCode() % 900)))
                .put("azureAdUserId", UUID.nameUUIDFromBytes(user.upn().getBytes(StandardCharsets.UTF_8)).toString())
                .put("userPrincipalName", user.upn())
                .put("displayName", user.displayName());
    }

    private static ObjectNode file(String name, String path, Random random) {
        return NODES.objectNode()
                .put("sha1", hex(random, 40))
                .put("sha256", hex(random, 64))
                .put("fileName", name)
                .put("filePath", path)
                .put("fileSize", 10_000 + random.nextInt(5_000_000))
                .putNull("filePublisher")
                .putNull("signer")
                .putNull("issuer");
    }

    private static String hex(Random random, int length) {
        StringBuilder hex = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            hex.append(Character.forDigit(random.nextInt(16), 16));
        }
        return hex.toString();
    }
}
