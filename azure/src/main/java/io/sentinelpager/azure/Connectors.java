package io.sentinelpager.azure;

import io.sentinelpager.platform.config.ConfigException;
import io.sentinelpager.platform.config.ConfigKey;
import io.sentinelpager.platform.config.PagerConfig;
import io.sentinelpager.platform.config.Secret;
import java.net.URI;
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

    private Connectors() {
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

    public static ConfigKey authorityHost(String id) {
        return ConfigKey.of(key(id, "authority.host"), ConnectorConfig.PUBLIC_AUTHORITY_HOST,
                "Entra ID host; https://login.microsoftonline.us/ for US Government");
    }

    public static ConfigKey graphUrl(String id) {
        return ConfigKey.of(key(id, "graph.url"), ConnectorConfig.PUBLIC_GRAPH_BASE_URL,
                "Microsoft Graph service root with version");
    }

    public static ConfigKey trustedCertificate(String id) {
        return ConfigKey.of(key(id, "trusted.certificate"), null,
                "PEM file of certificates to trust besides the JDK's (a private CA, or the emulator's)");
    }

    public static ConfigKey managementUrl(String id) {
        return ConfigKey.of(key(id, "management.url"), ConnectorConfig.PUBLIC_MANAGEMENT_URL,
                "Azure Resource Manager endpoint; https://management.usgovcloudapi.net for US Government");
    }

    public static ConfigKey logAnalyticsUrl(String id) {
        return ConfigKey.of(key(id, "loganalytics.url"), ConnectorConfig.PUBLIC_LOG_ANALYTICS_URL,
                "Log Analytics query endpoint; https://api.loganalytics.us for US Government");
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
                        config.secret(clientSecret(id)), URI.create(config.string(authorityHost(id))),
                        URI.create(config.string(graphUrl(id))), URI.create(config.string(managementUrl(id))),
                        URI.create(config.string(logAnalyticsUrl(id))),
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
