package io.sentinelpager.azure;

import com.azure.core.credential.TokenCredential;
import com.microsoft.graph.core.requests.BaseGraphRequestAdapter;
import com.microsoft.graph.core.requests.GraphClientFactory;
import com.microsoft.graph.core.requests.options.GraphClientOption;
import com.microsoft.graph.serviceclient.GraphServiceClient;
import com.microsoft.kiota.authentication.AzureIdentityAuthenticationProvider;
import com.microsoft.kiota.http.middleware.RetryHandler;
import com.microsoft.kiota.serialization.FormParseNodeFactory;
import com.microsoft.kiota.serialization.FormSerializationWriterFactory;
import com.microsoft.kiota.serialization.JsonParseNodeFactory;
import com.microsoft.kiota.serialization.JsonSerializationWriterFactory;
import com.microsoft.kiota.serialization.KiotaJsonSerialization;
import com.microsoft.kiota.serialization.MultipartSerializationWriterFactory;
import com.microsoft.kiota.serialization.Parsable;
import com.microsoft.kiota.serialization.ParseNodeFactory;
import com.microsoft.kiota.serialization.ParseNodeFactoryRegistry;
import com.microsoft.kiota.serialization.SerializationWriterFactory;
import com.microsoft.kiota.serialization.SerializationWriterFactoryRegistry;
import com.microsoft.kiota.serialization.TextParseNodeFactory;
import com.microsoft.kiota.serialization.TextSerializationWriterFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import okhttp3.Interceptor;
import okhttp3.OkHttpClient;
import okhttp3.Response;

/**
 * One connector's Microsoft Graph SDK client, configured as production runs it, shared by the alerts
 * and incidents clients: azure-identity's credential, the connector's trust and timeout, our retry
 * rule in place of the SDK's, and {@code Prefer: include-unknown-enum-members} on every request
 * (without it Graph reports Sentinel values as {@code unknownFutureValue}, which the SDK cannot map).
 */
final class GraphConnection implements AutoCloseable {

    static final String PREFER_UNKNOWN_ENUM_MEMBERS = "include-unknown-enum-members";

    private static final DateTimeFormatter GRAPH_TIME =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSSS'Z'").withZone(ZoneOffset.UTC);

    private final ConnectorConfig config;
    private final OkHttpClient identityHttp;
    private final OkHttpClient graphHttp;
    private final GraphServiceClient graph;

    private GraphConnection(ConnectorConfig config, OkHttpClient identityHttp, OkHttpClient graphHttp,
                            GraphServiceClient graph) {
        this.config = config;
        this.identityHttp = identityHttp;
        this.graphHttp = graphHttp;
        this.graph = graph;
    }

    /**
     * Makes no network call, so a wrong secret shows at the first request.
     *
     * @param clock decides when the cached access token is renewed
     */
    static GraphConnection open(ConnectorConfig config, Clock clock) {
        AzureHttp http = new AzureHttp(config, clock);
        OkHttpClient identityHttp = http.configure(new OkHttpClient.Builder()).build();
        TokenCredential credential = http.credential(identityHttp);
        // The auth provider attaches a token only for allowed hosts and silently sends none to any
        // other, so the configured Graph host must be listed (the SDK's default list has only
        // Microsoft's Graph hosts).
        AzureIdentityAuthenticationProvider auth = new AzureIdentityAuthenticationProvider(
                credential, new String[] {config.graphBaseUrl().getHost()}, config.cloud().graphScope());
        OkHttpClient graphHttp = http.configure(GraphClientFactory.create(new GraphClientOption(), interceptors()))
                .addInterceptor(GraphConnection::preferUnknownEnumMembers)
                .build();
        // Microsoft's parsers and writers for this client alone, not Kiota's defaults for the whole JVM: the schema
        // registry's client (Apicurio, which every service's serdes make) puts its own in their place whenever one is
        // made. Its JSON parser cannot read the date in Graph's error bodies (no offset), so a 403 read with it lost
        // its status and the permission it names.
        GraphServiceClient graph = new GraphServiceClient(new BaseGraphRequestAdapter(auth, parsers(), writers(),
                graphHttp, new GraphClientOption(), config.graphBaseUrl().toString()));
        return new GraphConnection(config, identityHttp, graphHttp, graph);
    }

