package io.sentinelpager.azure;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.microsoft.graph.models.odataerrors.ODataError;
import com.microsoft.graph.models.security.Alert;
import com.microsoft.graph.models.security.AlertCollectionResponse;
import com.microsoft.graph.models.security.AlertComment;
import com.microsoft.kiota.RequestInformation;
import com.microsoft.kiota.serialization.Parsable;
import com.microsoft.kiota.serialization.ParsableFactory;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Reads and updates Microsoft Graph security alerts ({@code /security/alerts_v2}) for one connector,
 * with Microsoft's own Graph SDK and azure-identity, configured as in production (see
 * {@link GraphConnection}).
 *
 * <p>Listing does not send {@code $orderby}: Graph documents only $filter, $top, $skip and $count
 * for alerts_v2, and neither an order nor what its next links hold. A listing of more than one page
 * may therefore miss an alert that changed, or was shifted by one that changed, between two pages;
 * {@link #countUpdated} lets a poller prove that a listing of a window in the past was complete.
 */
public final class GraphAlertsClient implements AutoCloseable {

    /** The legacy alerts API's documented maximum; Graph does not publish one for alerts_v2. */
    public static final int MAX_TOP = 1000;

    private static final String READ_PERMISSION = "SecurityAlert.Read.All";
    private static final String WRITE_PERMISSION = "SecurityAlert.ReadWrite.All";

    private final GraphConnection connection;

    private GraphAlertsClient(GraphConnection connection) {
        this.connection = connection;
    }

    /**
     * Builds the clients; makes no network call, so a wrong secret shows at the first request.
     *
     * @throws IllegalArgumentException if the extra trusted certificate cannot be read
     */
    public static GraphAlertsClient create(ConnectorConfig config) {
        return create(config, Clock.systemUTC());
    }

    /** As {@link #create(ConnectorConfig)}, with the clock that decides when the access token is renewed. */
    public static GraphAlertsClient create(ConnectorConfig config, Clock clock) {
        return new GraphAlertsClient(GraphConnection.open(config, clock));
    }

    /**
     * The first page of alerts whose lastUpdateDateTime is at or after {@code since}. The bound is
     * inclusive so that an alert updated in the same instant as the watermark is not missed; the
     * caller drops what it has already seen.
     *
     * @param top page size, 1 to {@value #MAX_TOP}
     */
    public AlertPage listUpdatedSince(Instant since, int top) {
        return listUpdatedSince(since, top, null);
    }

    /**
     * As {@link #listUpdatedSince(Instant, int)}, narrowed on the server by more {@code $filter} clauses, so that
     * alerts the caller does not want cost no paging and no part of the request budget.
     *
     * @param andFilter OData clauses joined to the time bound with {@code and}, e.g. {@code severity eq 'high'};
     *                  null or blank for none
     */
    public AlertPage listUpdatedSince(Instant since, int top, String andFilter) {
        return listUpdated(since, null, top, andFilter);
    }

    /**
     * As {@link #listUpdatedSince(Instant, int, String)}, bounded above when {@code until} is given: the alerts
     * whose lastUpdateDateTime is at or after {@code since} and before {@code until}.
     */
    public AlertPage listUpdated(Instant since, Instant until, int top, String andFilter) {
        if (top < 1 || top > MAX_TOP) {
            throw new IllegalArgumentException("top must be between 1 and " + MAX_TOP + ", got " + top);
        }
        String filter = filter(since, until, andFilter);
        return page(connection.call("listAlerts", null, READ_PERMISSION,
                () -> connection.graph().security().alertsV2().get(request -> {
                    request.queryParameters.filter = filter;
                    request.queryParameters.top = top;
                })));
    }

    /**
     * How many alerts Graph counts, at the moment it answers, whose lastUpdateDateTime is at or after {@code since}
     * and before {@code until} ({@code $count=true}, documented for alerts_v2; one alert is listed along).
     *
     * @throws IllegalStateException if Graph's answer carries no {@code @odata.count}
     */
    public long countUpdated(Instant since, Instant until, String andFilter) {
        Objects.requireNonNull(until, "until");
        String filter = filter(since, until, andFilter);
        AlertCollectionResponse response = connection.call("countAlerts", null, READ_PERMISSION,
                () -> connection.graph().security().alertsV2().get(request -> {
                    request.queryParameters.filter = filter;
                    request.queryParameters.top = 1;
                    request.queryParameters.count = true;
                }));
        if (response.getOdataCount() == null) {
            throw new IllegalStateException("Graph answered $count=true without @odata.count");
        }
        return response.getOdataCount();
    }

    private static String filter(Instant since, Instant until, String andFilter) {
        Objects.requireNonNull(since, "since");
        return "lastUpdateDateTime ge " + GraphConnection.time(since)
                + (until == null ? "" : " and lastUpdateDateTime lt " + GraphConnection.time(until))
                + (andFilter == null || andFilter.isBlank() ? "" : " and " + andFilter);
    }

    /** The page an {@code @odata.nextLink} points to, with the same filter and page size. */
    public AlertPage nextPage(String nextLink) {
        Objects.requireNonNull(nextLink, "nextLink");
        connection.requireGraphHost(nextLink);
        return page(connection.call("listAlerts (next page)", null, READ_PERMISSION,
                () -> connection.graph().security().alertsV2().withUrl(nextLink).get()));
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
        return connection.call("updateAlert", alertId, WRITE_PERMISSION,
                () -> connection.graph().security().alertsV2().byAlertId(alertId).patch(changes));
    }

    /**
     * The alert as Graph has it now. A writer reads it first and writes only what it does not show yet: any attempt
     * may follow one whose answer was lost in a crash or a timeout.
     */
    public Alert alert(String alertId) {
        Objects.requireNonNull(alertId, "alertId");
        return connection.call("getAlert", alertId, READ_PERMISSION,
                () -> connection.graph().security().alertsV2().byAlertId(alertId).get());
    }

    /**
     * The texts of the comments of an alert as read, oldest first. A POST of a comment cannot carry an id of ours, so a
     * writer that may have posted one before (its answer lost in a crash or a timeout) looks for its text here first.
     */
    public static List<String> comments(Alert alert) {
        return alert == null || alert.getComments() == null ? List.of()
                : alert.getComments().stream().map(AlertComment::getComment).filter(Objects::nonNull).toList();
    }

    /**
     * Adds a comment to the alert. A POST: a 500 or a dropped connection is not retried here (the
     * comment may have been added), only 429 and 503, which Graph answers before doing anything.
     *
     * <p>Sends the one alertComment object that Graph documents, not what the SDK's
     * {@code comments().post(List)} sends: a JSON array, which Graph refuses with 400 "Empty Payload.
     * JSON content expected." (microsoftgraph/msgraph-sdk-java#2131, open for 6.x). The SDK still builds
     * the request and sends it through its adapter, with its authentication and our retry. Graph answers
     * with every comment of the alert, which is not read.
     */
    public void addComment(String alertId, String comment) {
        Objects.requireNonNull(alertId, "alertId");
        if (comment == null || comment.isBlank()) {
            throw new IllegalArgumentException("a comment needs text");
        }
        ObjectNode body = JsonNodeFactory.instance.objectNode()
                .put("@odata.type", "microsoft.graph.security.alertComment")
                .put("comment", comment);
        RequestInformation request = connection.graph().security().alertsV2().byAlertId(alertId).comments()
                .toPostRequestInformation(List.of());
        request.setStreamContent(new ByteArrayInputStream(body.toString().getBytes(StandardCharsets.UTF_8)),
                "application/json");
        HashMap<String, ParsableFactory<? extends Parsable>> errors = new HashMap<>();
        errors.put("XXX", ODataError::createFromDiscriminatorValue);
        connection.call("addComment", alertId, WRITE_PERMISSION,
                () -> connection.graph().getRequestAdapter().sendPrimitive(request, errors, Void.class));
    }

    @Override
    public void close() {
        connection.close();
    }

    private static AlertPage page(AlertCollectionResponse response) {
        List<Alert> alerts = response.getValue() == null ? List.of() : response.getValue();
        return new AlertPage(alerts.stream().map(alert -> new SourceAlert(alert, GraphConnection.json(alert))).toList(),
                Optional.ofNullable(response.getOdataNextLink()));
    }
}
