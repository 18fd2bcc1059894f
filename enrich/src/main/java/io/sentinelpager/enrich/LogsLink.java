package io.sentinelpager.enrich;

import io.sentinelpager.azure.AzureWorkspace;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.zip.GZIPOutputStream;

/**
 * A link that opens a query over a window in the workspace's Logs in the Azure portal: the portal's "share link to
 * query" form, whose query is gzip-compressed and base64-encoded. A responder on a phone taps it to see every row, not
 * only those on the page.
 */
final class LogsLink {

    static final String PORTAL = "https://portal.azure.com";

    private LogsLink() {
    }

    static String of(String tenantId, AzureWorkspace workspace, String query, Instant start, Instant end) {
        String resourceId = "/subscriptions/" + workspace.subscriptionId() + "/resourceGroups/"
                + workspace.resourceGroup() + "/providers/Microsoft.OperationalInsights/workspaces/"
                + workspace.workspaceName();
        return PORTAL + "/#@" + tenantId + "/blade/Microsoft_Azure_Monitoring_Logs/LogsBlade/resourceId/"
                + encode(resourceId) + "/source/LogsBlade.AnalyticsShareLinkToQuery/q/" + encode(gzipBase64(query))
                + "/timespan/" + encode(start + "/" + end);
    }

    private static String gzipBase64(String query) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(bytes)) {
            gzip.write(query.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e); // in memory: cannot happen
        }
        return Base64.getEncoder().encodeToString(bytes.toByteArray());
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
