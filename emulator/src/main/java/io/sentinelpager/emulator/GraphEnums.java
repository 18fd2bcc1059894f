package io.sentinelpager.emulator;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The enum members of microsoft.graph.security.alert, as in Graph's v1.0 metadata (and the Java SDK
 * 6.69 generated from it).
 *
 * <p>Graph's enums are "evolvable": members added after {@code unknownFutureValue} are sent to a
 * client only if it asks with {@code Prefer: include-unknown-enum-members}; otherwise they are
 * replaced by {@code unknownFutureValue}, so that old clients never meet a value they cannot parse.
 * Every Sentinel alert is affected, because microsoftSentinel and scheduledAlerts are such members.
 */
final class GraphEnums {

    static final String PREFER_UNKNOWN_MEMBERS = "include-unknown-enum-members";
    static final String UNKNOWN_FUTURE_VALUE = "unknownFutureValue";

    static final Set<String> STATUS = Set.of("unknown", "new", "inProgress", "resolved");
    static final Set<String> SEVERITY = Set.of("unknown", "informational", "low", "medium", "high");
    static final Set<String> CLASSIFICATION =
            Set.of("unknown", "falsePositive", "truePositive", "informationalExpectedActivity");
    static final Set<String> DETERMINATION = Set.of("unknown", "apt", "malware", "securityPersonnel",
            "securityTesting", "unwantedSoftware", "other", "multiStagedAttack", "compromisedAccount",
            "phishing", "maliciousUserActivity", "notMalicious", "notEnoughDataToValidate",
            "confirmedActivity", "lineOfBusinessApplication");

    private static final List<String> SERVICE_SOURCE_BASE = List.of("unknown", "microsoftDefenderForEndpoint",
            "microsoftDefenderForIdentity", "microsoftDefenderForCloudApps", "microsoftDefenderForOffice365",
            "microsoft365Defender", "azureAdIdentityProtection", "microsoftAppGovernance", "dataLossPrevention");
    static final Set<String> SERVICE_SOURCE_GATED = Set.of("microsoftDefenderForCloud", "microsoftSentinel",
            "microsoftInsiderRiskManagement", "microsoftThreatIntelligence", "microsoftSecurityForAI");

    private static final List<String> DETECTION_SOURCE_BASE = List.of("unknown", "microsoftDefenderForEndpoint",
            "antivirus", "smartScreen", "customTi", "microsoftDefenderForOffice365", "automatedInvestigation",
            "microsoftThreatExperts", "customDetection", "microsoftDefenderForIdentity", "cloudAppSecurity",
            "microsoft365Defender", "azureAdIdentityProtection", "manual", "microsoftDataLossPrevention",
            "appGovernancePolicy", "appGovernanceDetection");
    static final Set<String> DETECTION_SOURCE_GATED = Set.of("microsoftDefenderForCloud", "microsoftDefenderForIoT",
            "microsoftDefenderForServers", "microsoftDefenderForStorage", "microsoftDefenderForDNS",
            "microsoftDefenderForDatabases", "microsoftDefenderForContainers", "microsoftDefenderForNetwork",
            "microsoftDefenderForAppService", "microsoftDefenderForKeyVault", "microsoftDefenderForResourceManager",
            "microsoftDefenderForApiManagement", "nrtAlerts", "scheduledAlerts",
            "microsoftDefenderThreatIntelligenceAnalytics", "builtInMl", "microsoftInsiderRiskManagement",
            "microsoftThreatIntelligence", "microsoftDefenderForAIServices", "securityCopilot", "microsoftSentinel");

    static final Set<String> SERVICE_SOURCE = union(SERVICE_SOURCE_BASE, SERVICE_SOURCE_GATED);
    static final Set<String> DETECTION_SOURCE = union(DETECTION_SOURCE_BASE, DETECTION_SOURCE_GATED);

    private GraphEnums() {
    }

    /** Replaces, in place, members the client did not opt in to with unknownFutureValue. */
    static ObjectNode hideUnknownMembers(ObjectNode alert) {
        hide(alert, "serviceSource", SERVICE_SOURCE_GATED);
        hide(alert, "detectionSource", DETECTION_SOURCE_GATED);
        return alert;
    }

    private static void hide(ObjectNode alert, String field, Set<String> gated) {
        if (alert.hasNonNull(field) && gated.contains(alert.get(field).asText())) {
            alert.put(field, UNKNOWN_FUTURE_VALUE);
        }
    }

    private static Set<String> union(List<String> base, Set<String> gated) {
        return Set.copyOf(Stream.concat(base.stream(), gated.stream()).toList());
    }
}
