package io.sentinelpager.azure;

import com.azure.core.credential.TokenCredential;
import com.azure.core.credential.TokenRequestContext;
import com.azure.core.http.okhttp.OkHttpAsyncHttpClientBuilder;
import com.azure.core.http.policy.HttpLogDetailLevel;
import com.azure.core.http.policy.HttpLogOptions;
import com.azure.core.http.policy.RetryPolicy;
import com.azure.core.models.ResponseError;
import com.azure.core.util.Context;
import com.azure.monitor.query.LogsQueryClient;
import com.azure.monitor.query.LogsQueryClientBuilder;
import com.azure.monitor.query.models.LogsQueryOptions;
import com.azure.monitor.query.models.LogsQueryResult;
import com.azure.monitor.query.models.LogsTable;
import com.azure.monitor.query.models.LogsTableCell;
import com.azure.monitor.query.models.LogsTableRow;
import com.azure.monitor.query.models.QueryTimeInterval;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import okhttp3.OkHttpClient;

/**
 * Runs KQL queries against the connector's Log Analytics workspace with Microsoft's
 * {@code LogsQueryClient}, as the enrichment does for a Sentinel rule's alert: its query, over its
 * window. Partial results are returned with their error rather than thrown away: for paging a
 * responder, some rows now beat all rows never.
 */
public final class LogAnalyticsClient implements AutoCloseable {

    private final ConnectorConfig config;
    private final String workspaceId;
    private final OkHttpClient okHttp;
    private final LogsQueryClient client;

    private LogAnalyticsClient(ConnectorConfig config, String workspaceId, OkHttpClient okHttp, LogsQueryClient client) {
        this.config = config;
        this.workspaceId = workspaceId;
        this.okHttp = okHttp;
        this.client = client;
    }

    /**
     * Builds the client; makes no network call.
     *
     * @throws IllegalArgumentException if the connector has no workspace id
     */
    public static LogAnalyticsClient create(ConnectorConfig config) {
        return create(config, Clock.systemUTC());
    }

    /** As {@link #create(ConnectorConfig)}, with the clock that decides when the access token is renewed. */
    public static LogAnalyticsClient create(ConnectorConfig config, Clock clock) {
        String workspaceId = config.requireWorkspace().workspaceId().orElseThrow(() -> new IllegalArgumentException(
                "connector '" + config.id() + "': workspace.id is required to query Log Analytics"));
        AzureHttp http = new AzureHttp(config, clock);
        OkHttpClient okHttp = http.configure(new OkHttpClient.Builder()).build();
        TokenCredential credential = http.credential(okHttp);
        String scope = config.cloud().logAnalyticsScope();
        LogsQueryClient client = new LogsQueryClientBuilder()
                .endpoint(config.logAnalyticsUrl() + "/v1")
                // LogsQueryClient 1.5.2 asks for a token for the host of its endpoint, and has no setting for
                // the audience: against any endpoint but Microsoft's (the emulator, a proxy) that token would be
                // refused, so every token it asks for is the cloud's Log Analytics token.
                .credential(request -> credential.getToken(new TokenRequestContext().addScopes(scope)
                        .setTenantId(request.getTenantId()).setClaims(request.getClaims())
                        .setCaeEnabled(request.isCaeEnabled())))
                .httpClient(new OkHttpAsyncHttpClientBuilder(okHttp).build())
                .retryPolicy(new RetryPolicy(new BackoffRetryStrategy(Backoff.DEFAULT)))
                .httpLogOptions(new HttpLogOptions().setLogLevel(HttpLogDetailLevel.BASIC))
                .buildClient();
        return new LogAnalyticsClient(config, workspaceId, okHttp, client);
    }

    /** Runs {@code query} over [start, end). */
    public LogQueryResult query(String query, Instant start, Instant end) {
        Objects.requireNonNull(query, "query");
        if (!start.isBefore(end)) {
            throw new IllegalArgumentException("the interval must end after it starts: " + start + " to " + end);
        }
        QueryTimeInterval interval = new QueryTimeInterval(start.atOffset(ZoneOffset.UTC), end.atOffset(ZoneOffset.UTC));
        LogsQueryResult result;
        try {
            result = client.queryWorkspaceWithResponse(workspaceId, query, interval,
                    new LogsQueryOptions().setAllowPartialErrors(true), Context.NONE).getValue();
        } catch (RuntimeException e) {
            throw LogAnalyticsErrors.classify(config, "queryLogs", e);
        }
        ResponseError error = result.getError();
        return new LogQueryResult(result.getAllTables().stream().map(LogAnalyticsClient::table).toList(),
                Optional.ofNullable(error).map(e -> new LogQueryResult.PartialError(e.getCode(), e.getMessage())));
    }

    @Override
    public void close() {
        AzureHttp.shutdown(okHttp);
    }

    /**
     * Columns come from the first row's cells: azure-monitor-query 1.5.2 never fills
     * {@code LogsTable.getColumns()} (it stays empty), so a table without rows has no columns here.
     */
    private static LogTable table(LogsTable table) {
        List<LogTable.Column> columns = table.getRows().isEmpty() ? List.of() : table.getRows().get(0).getRow().stream()
                .map(cell -> new LogTable.Column(cell.getColumnName(), cell.getColumnType().toString()))
                .toList();
        List<LogTable.Row> rows = table.getRows().stream().map(LogAnalyticsClient::row).toList();
        return new LogTable(columns, rows);
    }

    private static LogTable.Row row(LogsTableRow row) {
        Map<String, Object> values = new LinkedHashMap<>();
        for (LogsTableCell cell : row.getRow()) {
            values.put(cell.getColumnName(), value(cell));
        }
        return new LogTable.Row(values);
    }

    /** LogsColumnType prints Kusto's type names. */
    private static Object value(LogsTableCell cell) {
        if (cell.getValueAsString() == null) {
            return null;
        }
        return switch (cell.getColumnType().toString()) {
            case "bool" -> cell.getValueAsBoolean();
            case "datetime" -> cell.getValueAsDateTime().toInstant();
            case "int", "long" -> cell.getValueAsLong();
            case "real", "decimal" -> cell.getValueAsDouble();
            default -> cell.getValueAsString();
        };
    }
}
