package io.sentinelpager.emulator;

import java.util.Locale;
import java.util.Objects;

/**
 * A Log Analytics workspace with Microsoft Sentinel on it, as ARM addresses it. ARM resource ids are
 * case-insensitive, so two workspaces that differ only in case are the same one.
 */
public record SentinelWorkspace(String subscriptionId, String resourceGroup, String workspaceName) {

    public SentinelWorkspace {
        Objects.requireNonNull(subscriptionId, "subscriptionId");
        Objects.requireNonNull(resourceGroup, "resourceGroup");
        Objects.requireNonNull(workspaceName, "workspaceName");
    }

    /** {@code /subscriptions/…/providers/Microsoft.SecurityInsights}, the prefix of every Sentinel resource id. */
    public String resourceId() {
        return "/subscriptions/" + subscriptionId + "/resourceGroups/" + resourceGroup
                + "/providers/Microsoft.OperationalInsights/workspaces/" + workspaceName
                + "/providers/Microsoft.SecurityInsights";
    }

    String key() {
        return resourceId().toLowerCase(Locale.ROOT);
    }
}
