package io.sentinelpager.azure;

import com.azure.core.credential.TokenCredential;
import com.azure.core.http.HttpHeaderName;
import com.azure.core.http.HttpMethod;
import com.azure.core.http.HttpPipeline;
import com.azure.core.http.HttpPipelineBuilder;
import com.azure.core.http.HttpRequest;
import com.azure.core.http.HttpResponse;
import com.azure.core.http.okhttp.OkHttpAsyncHttpClientBuilder;
import com.azure.core.http.policy.BearerTokenAuthenticationPolicy;
import com.azure.core.http.policy.HttpLogDetailLevel;
import com.azure.core.http.policy.HttpLogOptions;
import com.azure.core.http.policy.HttpLoggingPolicy;
import com.azure.core.http.policy.RetryPolicy;
import com.azure.core.util.Context;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import okhttp3.OkHttpClient;

/**
 * Reads and updates the incidents of one Microsoft Sentinel workspace through Azure Resource Manager
 * at the stable api-version {@value #API_VERSION}, on azure-core's HTTP pipeline: the management SDK
 * for Sentinel exists only as a beta on a preview api-version.
 *
 * <p>The pipeline retries (obeying Retry-After, backing off with jitter otherwise) before it
 * authenticates, so every attempt carries a fresh token; it logs method, URL and status only, never
 * headers or bodies. A write is read-modify-write with the incident's etag: when someone else wrote
 * in between (409), the incident is read again and the change applied to what is there now.
 */
public final class SentinelIncidentsClient implements AutoCloseable {

    static final String API_VERSION = "2025-12-01";
    /** Bounds the read-modify-write loop; more conflicts than this mean a writer is fighting us. */
    static final int MAX_WRITE_ATTEMPTS = 3;
    public static final int MAX_TOP = 1000;

    private final ConnectorConfig config;
    private final String incidentsUrl;
    private final OkHttpClient okHttp;
    private final HttpPipeline pipeline;

    private SentinelIncidentsClient(ConnectorConfig config, OkHttpClient okHttp, HttpPipeline pipeline) {
        this.config = config;
        this.incidentsUrl = config.managementUrl() + config.requireWorkspace().sentinelPath() + "/incidents";
        this.okHttp = okHttp;
        this.pipeline = pipeline;
    }

    /**
     * Builds the client; makes no network call.
     *
     * @throws IllegalArgumentException if the connector has no Sentinel workspace, or its extra
     *     trusted certificate cannot be read
     */
    public static SentinelIncidentsClient create(ConnectorConfig config) {
        return create(config, Clock.systemUTC());
    }

    /** As {@link #create(ConnectorConfig)}, with the clock that decides when the access token is renewed. */
    public static SentinelIncidentsClient create(ConnectorConfig config, Clock clock) {
        config.requireWorkspace();
        AzureHttp http = new AzureHttp(config, clock);
        OkHttpClient okHttp = http.configure(new OkHttpClient.Builder()).build();
        TokenCredential credential = http.credential(okHttp);
        HttpPipeline pipeline = new HttpPipelineBuilder()
                .httpClient(new OkHttpAsyncHttpClientBuilder(okHttp).build())
                .policies(new RetryPolicy(new BackoffRetryStrategy(Backoff.DEFAULT)),
                        new BearerTokenAuthenticationPolicy(credential, config.cloud().managementScope()),
                        new HttpLoggingPolicy(new HttpLogOptions().setLogLevel(HttpLogDetailLevel.BASIC)))
                .build();
        return new SentinelIncidentsClient(config, okHttp, pipeline);
    }

    /**
     * The first page of incidents modified at or after {@code since}, oldest change first. Inclusive,
     * so an incident changed in the same instant as the watermark is not missed.
     *
     * @param top page size, 1 to {@value #MAX_TOP}
     */
    public IncidentPage listModifiedSince(Instant since, int top) {
        Objects.requireNonNull(since, "since");
        if (top < 1 || top > MAX_TOP) {
            throw new IllegalArgumentException("top must be between 1 and " + MAX_TOP + ", got " + top);
        }
        String url = incidentsUrl + "?api-version=" + API_VERSION
                + "&$filter=" + encode("properties/lastModifiedTimeUtc ge " + since)
                + "&$orderby=" + encode("properties/lastModifiedTimeUtc asc")
                + "&$top=" + top;
        return page(send("listIncidents", SentinelErrors.READER_ROLE, HttpMethod.GET, url, null));
    }

    /** The page a {@code nextLink} points to. */
    public IncidentPage nextPage(String nextLink) {
        Objects.requireNonNull(nextLink, "nextLink");
        if (!URI.create(nextLink).getHost().equalsIgnoreCase(config.managementUrl().getHost())) {
            // The pipeline would send our token to that host.
            throw new IllegalArgumentException("connector '" + config.id() + "': nextLink host "
                    + URI.create(nextLink).getHost() + " is not the configured management host");
        }
        return page(send("listIncidents (next page)", SentinelErrors.READER_ROLE, HttpMethod.GET, nextLink, null));
    }

