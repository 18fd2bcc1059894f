package io.sentinelpager.ingest;

import com.microsoft.graph.models.security.AlertComment;
import io.sentinelpager.azure.AlertPage;
import io.sentinelpager.azure.GraphAlertsClient;
import io.sentinelpager.azure.SourceAlert;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.OptionalLong;

/** Alerts of Microsoft Graph security alerts_v2 (Defender XDR, and Sentinel workspaces in the Defender portal). */
final class GraphFeed implements AlertFeed {

    private final GraphAlertsClient client;
    private final AlertNormalizer normalizer;
    private final String filter;

    /** @param filter the clauses Graph applies for the connector's scope ({@link AlertScope#graphFilter()}) */
    GraphFeed(GraphAlertsClient client, AlertNormalizer normalizer, String filter) {
        this.client = client;
        this.normalizer = normalizer;
        this.filter = filter;
    }

    @Override
    public Page first(Instant since, Instant until, int pageSize, Runnable beforeRequest) {
        beforeRequest.run();
        return page(client.listUpdated(since, until, pageSize, filter));
    }

    @Override
    public Page next(String nextLink, Runnable beforeRequest) {
        beforeRequest.run();
        return page(client.nextPage(nextLink));
    }

    /** Graph documents {@code $count} for alerts_v2. */
    @Override
    public OptionalLong count(Instant since, Instant until, Runnable beforeRequest) {
        beforeRequest.run();
        return OptionalLong.of(client.countUpdated(since, until, filter));
    }

    private Page page(AlertPage page) {
        return new Page(page.alerts().stream().map(a -> item(normalizer, a)).toList(), page.nextLink());
    }

    static SourceItem item(AlertNormalizer normalizer, SourceAlert source) {
        OffsetDateTime updated = source.alert().getLastUpdateDateTime();
        return new SourceItem(source.alert().getId(), updated == null ? null : updated.toInstant(), source.json(),
                now -> normalizer.normalize(source, now), comments(source.alert().getComments()));
    }

    private static List<SourceComment> comments(List<AlertComment> comments) {
        return comments == null ? List.of() : comments.stream().map(c -> new SourceComment(null,
                c.getCreatedByDisplayName(),
                c.getCreatedDateTime() == null ? null : c.getCreatedDateTime().toInstant(),
                c.getComment())).toList();
    }

    @Override
    public void close() {
        client.close();
    }
}