    /** The parsers the Graph SDK registers as Kiota's defaults, in a registry of this client's own. */
    private static ParseNodeFactoryRegistry parsers() {
        ParseNodeFactoryRegistry registry = new ParseNodeFactoryRegistry();
        for (ParseNodeFactory factory : List.of(new JsonParseNodeFactory(), new TextParseNodeFactory(),
                new FormParseNodeFactory())) {
            registry.contentTypeAssociatedFactories.put(factory.getValidContentType(), factory);
        }
        return registry;
    }

    /** The writers the Graph SDK registers as Kiota's defaults, in a registry of this client's own. */
    private static SerializationWriterFactoryRegistry writers() {
        SerializationWriterFactoryRegistry registry = new SerializationWriterFactoryRegistry();
        for (SerializationWriterFactory factory : List.of(new JsonSerializationWriterFactory(),
                new TextSerializationWriterFactory(), new FormSerializationWriterFactory(),
                new MultipartSerializationWriterFactory())) {
            registry.contentTypeAssociatedFactories.put(factory.getValidContentType(), factory);
        }
        return registry;
    }

    GraphServiceClient graph() {
        return graph;
    }

    /** Runs a Graph request; whatever it throws leaves as a classified {@link GraphCallException}. */
    <T> T call(String operation, String alertId, String permission, Supplier<T> request) {
        try {
            return request.get();
        } catch (RuntimeException e) {
            throw GraphErrors.classify(config, operation, alertId, permission, e);
        }
    }

    /** @throws IllegalArgumentException for a nextLink to another host, to which the SDK would send no token */
    void requireGraphHost(String nextLink) {
        String host = URI.create(nextLink).getHost();
        if (!config.graphBaseUrl().getHost().equalsIgnoreCase(host)) {
            throw new IllegalArgumentException("connector '" + config.id() + "': nextLink host " + host
                    + " is not the configured Graph host " + config.graphBaseUrl().getHost());
        }
    }

    /** An OData date-time literal, as Graph writes them. */
    static String time(Instant instant) {
        return GRAPH_TIME.format(instant);
    }

    /**
     * Every property, not only "changed" ones: with Kiota's default (changed values only) a model read
     * from a response loses properties such as its id and @odata.type (seen with Kiota 1.9.2). Uses
     * the JSON serializer that the GraphServiceClient registers with Kiota.
     */
    static String json(Parsable model) {
        try {
            return KiotaJsonSerialization.serializeAsString(model, false);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot serialize a Graph " + model.getClass().getSimpleName(), e);
        }
    }

    @Override
    public void close() {
        AzureHttp.shutdown(graphHttp);
        AzureHttp.shutdown(identityHttp);
    }

    /** The Graph SDK's middleware with its RetryHandler swapped for ours, outermost so a retry re-runs the rest. */
    private static Interceptor[] interceptors() {
        List<Interceptor> interceptors = new ArrayList<>();
        interceptors.add(new GraphRetry(Backoff.DEFAULT, Clock.systemUTC()));
        for (Interceptor interceptor : GraphClientFactory.createDefaultGraphInterceptors(new GraphClientOption())) {
            if (!(interceptor instanceof RetryHandler)) {
                interceptors.add(interceptor);
            }
        }
        return interceptors.toArray(Interceptor[]::new);
    }

    private static Response preferUnknownEnumMembers(Interceptor.Chain chain) throws IOException {
        return chain.proceed(chain.request().newBuilder().addHeader("Prefer", PREFER_UNKNOWN_ENUM_MEMBERS).build());
    }
}
