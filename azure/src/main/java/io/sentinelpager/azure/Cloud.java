package io.sentinelpager.azure;

import java.net.URI;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The Azure cloud a tenant lives in. Each cloud has its own Entra ID authority and its own Graph,
 * Resource Manager and Log Analytics hosts, and a token is only valid on its own cloud's hosts, so
 * one setting chooses all four (each can still be overridden, e.g. for the emulator).
 */
public enum Cloud {

    PUBLIC("public", "https://login.microsoftonline.com/", "https://graph.microsoft.com/v1.0",
            "https://management.azure.com", "https://api.loganalytics.io"),
    /** Azure Government (GCC High and DoD use Graph at graph.microsoft.us). */
    US_GOVERNMENT("usgov", "https://login.microsoftonline.us/", "https://graph.microsoft.us/v1.0",
            "https://management.usgovcloudapi.net", "https://api.loganalytics.us"),
    /** Azure operated by 21Vianet. */
    CHINA("china", "https://login.chinacloudapi.cn/", "https://microsoftgraph.chinacloudapi.cn/v1.0",
            "https://management.chinacloudapi.cn", "https://api.loganalytics.azure.cn");

    private final String configName;
    private final URI authorityHost;
    private final URI graphBaseUrl;
    private final URI managementUrl;
    private final URI logAnalyticsUrl;

    Cloud(String configName, String authorityHost, String graphBaseUrl, String managementUrl, String logAnalyticsUrl) {
        this.configName = configName;
        this.authorityHost = URI.create(authorityHost);
        this.graphBaseUrl = URI.create(graphBaseUrl);
        this.managementUrl = URI.create(managementUrl);
        this.logAnalyticsUrl = URI.create(logAnalyticsUrl);
    }

    /** The name used in configuration: public, usgov or china. */
    public String configName() {
        return configName;
    }

    public URI authorityHost() {
        return authorityHost;
    }

    public URI graphBaseUrl() {
        return graphBaseUrl;
    }

    public URI managementUrl() {
        return managementUrl;
    }

    public URI logAnalyticsUrl() {
        return logAnalyticsUrl;
    }

    /**
     * The scope of a Graph token in this cloud. It names the cloud's Graph host even when the base
     * URL is overridden: a token's audience is the resource, wherever it is served from.
     */
    public String graphScope() {
        return "https://" + graphBaseUrl.getHost() + "/.default";
    }

    /** The scope of a Resource Manager token in this cloud, for the same reason. */
    public String managementScope() {
        return managementUrl + "/.default";
    }

    /**
     * The scope of a Log Analytics token in this cloud, for the same reason: the service takes a token for
     * this resource on each of its hosts (api.loganalytics.azure.com too) and refuses any other.
     */
    public String logAnalyticsScope() {
        return logAnalyticsUrl + "/.default";
    }

    /** @throws IllegalArgumentException naming the accepted values */
    public static Cloud parse(String value) {
        String name = value == null ? "" : value.trim().toLowerCase(Locale.ROOT);
        return Arrays.stream(values()).filter(cloud -> cloud.configName.equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("must be one of " + Arrays.stream(values())
                        .map(Cloud::configName).collect(Collectors.joining(", ")) + "; got '" + value + "'"));
    }
}
