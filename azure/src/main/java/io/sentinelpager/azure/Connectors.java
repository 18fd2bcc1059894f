package io.sentinelpager.azure;

import io.sentinelpager.platform.config.ConfigException;
import io.sentinelpager.platform.config.ConfigKey;
import io.sentinelpager.platform.config.PagerConfig;
import io.sentinelpager.platform.config.Secret;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Reads the configured connectors: every {@code connectors.<id>.*} group of settings is one tenant and app
 * registration. Set in a file, or in the environment as {@code PAGER_CONNECTORS_<ID>_TENANT_ID} and so on (an id
 * set through the environment is lower-cased, so use letters and digits there). Ingest and syncback read the same
 * connectors through this one class.
 */
public final class Connectors {

    public static final String PREFIX = "connectors";

    /** Every setting of a connector, for any connector id. */
    public static final List<ConfigKey> KEYS = keys(ConfigKey.ANY);

    private Connectors() {
    }

    private static List<ConfigKey> keys(String id) {
        return List.of(tenantId(id), clientId(id), clientSecret(id), clientCertificate(id),
                clientCertificatePassword(id), cloud(id), authorityHost(id), graphUrl(id), trustedCertificate(id),
                managementUrl(id), logAnalyticsUrl(id), source(id), subscriptionId(id), resourceGroup(id),
                workspaceName(id), workspaceId(id), requestTimeout(id), incidentRollup(id));
    }

    public static ConfigKey tenantId(String id) {
        return ConfigKey.required(key(id, "tenant.id"), "Entra ID tenant (directory) id of connector " + id);
    }

    public static ConfigKey clientId(String id) {
        return ConfigKey.required(key(id, "client.id"), "application (client) id of connector " + id);
    }

    public static ConfigKey clientSecret(String id) {
        return ConfigKey.secret(key(id, "client.secret"), "client secret of connector " + id
                + "; prefer the environment variable to a file");
    }

    public static ConfigKey clientCertificate(String id) {
        return ConfigKey.of(key(id, "client.certificate"), null, "instead of the client secret: a .pem file (private"
                + " key and certificate) or a .pfx/.p12 file whose certificate is uploaded to connector " + id
                + "'s app registration");
    }

    public static ConfigKey clientCertificatePassword(String id) {
        return ConfigKey.secret(key(id, "client.certificate.password"), "password of connector " + id
                + "'s .pfx/.p12 client certificate, if it has one");
    }

    public static ConfigKey cloud(String id) {
        return ConfigKey.of(key(id, "cloud"), Cloud.PUBLIC.configName(), "Azure cloud of connector " + id
                + ": public, usgov or china; sets the defaults of the four endpoints below");
    }

    public static ConfigKey authorityHost(String id) {
        return ConfigKey.of(key(id, "authority.host"), null,
                "Entra ID host; default the cloud's, e.g. " + ConnectorConfig.PUBLIC_AUTHORITY_HOST);
    }

    public static ConfigKey graphUrl(String id) {
        return ConfigKey.of(key(id, "graph.url"), null,
                "Microsoft Graph service root with version; default the cloud's, e.g. "
                        + ConnectorConfig.PUBLIC_GRAPH_BASE_URL);
    }

    public static ConfigKey trustedCertificate(String id) {
        return ConfigKey.of(key(id, "trusted.certificate"), null,
                "PEM file of certificates to trust besides the JDK's (a private CA, or the emulator's)");
    }

    public static ConfigKey managementUrl(String id) {
        return ConfigKey.of(key(id, "management.url"), null,
                "Azure Resource Manager endpoint; default the cloud's, e.g. " + ConnectorConfig.PUBLIC_MANAGEMENT_URL);
    }

    public static ConfigKey logAnalyticsUrl(String id) {
        return ConfigKey.of(key(id, "loganalytics.url"), null,
                "Log Analytics query endpoint; default the cloud's, e.g. " + ConnectorConfig.PUBLIC_LOG_ANALYTICS_URL);
    }

    public static ConfigKey source(String id) {
        return ConfigKey.of(key(id, "source"), "graph", "where connector " + id + " reads alerts: graph"
                + " (Defender XDR and Sentinel in the Defender portal) or sentinel (a standalone Sentinel workspace)");
    }

    public static ConfigKey subscriptionId(String id) {
        return ConfigKey.of(key(id, "subscription.id"), null, "Azure subscription of connector " + id
                + "'s Sentinel workspace");
    }

    public static ConfigKey resourceGroup(String id) {
        return ConfigKey.of(key(id, "resource.group"), null, "resource group of connector " + id
                + "'s Sentinel workspace");
    }

    public static ConfigKey workspaceName(String id) {
        return ConfigKey.of(key(id, "workspace.name"), null, "name of connector " + id + "'s Sentinel workspace");
    }

    public static ConfigKey workspaceId(String id) {
        return ConfigKey.of(key(id, "workspace.id"), null, "workspace (customer) id of connector " + id
                + "'s Log Analytics workspace, for queries");
    }

    public static ConfigKey requestTimeout(String id) {
        return ConfigKey.of(key(id, "request.timeout"), "30s", "bound on each call to Azure");
    }

