package io.sentinelpager.ingest;

import io.sentinelpager.azure.AlertPage;
import io.sentinelpager.azure.GraphAlertsClient;
import io.sentinelpager.azure.SourceAlert;
import io.sentinelpager.schemas.IngestWatermark;
import io.sentinelpager.schemas.SecurityAlert;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Reads one connector's alerts updated since its watermark, page by page. The watermark is the greatest
 * lastUpdateDateTime published so far, with the ids published at exactly that instant: the next poll asks for
 * {@code ge} the watermark (an alert updated in the same millisecond is not missed) and skips those ids (an alert is
 * not published twice).
 */
final class ConnectorPoller implements AutoCloseable {

    private final String connectorId;
    private final GraphAlertsClient client;
    private final IngestConfig config;
    private final AlertNormalizer normalizer;
    private final Clock clock;
    private IngestWatermark watermark;

    ConnectorPoller(String connectorId, GraphAlertsClient client, IngestConfig config, AlertNormalizer normalizer,
                    Clock clock) {
        this.connectorId = connectorId;
        this.client = client;
        this.config = config;
        this.normalizer = normalizer;
        this.clock = clock;
    }

    String connectorId() {
        return connectorId;
    }

    /** Resumes from the watermark last committed for this connector (none on its first start). */
    void resume(IngestWatermark committed) {
        this.watermark = committed;
    }

    /**
     * Publishes every alert changed since the watermark through {@code publish}, and returns the watermark that
     * covers them, for the caller to write in the same transaction. Returns null when nothing changed.
     */
    IngestWatermark poll(Consumer<SecurityAlert> publish) throws Exception {
        Instant now = clock.instant();
        Instant since = watermark == null ? now.minus(config.lookback()) : watermark.getLastUpdatedAt();
        Set<String> skip = watermark == null ? Set.of() : new HashSet<>(watermark.getIdsAtWatermark());
        Instant newest = watermark == null ? null : watermark.getLastUpdatedAt();
        Set<String> idsAtNewest = new HashSet<>(skip);
        int published = 0;
        AlertPage page = client.listUpdatedSince(since, config.pageSize());
        while (true) {
            for (SourceAlert source : page.alerts()) {
                SecurityAlert alert = normalizer.normalize(source, now);
                Instant updated = alert.getLastUpdatedAt();
                if (updated.equals(since) && skip.contains(alert.getAlertId())) {
                    continue;
                }
                publish.accept(alert);
                published++;
                if (newest == null || updated.isAfter(newest)) {
                    newest = updated;
                    idsAtNewest.clear();
                }
                if (updated.equals(newest)) {
                    idsAtNewest.add(alert.getAlertId());
                }
            }
            if (!page.hasNext()) {
                break;
            }
            page = client.nextPage(page.nextLink().get());
        }
        if (published == 0) {
            return null;
        }
        return IngestWatermark.newBuilder().setConnectorId(connectorId).setLastUpdatedAt(newest)
                .setIdsAtWatermark(new ArrayList<>(idsAtNewest)).setUpdatedAt(now).build();
    }

    /** After the transaction with this watermark committed. */
    void committed(IngestWatermark next) {
        this.watermark = next;
    }

    @Override
    public void close() {
        client.close();
    }
}
