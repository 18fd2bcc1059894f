package io.sentinelpager.azure;

import io.sentinelpager.platform.config.Secret;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One Azure connector: a tenant and the app registration that reads its alerts. Validated once,
 * here, with messages that name the connector and the field, so a bad configuration fails at
 * start-up instead of at the first poll.
 *
 * @param id                      the connector's name, part of every alert key ({@code id:alertId})
 * @param tenantId                directory (tenant) id, a GUID, or a verified domain such as contoso.onmicrosoft.com
 * @param clientId                application (client) id of the app registration, a GUID
 * @param credential              that app's client secret, or its certificate and private key
 * @param cloud                   the Azure cloud of the tenant, which gives the four endpoints below
 *                                their defaults; default {@link Cloud#PUBLIC}
 * @param authorityHost           Entra ID host; default the cloud's, e.g. {@value #PUBLIC_AUTHORITY_HOST}
 * @param graphBaseUrl            Graph service root with version; default the cloud's, e.g. {@value #PUBLIC_GRAPH_BASE_URL}
 * @param managementUrl           Azure Resource Manager endpoint; default the cloud's, e.g. {@value #PUBLIC_MANAGEMENT_URL}
 * @param logAnalyticsUrl         Log Analytics query endpoint; default the cloud's, e.g. {@value #PUBLIC_LOG_ANALYTICS_URL}
 * @param extraTrustedCertificate PEM file of certificates to trust besides the JDK's CAs (a private
 *                                CA, or the emulator's self-signed certificate)
 * @param requestTimeout          bound on each HTTP call (a Graph call with its retries); default 30 s
 * @param source                  where the alerts are read: Graph alerts_v2 (default), or the
 *                                incidents of a standalone Sentinel workspace
 * @param workspace               the Sentinel workspace; required when the source is SENTINEL
 */
public record ConnectorConfig(String id, String tenantId, String clientId, ClientCredential credential, Cloud cloud,
                              URI authorityHost, URI graphBaseUrl, URI managementUrl, URI logAnalyticsUrl,
                              Optional<Path> extraTrustedCertificate, Duration requestTimeout, Source source,
                              Optional<AzureWorkspace> workspace) {

    /** Where a connector reads alerts from. */
    public enum Source {
        /** Microsoft Graph security alerts_v2: Defender XDR, and Sentinel workspaces in the Defender portal. */
        GRAPH,
        /** The Sentinel incidents API (Azure Resource Manager) of a workspace not in the Defender portal. */
        SENTINEL
    }

    public static final String PUBLIC_AUTHORITY_HOST = "https://login.microsoftonline.com/";
    public static final String PUBLIC_GRAPH_BASE_URL = "https://graph.microsoft.com/v1.0";
    public static final String PUBLIC_MANAGEMENT_URL = "https://management.azure.com";
    public static final String PUBLIC_LOG_ANALYTICS_URL = "https://api.loganalytics.io";
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(30);

    /** Entra ID hosts that MSAL's instance discovery knows; any other host must skip discovery. */
    private static final Set<String> KNOWN_AUTHORITY_HOSTS =
            Set.of("login.microsoftonline.com", "login.microsoftonline.us", "login.chinacloudapi.cn");
    private static final Duration MAX_REQUEST_TIMEOUT = Duration.ofMinutes(10);
    /** No ':' because the id is the first half of the alert key {@code connectorId:alertId}. */
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    private static final Pattern GUID =
            Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
    private static final Pattern DOMAIN = Pattern.compile("(?=.{4,253}$)([A-Za-z0-9-]{1,63}\\.)+[A-Za-z]{2,63}");

    public ConnectorConfig {
        if (id == null || !ID.matcher(id).matches()) {
            throw new IllegalArgumentException("connector id must be 1-64 letters, digits, '.', '_' or '-',"
                    + " starting with a letter or digit; got '" + id + "'");
        }
        if (tenantId == null || !(GUID.matcher(tenantId).matches() || DOMAIN.matcher(tenantId).matches())) {
            throw invalid(id, "tenantId", "must be the directory (tenant) id, a GUID, or a verified domain"
                    + " such as contoso.onmicrosoft.com; got '" + tenantId + "'");
        }
        if (clientId == null || !GUID.matcher(clientId).matches()) {
            throw invalid(id, "clientId", "must be the application (client) id of the app registration,"
                    + " a GUID; got '" + clientId + "'");
        }
        if (credential == null) {
            throw invalid(id, "clientSecret", "is required (or a clientCertificate)");
        }
        if (credential instanceof ClientCredential.ClientCertificate certificate
                && !Files.isReadable(certificate.path())) {
            throw invalid(id, "clientCertificate", "file " + certificate.path() + " does not exist or cannot be read");
        }
        cloud = cloud == null ? Cloud.PUBLIC : cloud;
        authorityHost = httpsUrl(id, "authorityHost", authorityHost == null ? cloud.authorityHost() : authorityHost);
        if (!authorityHost.getPath().isEmpty() && !authorityHost.getPath().equals("/")) {
            throw invalid(id, "authorityHost", "must be a host without a path, such as "
                    + cloud.authorityHost() + "; got '" + authorityHost + "'");
        }
        authorityHost = URI.create(authorityHost.getScheme() + "://" + authorityHost.getRawAuthority() + "/");
        graphBaseUrl = httpsUrl(id, "graphBaseUrl", graphBaseUrl == null ? cloud.graphBaseUrl() : graphBaseUrl);
        String graphPath = graphBaseUrl.getPath().replaceAll("/+$", "");
        if (graphPath.isEmpty()) {
            throw invalid(id, "graphBaseUrl", "must include the API version, such as "
                    + cloud.graphBaseUrl() + "; got '" + graphBaseUrl + "'");
        }
        graphBaseUrl = URI.create(graphBaseUrl.getScheme() + "://" + graphBaseUrl.getRawAuthority() + graphPath);
        managementUrl = httpsUrl(id, "managementUrl", managementUrl == null ? cloud.managementUrl() : managementUrl);
        managementUrl = URI.create(managementUrl.getScheme() + "://" + managementUrl.getRawAuthority());
        logAnalyticsUrl = httpsUrl(id, "logAnalyticsUrl",
                logAnalyticsUrl == null ? cloud.logAnalyticsUrl() : logAnalyticsUrl);
        logAnalyticsUrl = URI.create(logAnalyticsUrl.getScheme() + "://" + logAnalyticsUrl.getRawAuthority());
        source = source == null ? Source.GRAPH : source;
        workspace = Objects.requireNonNullElse(workspace, Optional.empty());
        if (source == Source.SENTINEL && workspace.isEmpty()) {
            throw invalid(id, "workspace", "is required when the source is sentinel: set the subscription id,"
                    + " resource group and workspace name");
        }
        extraTrustedCertificate = Objects.requireNonNullElse(extraTrustedCertificate, Optional.empty());
        requestTimeout = requestTimeout == null ? DEFAULT_REQUEST_TIMEOUT : requestTimeout;
        if (requestTimeout.isNegative() || requestTimeout.isZero() || requestTimeout.compareTo(MAX_REQUEST_TIMEOUT) > 0) {
            throw invalid(id, "requestTimeout", "must be positive and at most " + MAX_REQUEST_TIMEOUT
                    + "; got " + requestTimeout);
        }
    }

    /** The settings of a Graph connector in the public cloud with a client secret. */
    public ConnectorConfig(String id, String tenantId, String clientId, Secret clientSecret, URI authorityHost,
                           URI graphBaseUrl, Optional<Path> extraTrustedCertificate, Duration requestTimeout) {
        this(id, tenantId, clientId, clientSecret == null ? null : new ClientCredential.ClientSecret(clientSecret),
                Cloud.PUBLIC, authorityHost, graphBaseUrl, null, null, extraTrustedCertificate, requestTimeout,
                Source.GRAPH, Optional.empty());
    }

    /** A Graph connector for Azure's public cloud with a client secret, and the default timeout. */
    public static ConnectorConfig of(String id, String tenantId, String clientId, Secret clientSecret) {
        return new ConnectorConfig(id, tenantId, clientId, clientSecret, null, null, Optional.empty(), null);
    }

    /** The same connector proving itself with another credential, e.g. a certificate instead of the secret. */
    public ConnectorConfig withCredential(ClientCredential newCredential) {
        return new ConnectorConfig(id, tenantId, clientId, newCredential, cloud, authorityHost, graphBaseUrl,
                managementUrl, logAnalyticsUrl, extraTrustedCertificate, requestTimeout, source, workspace);
    }

    /** The same connector in another cloud, with that cloud's four endpoints (overrides are dropped). */
    public ConnectorConfig withCloud(Cloud newCloud) {
        return new ConnectorConfig(id, tenantId, clientId, credential, newCloud, null, null, null, null,
                extraTrustedCertificate, requestTimeout, source, workspace);
    }

    public ConnectorConfig withAuthorityHost(URI newAuthorityHost) {
        return new ConnectorConfig(id, tenantId, clientId, credential, cloud, newAuthorityHost, graphBaseUrl,
                managementUrl, logAnalyticsUrl, extraTrustedCertificate, requestTimeout, source, workspace);
    }

    public ConnectorConfig withGraphBaseUrl(URI newGraphBaseUrl) {
        return new ConnectorConfig(id, tenantId, clientId, credential, cloud, authorityHost, newGraphBaseUrl,
                managementUrl, logAnalyticsUrl, extraTrustedCertificate, requestTimeout, source, workspace);
    }

    public ConnectorConfig withManagementUrl(URI newManagementUrl) {
        return new ConnectorConfig(id, tenantId, clientId, credential, cloud, authorityHost, graphBaseUrl,
                newManagementUrl, logAnalyticsUrl, extraTrustedCertificate, requestTimeout, source, workspace);
    }

    public ConnectorConfig withExtraTrustedCertificate(Path pemFile) {
        return new ConnectorConfig(id, tenantId, clientId, credential, cloud, authorityHost, graphBaseUrl,
                managementUrl, logAnalyticsUrl, Optional.of(pemFile), requestTimeout, source, workspace);
    }

    public ConnectorConfig withRequestTimeout(Duration newTimeout) {
        return new ConnectorConfig(id, tenantId, clientId, credential, cloud, authorityHost, graphBaseUrl,
                managementUrl, logAnalyticsUrl, extraTrustedCertificate, newTimeout, source, workspace);
    }

    public ConnectorConfig withLogAnalyticsUrl(URI newLogAnalyticsUrl) {
        return new ConnectorConfig(id, tenantId, clientId, credential, cloud, authorityHost, graphBaseUrl,
                managementUrl, newLogAnalyticsUrl, extraTrustedCertificate, requestTimeout, source, workspace);
    }

    /** Reads the incidents of this Sentinel workspace instead of Graph alerts. */
    public ConnectorConfig withSentinelWorkspace(AzureWorkspace newWorkspace) {
        return new ConnectorConfig(id, tenantId, clientId, credential, cloud, authorityHost, graphBaseUrl,
                managementUrl, logAnalyticsUrl, extraTrustedCertificate, requestTimeout, Source.SENTINEL,
                Optional.of(newWorkspace));
    }

    /** The Sentinel workspace, or a failure that names the connector when none is configured. */
    AzureWorkspace requireWorkspace() {
        return workspace.orElseThrow(() -> invalid(id, "workspace", "is not configured: set the subscription id,"
                + " resource group and workspace name"));
    }

    /**
     * Whether MSAL can validate the authority through Microsoft's instance discovery. For any other
     * host (an emulator, a private endpoint) discovery must be off, or MSAL would ask
     * login.microsoftonline.com about a host it does not know and fail.
     */
    public boolean knownAuthorityHost() {
        return KNOWN_AUTHORITY_HOSTS.contains(authorityHost.getHost().toLowerCase(Locale.ROOT));
    }

    /**
     * The text with the client secret (or certificate password) masked. Defence in depth for error
     * messages: no server is expected to echo it, but if one did it stops here.
     */
    String redact(String text) {
        return credential.redact(text);
    }

    private static URI httpsUrl(String id, String field, URI url) {
        if (!url.isAbsolute() || !"https".equalsIgnoreCase(url.getScheme()) || url.getHost() == null
                || url.getRawQuery() != null || url.getRawFragment() != null) {
            // The Azure SDKs send bearer tokens and secrets only over https.
            throw invalid(id, field, "must be an absolute https URL without query or fragment; got '" + url + "'");
        }
        return url;
    }

    private static IllegalArgumentException invalid(String id, String field, String problem) {
        return new IllegalArgumentException("connector '" + id + "': " + field + " " + problem);
    }
}
