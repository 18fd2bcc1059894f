package io.sentinelpager.azure;

import io.sentinelpager.platform.config.Secret;
import java.net.URI;
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
 * @param clientSecret            that app's client secret value
 * @param authorityHost           Entra ID host; default {@value #PUBLIC_AUTHORITY_HOST}
 * @param graphBaseUrl            Graph service root with version; default {@value #PUBLIC_GRAPH_BASE_URL}
 * @param extraTrustedCertificate PEM file of certificates to trust besides the JDK's CAs (a private
 *                                CA, or the emulator's self-signed certificate)
 * @param requestTimeout          bound on each HTTP call (a Graph call with the SDK's retries); default 30 s
 */
public record ConnectorConfig(String id, String tenantId, String clientId, Secret clientSecret,
                              URI authorityHost, URI graphBaseUrl, Optional<Path> extraTrustedCertificate,
                              Duration requestTimeout) {

    public static final String PUBLIC_AUTHORITY_HOST = "https://login.microsoftonline.com/";
    public static final String PUBLIC_GRAPH_BASE_URL = "https://graph.microsoft.com/v1.0";
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
        if (clientSecret == null) {
            throw invalid(id, "clientSecret", "is required");
        }
        authorityHost = httpsUrl(id, "authorityHost", authorityHost == null ? URI.create(PUBLIC_AUTHORITY_HOST) : authorityHost);
        if (!authorityHost.getPath().isEmpty() && !authorityHost.getPath().equals("/")) {
            throw invalid(id, "authorityHost", "must be a host without a path, such as "
                    + PUBLIC_AUTHORITY_HOST + "; got '" + authorityHost + "'");
        }
        authorityHost = URI.create(authorityHost.getScheme() + "://" + authorityHost.getRawAuthority() + "/");
        graphBaseUrl = httpsUrl(id, "graphBaseUrl", graphBaseUrl == null ? URI.create(PUBLIC_GRAPH_BASE_URL) : graphBaseUrl);
        String graphPath = graphBaseUrl.getPath().replaceAll("/+$", "");
        if (graphPath.isEmpty()) {
            throw invalid(id, "graphBaseUrl", "must include the API version, such as "
                    + PUBLIC_GRAPH_BASE_URL + "; got '" + graphBaseUrl + "'");
        }
        graphBaseUrl = URI.create(graphBaseUrl.getScheme() + "://" + graphBaseUrl.getRawAuthority() + graphPath);
        extraTrustedCertificate = Objects.requireNonNullElse(extraTrustedCertificate, Optional.empty());
        requestTimeout = requestTimeout == null ? DEFAULT_REQUEST_TIMEOUT : requestTimeout;
        if (requestTimeout.isNegative() || requestTimeout.isZero() || requestTimeout.compareTo(MAX_REQUEST_TIMEOUT) > 0) {
            throw invalid(id, "requestTimeout", "must be positive and at most " + MAX_REQUEST_TIMEOUT
                    + "; got " + requestTimeout);
        }
    }

    /** A connector for Azure's public cloud, with the default timeout. */
    public static ConnectorConfig of(String id, String tenantId, String clientId, Secret clientSecret) {
        return new ConnectorConfig(id, tenantId, clientId, clientSecret, null, null, Optional.empty(), null);
    }

    public ConnectorConfig withAuthorityHost(URI newAuthorityHost) {
        return new ConnectorConfig(id, tenantId, clientId, clientSecret, newAuthorityHost, graphBaseUrl,
                extraTrustedCertificate, requestTimeout);
    }

    public ConnectorConfig withGraphBaseUrl(URI newGraphBaseUrl) {
        return new ConnectorConfig(id, tenantId, clientId, clientSecret, authorityHost, newGraphBaseUrl,
                extraTrustedCertificate, requestTimeout);
    }

    public ConnectorConfig withExtraTrustedCertificate(Path pemFile) {
        return new ConnectorConfig(id, tenantId, clientId, clientSecret, authorityHost, graphBaseUrl,
                Optional.of(pemFile), requestTimeout);
    }

    public ConnectorConfig withRequestTimeout(Duration newTimeout) {
        return new ConnectorConfig(id, tenantId, clientId, clientSecret, authorityHost, graphBaseUrl,
                extraTrustedCertificate, newTimeout);
    }

    /**
     * Whether MSAL can validate the authority through Microsoft's instance discovery. For any other
     * host (an emulator, a private endpoint) discovery must be off, or MSAL would ask
     * login.microsoftonline.com about a host it does not know and fail.
     */
    public boolean knownAuthorityHost() {
        return KNOWN_AUTHORITY_HOSTS.contains(authorityHost.getHost().toLowerCase(Locale.ROOT));
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
