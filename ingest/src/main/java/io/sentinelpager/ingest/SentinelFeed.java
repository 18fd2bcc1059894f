package io.sentinelpager.ingest;

import io.sentinelpager.azure.AzureCallException;
import io.sentinelpager.azure.IncidentPage;
import io.sentinelpager.azure.SentinelAlert;
import io.sentinelpager.azure.SentinelIncident;
import io.sentinelpager.azure.SentinelIncidentsClient;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Alerts of a standalone Microsoft Sentinel workspace: the incidents modified since the watermark (ARM's
 * {@code $filter} on lastModifiedTimeUtc, oldest first, by nextLink), and for each the alerts it holds, one item per
 * alert. An incident without alerts (created by hand) is one item of its own, so it pages too.
 *
 * <p>The alerts are read again for every modification of an incident: the alert items carry the incident's status
 * and version, and an alert added to an incident later is paged as new. A failed alerts call fails the poll, which
 * the next poll repeats from the same watermark, except for an incident deleted between the two calls (404): it has
 * nothing left to page.
 *
 * <p>ARM documents {@code $orderby} but no {@code $count} for incidents ({@link #count} is empty), and not what the
 * {@code $skipToken} of its nextLink holds. Oldest-modified first, an incident modified between two pages goes to the
 * end, where the same listing reads it; were the token an offset, the incidents it passed would shift by one, so that
 * one of them could be missed. So the poller reads a listing of several pages again until two readings agree
 * ({@link ConnectorPoller}), which holds because the incidents are listed oldest-modified first.
 */
final class SentinelFeed implements AlertFeed {

    private static final Logger log = LoggerFactory.getLogger(SentinelFeed.class);

    private final String connectorId;
    private final SentinelIncidentsClient client;
    private final SentinelNormalizer normalizer;

    SentinelFeed(String connectorId, SentinelIncidentsClient client, SentinelNormalizer normalizer) {
        this.connectorId = connectorId;
        this.client = client;
        this.normalizer = normalizer;
    }

    @Override
    public Page first(Instant since, Instant until, int pageSize, Runnable beforeRequest) {
        if (until != null) {
            throw new IllegalArgumentException("a Sentinel listing has no upper bound: ARM counts nothing to prove"
                    + " a bounded one complete with");
        }
        beforeRequest.run();
        return page(client.listModifiedSince(since, Math.min(pageSize, SentinelIncidentsClient.MAX_TOP)),
                beforeRequest);
    }

    @Override
    public Page next(String nextLink, Runnable beforeRequest) {
        beforeRequest.run();
        return page(client.nextPage(nextLink), beforeRequest);
    }

    @Override
    public OptionalLong count(Instant since, Instant until, Runnable beforeRequest) {
        return OptionalLong.empty();
    }

    private Page page(IncidentPage page, Runnable beforeRequest) {
        List<SourceItem> items = new ArrayList<>();
        for (SentinelIncident incident : page.incidents()) {
            List<SentinelAlert> alerts;
            try {
                beforeRequest.run();
                alerts = client.alerts(incident.name());
            } catch (AzureCallException e) {
                if (e.httpStatus() != 404) {
                    throw e;
                }
                log.info("connector {}: incident {} was deleted while it was read; nothing to page", connectorId,
                        incident.name());
                continue;
            }
            if (alerts.isEmpty()) {
                items.add(item(incident, null));
            }
            for (SentinelAlert alert : alerts) {
                items.add(item(incident, alert));
            }
        }
        return new Page(items, page.nextLink());
    }

    private SourceItem item(SentinelIncident incident, SentinelAlert alert) {
        String id = alert == null ? incident.name() : incident.name() + ":" + alert.name();
        return new SourceItem(id, incident.properties().lastModifiedTimeUtc(),
                SentinelNormalizer.sourceJson(incident, alert), now -> normalizer.normalize(incident, alert, now),
                // Not read yet: an incident's comments cost a request of their own (GET incidents/{id}/comments).
                List.of());
    }

    @Override
    public void close() {
        client.close();
    }
}
