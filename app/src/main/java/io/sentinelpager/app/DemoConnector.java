package io.sentinelpager.app;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sentinelpager.azure.Connectors;
import io.sentinelpager.emulator.AzureEmulator;
import io.sentinelpager.emulator.EmulatorOptions;
import io.sentinelpager.emulator.SampleAlerts;
import io.sentinelpager.platform.config.Secret;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The demo's one connector: the emulated tenant, reached through the same settings a real tenant uses, with the Log
 * Analytics workspace its Sentinel runs on, so that the demo's Sentinel alert is enriched with the rows its analytics
 * rule found.
 */
public final class DemoConnector {

    public static final String ID = "demo";
    /** The workspace (customer) id of the published {@code SecurityAlert} sample rows' workspace. */
    public static final String WORKSPACE_ID = "7b3f088b-d55a-485c-b030-4cb167e8cffd";
    public static final String SUBSCRIPTION_ID = "d0cfe6b2-9ac0-4464-9919-dccaee2e48c0";
    public static final String RESOURCE_GROUP = "soc-demo";
    public static final String WORKSPACE_NAME = "sentinel-demo";
    /** SystemAlertId of the first row of the published SecurityAlert sample ({@code la-securityalert-sample.json}). */
    public static final String SAMPLE_SYSTEM_ALERT_ID = "e9122c20-4ec9-483f-51ce-9039d3a40729";

    /**
     * The entities the demo's rule maps, as Sentinel writes them in a SecurityAlert row (the published rows have
     * none): the host, the account and the IP of the illustrative rule result's first row.
     */
    public static final String SAMPLE_ENTITIES = "[{\"$id\":\"2\",\"HostName\":\"srv01\","
            + "\"DnsDomain\":\"contoso.com\",\"OSFamily\":\"Windows\",\"Type\":\"host\"},"
            + "{\"$id\":\"3\",\"Name\":\"jdoe\",\"UPNSuffix\":\"contoso.com\",\"Type\":\"account\"},"
            + "{\"$id\":\"4\",\"Address\":\"203.0.113.7\",\"Type\":\"ip\"}]";

    private DemoConnector() {
    }

    public static Map<String, String> settings(AzureEmulator azure, Path trustedCertificate) {
        return settings(ID, azure, trustedCertificate);
    }

    /** The settings of a connector with this id reaching the emulated tenant: its alert keys are {@code <id>:…}. */
    public static Map<String, String> settings(String id, AzureEmulator azure, Path trustedCertificate) {
        EmulatorOptions app = azure.options();
        Map<String, String> settings = new LinkedHashMap<>(Connectors.settings(id, app.tenantId(), app.clientId(),
                Secret.of(app.clientSecret()), azure.authorityHost(), azure.graphBaseUrl(), trustedCertificate));
        settings.put(Connectors.managementUrl(id).name(), azure.managementUrl());
        settings.put(Connectors.logAnalyticsUrl(id).name(), azure.logAnalyticsUrl());
        settings.put(Connectors.subscriptionId(id).name(), SUBSCRIPTION_ID);
        settings.put(Connectors.resourceGroup(id).name(), RESOURCE_GROUP);
        settings.put(Connectors.workspaceName(id).name(), WORKSPACE_NAME);
        settings.put(Connectors.workspaceId(id).name(), WORKSPACE_ID);
        return settings;
    }

    /**
     * Gives the emulated workspace what enrichment reads: the published SecurityAlert rows (whose ExtendedProperties
     * hold the rule's query and window) with {@link #SAMPLE_ENTITIES}, and, as the answer to that query
     * ("… union AzureActivity …"), the illustrative rule result.
     */
    public static void seedWorkspace(AzureEmulator azure) {
        azure.logAnalytics().seedSecurityAlerts(WORKSPACE_ID, SAMPLE_ENTITIES);
        azure.logAnalytics().answerMatching(WORKSPACE_ID, Pattern.compile("union AzureActivity"),
                SampleAlerts.published("loganalytics-rule-query-result.illustrative.response.json"));
    }

    /**
     * The published Sentinel scheduled-rule alert, pointing at the first sample row: Graph's providerAlertId of a
     * Sentinel alert is taken to be its SystemAlertId (the reference material marks this unconfirmed; enrich also
     * tries the alert id and VendorOriginalId).
     */
    public static ObjectNode sentinelSampleAlert() {
        return SampleAlerts.sentinelScheduled().put("providerAlertId", SAMPLE_SYSTEM_ALERT_ID);
    }
}
