package io.sentinelpager.azure;

import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The Log Analytics workspace that Microsoft Sentinel runs on: addressed through Azure Resource
 * Manager by subscription, resource group and name (Sentinel incidents), and through the Log
 * Analytics query API by its workspace (customer) id.
 *
 * @param subscriptionId Azure subscription id, a GUID
 * @param resourceGroup  resource group name
 * @param workspaceName  workspace name
 * @param workspaceId    the workspace (customer) id, a GUID; needed only for Log Analytics queries
 */
public record AzureWorkspace(String subscriptionId, String resourceGroup, String workspaceName,
                             Optional<String> workspaceId) {

    private static final Pattern GUID =
            Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
    /** ARM's rules for resource group (1-90) and workspace (4-63) names, loosened to one pattern. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._()-]{0,89}");

    public AzureWorkspace {
        if (subscriptionId == null || !GUID.matcher(subscriptionId).matches()) {
            throw new IllegalArgumentException("subscriptionId must be the Azure subscription id, a GUID; got '"
                    + subscriptionId + "'");
        }
        if (resourceGroup == null || !NAME.matcher(resourceGroup).matches()) {
            throw new IllegalArgumentException("resourceGroup must be a resource group name; got '" + resourceGroup + "'");
        }
        if (workspaceName == null || !NAME.matcher(workspaceName).matches()) {
            throw new IllegalArgumentException("workspaceName must be a workspace name; got '" + workspaceName + "'");
        }
        workspaceId = Objects.requireNonNullElse(workspaceId, Optional.empty());
        workspaceId.filter(id -> !GUID.matcher(id).matches()).ifPresent(id -> {
            throw new IllegalArgumentException("workspaceId must be the workspace (customer) id, a GUID; got '" + id + "'");
        });
    }

    /** The ARM path of Sentinel on this workspace, below which the incidents live. */
    String sentinelPath() {
        return "/subscriptions/" + subscriptionId + "/resourceGroups/" + resourceGroup
                + "/providers/Microsoft.OperationalInsights/workspaces/" + workspaceName
                + "/providers/Microsoft.SecurityInsights";
    }
}