    public SentinelIncident get(String incidentId) {
        return SentinelJson.incident(send("getIncident " + incidentId, SentinelErrors.READER_ROLE, HttpMethod.GET,
                incidentUrl(incidentId, ""), null));
    }

    /**
     * Applies the update to the incident as it is now, with its etag; on a conflict reads it again
     * and reapplies, up to {@value #MAX_WRITE_ATTEMPTS} times.
     *
     * @return the incident as Sentinel stored it
     * @throws AzureCallException retriable with status 409 if every attempt met a newer incident
     */
    public SentinelIncident update(String incidentId, IncidentUpdate update) {
        Objects.requireNonNull(update, "update");
        AzureCallException conflict = null;
        for (int attempt = 1; attempt <= MAX_WRITE_ATTEMPTS; attempt++) {
            SentinelIncident current = get(incidentId);
            ObjectNode body = JsonNodeFactory.instance.objectNode().put("etag", current.etag());
            body.set("properties", update.applyTo((ObjectNode) current.json().path("properties")));
            try {
                return SentinelJson.incident(send("updateIncident " + incidentId, SentinelErrors.CONTRIBUTOR_ROLE,
                        HttpMethod.PUT, incidentUrl(incidentId, ""), body));
            } catch (AzureCallException e) {
                if (e.httpStatus() != 409) {
                    throw e;
                }
                conflict = e;
            }
        }
        throw conflict;
    }

    /** The SecurityAlert entities of the incident (ARM lists them with a POST). */
    public List<SentinelAlert> alerts(String incidentId) {
        JsonNode body = send("listIncidentAlerts " + incidentId, SentinelErrors.READER_ROLE, HttpMethod.POST,
                incidentUrl(incidentId, "/alerts"), null);
        return values(body, SentinelJson::alert);
    }

    public List<IncidentComment> comments(String incidentId) {
        JsonNode body = send("listIncidentComments " + incidentId, SentinelErrors.READER_ROLE, HttpMethod.GET,
                incidentUrl(incidentId, "/comments"), null);
        return values(body, SentinelJson::comment);
    }

    /**
     * Adds a comment under an id the caller chooses: derived from the event that causes the comment,
     * a repeated call (after a crash or a lost answer) rewrites the same comment instead of adding
     * a second one.
     */
    public IncidentComment addComment(String incidentId, UUID commentId, String message) {
        Objects.requireNonNull(commentId, "commentId");
        if (message == null || message.isBlank()) {
            throw new IllegalArgumentException("a comment needs a message");
        }
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.putObject("properties").put("message", message);
        return SentinelJson.comment(send("addIncidentComment " + incidentId, SentinelErrors.CONTRIBUTOR_ROLE,
                HttpMethod.PUT, incidentUrl(incidentId, "/comments/" + commentId), body));
    }

    @Override
    public void close() {
        AzureHttp.shutdown(okHttp);
    }

    private JsonNode send(String operation, String role, HttpMethod method, String url, ObjectNode body) {
        HttpRequest request = new HttpRequest(method, url);
        if (body != null) {
            request.setHeader(HttpHeaderName.CONTENT_TYPE, "application/json");
            request.setBody(SentinelJson.write(body));
        }
        try (HttpResponse response = sendOrClassify(operation, request)) {
            String text = response.getBodyAsBinaryData() == null ? "" : response.getBodyAsBinaryData().toString();
            JsonNode json = SentinelJson.readOrEmpty(text);
            if (response.getStatusCode() >= 400) {
                throw SentinelErrors.fromResponse(config, operation, role, response.getStatusCode(), json,
                        response.getHeaderValue(HttpHeaderName.RETRY_AFTER));
            }
            return json;
        }
    }

    private HttpResponse sendOrClassify(String operation, HttpRequest request) {
        try {
            return pipeline.sendSync(request, Context.NONE);
        } catch (RuntimeException e) {
            throw SentinelErrors.fromFailure(config, operation, e);
        }
    }

    private String incidentUrl(String incidentId, String below) {
        Objects.requireNonNull(incidentId, "incidentId");
        return incidentsUrl + "/" + encode(incidentId) + below + "?api-version=" + API_VERSION;
    }

    private static IncidentPage page(JsonNode body) {
        return new IncidentPage(values(body, SentinelJson::incident),
                Optional.ofNullable(body.path("nextLink").textValue()));
    }

    private static <T> List<T> values(JsonNode body, Function<JsonNode, T> parse) {
        List<T> values = new ArrayList<>();
        body.path("value").forEach(item -> values.add(parse.apply(item)));
        return values;
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
