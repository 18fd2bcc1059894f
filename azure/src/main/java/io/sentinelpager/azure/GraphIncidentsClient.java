package io.sentinelpager.azure;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.microsoft.graph.models.odataerrors.ODataError;
import com.microsoft.graph.models.security.Incident;
import com.microsoft.kiota.HttpMethod;
import com.microsoft.kiota.RequestInformation;
import com.microsoft.kiota.serialization.Parsable;
import com.microsoft.kiota.serialization.ParsableFactory;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import com.microsoft.graph.models.security.IncidentCollectionResponse;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Reads and updates Defender incidents ({@code /security/incidents}) through Microsoft Graph, each
 * read with its alerts inlined ({@code $expand=alerts}), so grouping alerts into one page per incident
 * costs no call per incident.
 */
public final class GraphIncidentsClient implements AutoCloseable {

    public static final int MAX_TOP = GraphAlertsClient.MAX_TOP;

    private static final String READ_PERMISSION = "SecurityIncident.Read.All";
    private static final String WRITE_PERMISSION = "SecurityIncident.ReadWrite.All";
    private static final String[] ALERTS = {"alerts"};
    /** The incident's own URL template (see IncidentItemRequestBuilder) with /comments, and no query options. */
    private static final String COMMENTS_TEMPLATE = "{+baseurl}/security/incidents/{incident%2Did}/comments";

    private final GraphConnection connection;

    private GraphIncidentsClient(GraphConnection connection) {
        this.connection = connection;
    }

    public static GraphIncidentsClient create(ConnectorConfig config) {
        return create(config, Clock.systemUTC());
    }

    /** As {@link #create(ConnectorConfig)}, with the clock that decides when the access token is renewed. */
    public static GraphIncidentsClient create(ConnectorConfig config, Clock clock) {
        return new GraphIncidentsClient(GraphConnection.open(config, clock));
    }

    /** The first page of incidents updated at or after {@code since} (inclusive, as for alerts). */
    public GraphIncidentPage listUpdatedSince(Instant since, int top) {
        Objects.requireNonNull(since, "since");
        if (top < 1 || top > MAX_TOP) {
            throw new IllegalArgumentException("top must be between 1 and " + MAX_TOP + ", got " + top);
        }
        String filter = "lastUpdateDateTime ge " + GraphConnection.time(since);
        return page(connection.call("listIncidents", null, READ_PERMISSION,
                () -> connection.graph().security().incidents().get(request -> {
                    request.queryParameters.filter = filter;
                    request.queryParameters.top = top;
                    request.queryParameters.expand = ALERTS;
                })));
    }

    public GraphIncidentPage nextPage(String nextLink) {
        Objects.requireNonNull(nextLink, "nextLink");
        connection.requireGraphHost(nextLink);
        return page(connection.call("listIncidents (next page)", null, READ_PERMISSION,
                () -> connection.graph().security().incidents().withUrl(nextLink).get()));
    }

    public Incident get(String incidentId) {
        Objects.requireNonNull(incidentId, "incidentId");
        return connection.call("getIncident " + incidentId, null, READ_PERMISSION,
                () -> connection.graph().security().incidents().byIncidentId(incidentId)
                        .get(request -> request.queryParameters.expand = ALERTS));
    }

    /** PATCHes the incident; returns it as Graph now has it. */
    public Incident update(String incidentId, GraphIncidentUpdate update) {
        Objects.requireNonNull(incidentId, "incidentId");
        Objects.requireNonNull(update, "update");
        Incident changes = new Incident();
        Optional.ofNullable(update.status()).ifPresent(changes::setStatus);
        Optional.ofNullable(update.assignedTo()).ifPresent(changes::setAssignedTo);
        Optional.ofNullable(update.classification()).ifPresent(changes::setClassification);
        Optional.ofNullable(update.determination()).ifPresent(changes::setDetermination);
        Optional.ofNullable(update.customTags()).ifPresent(changes::setCustomTags);
        Optional.ofNullable(update.resolvingComment()).ifPresent(changes::setResolvingComment);
        return connection.call("updateIncident " + incidentId, null, WRITE_PERMISSION,
                () -> connection.graph().security().incidents().byIncidentId(incidentId).patch(changes));
    }

    /**
     * Adds a comment to the incident ({@code POST /security/incidents/{id}/comments}, one alertComment object, as for
     * an alert's comments; the SDK has no request builder for it, so the incident's own request is re-aimed). A POST:
     * a 500 or a dropped connection is not retried here (the comment may have been added); the caller reads the
     * incident's comments before it posts again.
     */
    public void addComment(String incidentId, String comment) {
        Objects.requireNonNull(incidentId, "incidentId");
        if (comment == null || comment.isBlank()) {
            throw new IllegalArgumentException("a comment needs text");
        }
        ObjectNode body = JsonNodeFactory.instance.objectNode()
                .put("@odata.type", "microsoft.graph.security.alertComment")
                .put("comment", comment);
        RequestInformation request = connection.graph().security().incidents().byIncidentId(incidentId)
                .toPatchRequestInformation(new Incident());
        request.httpMethod = HttpMethod.POST;
        request.urlTemplate = COMMENTS_TEMPLATE;
        request.setStreamContent(new ByteArrayInputStream(body.toString().getBytes(StandardCharsets.UTF_8)),
                "application/json");
        HashMap<String, ParsableFactory<? extends Parsable>> errors = new HashMap<>();
        errors.put("XXX", ODataError::createFromDiscriminatorValue);
        connection.call("addIncidentComment " + incidentId, null, WRITE_PERMISSION,
                () -> connection.graph().getRequestAdapter().sendPrimitive(request, errors, Void.class));
    }

    @Override
    public void close() {
        connection.close();
    }

    private static GraphIncidentPage page(IncidentCollectionResponse response) {
        List<Incident> incidents = response.getValue() == null ? List.of() : response.getValue();
        return new GraphIncidentPage(incidents, Optional.ofNullable(response.getOdataNextLink()));
    }
}
