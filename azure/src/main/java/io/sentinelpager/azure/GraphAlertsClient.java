package io.sentinelpager.azure;

import com.azure.core.credential.TokenCredential;
import com.microsoft.graph.core.requests.GraphClientFactory;
import com.microsoft.graph.core.requests.options.GraphClientOption;
import com.microsoft.graph.models.security.Alert;
import com.microsoft.graph.models.security.AlertCollectionResponse;
import com.microsoft.graph.serviceclient.GraphServiceClient;
import com.microsoft.kiota.authentication.AzureIdentityAuthenticationProvider;
import com.microsoft.kiota.serialization.KiotaJsonSerialization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import okhttp3.Interceptor;
import okhttp3.OkHttpClient;
import okhttp3.Response;

/**
 * Reads and updates Microsoft Graph security alerts ({@code /security/alerts_v2}) for one connector,
 * with Microsoft's own Graph SDK and azure-identity, configured as in production.
 *
 * <p>Every request carries {@code Prefer: include-unknown-enum-members}: without it Graph reports
 * Sentinel alerts with serviceSource and detectionSource {@code unknownFutureValue}, which the SDK
 * cannot map, and a Sentinel alert becomes indistinguishable from any other.
 *
 * <p>Listing does not send {@code $orderby}: Graph documents only $filter, $top, $skip and $count
 * for alerts_v2. A poller therefore advances its watermark to the greatest lastUpdateDateTime over
 * all pages of a listing, only after reading the last page.
 */
public final class GraphAlertsClient implements AutoCloseable {

    static final String GRAPH_SCOPE = "https://graph.microsoft.com/.default";
    static final String PREFER_UNKNOWN_ENUM_MEMBERS = "include-unknown-enum-members";
    /** The legacy alerts API's documented maximum; Graph does not publish one for alerts_v2. */
    public static final int MAX_TOP = 1000;

    private static final String READ_PERMISSION = "SecurityAlert.Read.All";
    private static final String WRITE_PERMISSION = "SecurityAlert.ReadWrite.All";
    private static final DateTimeFormatter GRAPH_TIME =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSSS'Z'").withZone(ZoneOffset.UTC);

    private final ConnectorConfig config;
    private final OkHttpClient identityHttp;
    private final OkHttpClient graphHttp;
    private final GraphServiceClient graph;

    private GraphAlertsClient(ConnectorConfig config, OkHttpClient identityHttp, OkHttpClient graphHttp,
                              GraphServiceClient graph) {
        this.config = config;
        this.identityHttp = identityHttp;
        this.graphHttp = graphHttp;
        this.graph = graph;
    }

    /**
     * Builds the clients; makes no network call, so a wrong secret shows at the first request.
     *
     * @throws IllegalArgumentException if the extra trusted certificate cannot be read
     */
    public static GraphAlertsClient create(ConnectorConfig config) {
        AzureHttp http = new AzureHttp(config);
        OkHttpClient identityHttp = http.configure(new OkHttpClient.Builder()).build();
        TokenCredential credential = http.credential(identityHttp);
        // The auth provider attaches a token only for allowed hosts and silently sends none to any
        // other, so the configured Graph host must be listed (the SDK's default list has only
        // Microsoft's Graph hosts).
        AzureIdentityAuthenticationProvider auth = new AzureIdentityAuthenticationProvider(
                credential, new String[] {config.graphBaseUrl().getHost()}, GRAPH_SCOPE);
        OkHttpClient graphHttp = http.configure(GraphClientFactory.create(new GraphClientOption()))
                .addInterceptor(GraphAlertsClient::preferUnknownEnumMembers)
                .build();
        GraphServiceClient graph = new GraphServiceClient(auth, graphHttp);
        graph.getRequestAdapter().setBaseUrl(config.graphBaseUrl().toString());
        return new GraphAlertsClient(config, identityHttp, graphHttp, graph);
    }

    /**
     * The first page of alerts whose lastUpdateDateTime is at or after {@code since}. The bound is
     * inclusive so that an alert updated in the same instant as the watermark is not missed; the
     * caller drops what it has already seen.
     *
     * @param top page size, 1 to {@value #MAX_TOP}
     */
    public AlertPage listUpdatedSince(Instant since, int top) {
        Objects.requireNonNull(since, "since");
        if (top < 1 || top > MAX_TOP) {
            throw new IllegalArgumentException("top must be between 1 and " + MAX_TOP + ", got " + top);
        }
        String filter = "lastUpdateDateTime ge " + GRAPH_TIME.format(since);
        return page(call("listAlerts", null, READ_PERMISSION, () -> graph.security().alertsV2().get(request -> {
            request.queryParameters.filter = filter;
            request.queryParameters.top = top;
        })));
    }

    /** The page an {@code @odata.nextLink} points to, with the same filter and page size. */
    public AlertPage nextPage(String nextLink) {
        Objects.requireNonNull(nextLink, "nextLink");
        String host = URI.create(nextLink).getHost();
        if (!config.graphBaseUrl().getHost().equalsIgnoreCase(host)) {
            // The SDK would send such a request without a token; say so instead of failing with a 401.
            throw new IllegalArgumentException("connector '" + config.id() + "': nextLink host " + host
                    + " is not the configured Graph host " + config.graphBaseUrl().getHost());
        }
        return page(call("listAlerts (next page)", null, READ_PERMISSION,
                () -> graph.security().alertsV2().withUrl(nextLink).get()));
    }

    /** PATCHes the alert's status, assignedTo, classification and determination; returns the alert as Graph now has it. */
    public Alert updateAlert(String alertId, AlertUpdate update) {
        Objects.requireNonNull(alertId, "alertId");
        Objects.requireNonNull(update, "update");
        Alert changes = new Alert();
        Optional.ofNullable(update.status()).ifPresent(changes::setStatus);
        Optional.ofNullable(update.assignedTo()).ifPresent(changes::setAssignedTo);
        Optional.ofNullable(update.classification()).ifPresent(changes::setClassification);
        Optional.ofNullable(update.determination()).ifPresent(changes::setDetermination);
        return call("updateAlert", alertId, WRITE_PERMISSION,
                () -> graph.security().alertsV2().byAlertId(alertId).patch(changes));
    }

    @Override
    public void close() {
        AzureHttp.shutdown(graphHttp);
        AzureHttp.shutdown(identityHttp);
    }

    private <T> T call(String operation, String alertId, String permission, Supplier<T> request) {
        try {
            return request.get();
        } catch (RuntimeException e) {
            throw GraphErrors.classify(config, operation, alertId, permission, e);
        }
    }

    private static AlertPage page(AlertCollectionResponse response) {
        List<Alert> alerts = response.getValue() == null ? List.of() : response.getValue();
        return new AlertPage(alerts.stream().map(alert -> new SourceAlert(alert, json(alert))).toList(),
                Optional.ofNullable(response.getOdataNextLink()));
    }

    /**
     * Every property, not only "changed" ones: with Kiota's default (changed values only) a model read
     * from a response loses properties such as its id and @odata.type (seen with Kiota 1.9.2). Uses
     * the JSON serializer that the GraphServiceClient built in create() registers with Kiota.
     */
    private static String json(Alert alert) {
        try {
            return KiotaJsonSerialization.serializeAsString(alert, false);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot serialize alert " + alert.getId(), e);
        }
    }

    private static Response preferUnknownEnumMembers(Interceptor.Chain chain) throws IOException {
        return chain.proceed(chain.request().newBuilder().addHeader("Prefer", PREFER_UNKNOWN_ENUM_MEMBERS).build());
    }
}