    public static ConfigKey incidentRollup(String id) {
        return ConfigKey.of(key(id, "incident.rollup"), "true", "whether syncback sets connector " + id + "'s"
                + " incidents in progress and resolved when all their alerts are (false: alerts only; for a Sentinel"
                + " connector, whose alerts' status lives on the incident, comments only)");
    }

    /** Every configured connector, validated; fails with the connector and setting at fault. */
    public static List<ConnectorConfig> from(PagerConfig config) {
        TreeSet<String> ids = new TreeSet<>();
        for (String key : config.withPrefix(PREFIX).keySet()) {
            int dot = key.indexOf('.');
            ids.add(dot < 0 ? key : key.substring(0, dot));
        }
        List<ConnectorConfig> connectors = new ArrayList<>();
        for (String id : ids) {
            try {
                connectors.add(new ConnectorConfig(id, config.string(tenantId(id)), config.string(clientId(id)),
                        credential(id, config), cloud(id, config.string(cloud(id))), url(config, authorityHost(id)),
                        url(config, graphUrl(id)), url(config, managementUrl(id)), url(config, logAnalyticsUrl(id)),
                        config.optional(trustedCertificate(id)).map(Path::of), config.duration(requestTimeout(id)),
                        source(id, config.string(source(id))), workspace(id, config)));
            } catch (IllegalArgumentException e) {
                throw new ConfigException("connector " + id + ": " + e.getMessage(), e);
            }
        }
        return connectors;
    }

    /** The settings that describe a connector, e.g. for the demo's emulated tenant. */
    public static Map<String, String> settings(String id, String tenantId, String clientId, Secret secret,
                                               String authorityHost, String graphUrl, Path trustedCertificate) {
        Map<String, String> out = new LinkedHashMap<>();
        out.put(tenantId(id).name(), tenantId);
        out.put(clientId(id).name(), clientId);
        out.put(clientSecret(id).name(), secret.reveal());
        out.put(authorityHost(id).name(), authorityHost);
        out.put(graphUrl(id).name(), graphUrl);
        if (trustedCertificate != null) {
            out.put(trustedCertificate(id).name(), trustedCertificate.toString());
        }
        return out;
    }

    /** The client secret or the client certificate: exactly one of them. */
    private static ClientCredential credential(String id, PagerConfig config) {
        Optional<String> secret = config.optional(clientSecret(id));
        Optional<String> certificate = config.optional(clientCertificate(id));
        Optional<Secret> password = config.optional(clientCertificatePassword(id)).map(Secret::of);
        if (secret.isPresent() && certificate.isPresent()) {
            throw new IllegalArgumentException("set either " + clientSecret(id).name() + " or "
                    + clientCertificate(id).name() + ", not both");
        }
        if (password.isPresent() && certificate.isEmpty()) {
            throw new IllegalArgumentException(clientCertificatePassword(id).name() + " is set but "
                    + clientCertificate(id).name() + " is not");
        }
        if (certificate.isPresent()) {
            try {
                return new ClientCredential.ClientCertificate(Path.of(certificate.get()), password);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(clientCertificate(id).name() + " " + e.getMessage(), e);
            }
        }
        if (secret.isEmpty()) {
            throw new IllegalArgumentException("missing required setting " + clientSecret(id).name()
                    + " (environment variable " + clientSecret(id).environmentVariable() + ") or "
                    + clientCertificate(id).name() + ": how the app registration proves itself");
        }
        return new ClientCredential.ClientSecret(Secret.of(secret.get()));
    }

    private static Cloud cloud(String id, String value) {
        try {
            return Cloud.parse(value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(cloud(id).name() + " " + e.getMessage(), e);
        }
    }

    /** An endpoint override, or null for the cloud's. */
    private static URI url(PagerConfig config, ConfigKey key) {
        return config.optional(key).map(value -> {
            try {
                return new URI(value);
            } catch (URISyntaxException e) {
                throw new IllegalArgumentException(key.name() + " is not a URL: " + e.getMessage(), e);
            }
        }).orElse(null);
    }

    private static ConnectorConfig.Source source(String id, String value) {
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "graph" -> ConnectorConfig.Source.GRAPH;
            case "sentinel" -> ConnectorConfig.Source.SENTINEL;
            default -> throw new IllegalArgumentException(source(id).name() + " must be graph or sentinel; got '"
                    + value + "'");
        };
    }

    /** The workspace when any of its settings is given; a partial one fails naming what is missing. */
    private static Optional<AzureWorkspace> workspace(String id, PagerConfig config) {
        Optional<String> subscription = config.optional(subscriptionId(id));
        Optional<String> group = config.optional(resourceGroup(id));
        Optional<String> name = config.optional(workspaceName(id));
        Optional<String> workspaceId = config.optional(workspaceId(id));
        if (subscription.isEmpty() && group.isEmpty() && name.isEmpty() && workspaceId.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new AzureWorkspace(subscription.orElse(null), group.orElse(null), name.orElse(null),
                workspaceId));
    }

    private static String key(String id, String setting) {
        return PREFIX + "." + id + "." + setting;
    }
}
