package io.sentinelpager.emulator;

import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.List;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A fake Azure that the real Microsoft SDKs talk to unchanged: the Entra ID token endpoint, the
 * Microsoft Graph security alerts API, the Sentinel incidents API of Azure Resource Manager and the
 * Log Analytics query API, over HTTPS on 127.0.0.1 (or the address {@link EmulatorOptions#host()} names), plus an admin API to seed alerts,
 * inject faults per route and read the request log.
 *
 * <p>HTTPS only, because the Azure SDKs refuse to send bearer tokens over plain HTTP; the
 * certificate is generated at start, and clients trust it through {@link #certificatePem()}. Point
 * azure-identity's authority host at {@link #authorityHost()} and the Graph client's base URL at
 * {@link #graphBaseUrl()}.
 */
public final class AzureEmulator implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(AzureEmulator.class);

    private final Javalin app;
    private final String certificatePem;
    private final GraphAlertStore alerts;
    private final GraphIncidentStore graphIncidents;
    private final SentinelIncidentStore incidents;
    private final LogAnalyticsTables logAnalytics;
    private final Faults faults;
    private final RequestLog requests;
    private final AccessTokens tokens;
    private final ClientAssertions assertions;
    private final String baseUrl;
    private final EmulatorOptions options;
    private final OidcApi oidc;
    private final GraphApi graph;
    private final SentinelApi sentinel;

    private AzureEmulator(Javalin app, String certificatePem, GraphApi graph, GraphAlertStore alerts,
                          GraphIncidentStore graphIncidents,
                          SentinelApi sentinel, SentinelIncidentStore incidents,
                          LogAnalyticsTables logAnalytics, Faults faults,
                          RequestLog requests, AccessTokens tokens, ClientAssertions assertions, String baseUrl,
                          EmulatorOptions options, OidcApi oidc) {
        this.app = app;
        this.graph = graph;
        this.sentinel = sentinel;
        this.assertions = assertions;
        this.options = options;
        this.certificatePem = certificatePem;
        this.alerts = alerts;
        this.graphIncidents = graphIncidents;
        this.incidents = incidents;
        this.logAnalytics = logAnalytics;
        this.faults = faults;
        this.requests = requests;
        this.tokens = tokens;
        this.baseUrl = baseUrl;
        this.oidc = oidc;
    }

    public static AzureEmulator start(EmulatorOptions options) {
        SelfSignedCertificate certificate = SelfSignedCertificate.generate(options.hostname());
        GraphAlertStore alerts = new GraphAlertStore(options.clock(), options.tenantId());
        AccessTokens tokens = new AccessTokens(options.clock(), options.tokenLifetime());
        Faults faults = new Faults();
        RequestLog requests = new RequestLog(options.clock());
        Routes routes = new Routes(faults, requests);
        ClientAssertions assertions = new ClientAssertions();
        EntraIdApi entraId = new EntraIdApi(options, tokens, assertions);
        GraphApi graph = new GraphApi(alerts, tokens, options.clock(), options.alertListing());
        GraphIncidentStore graphIncidents = new GraphIncidentStore(options.clock(), options.tenantId());
        SentinelIncidentStore incidents = new SentinelIncidentStore(options.clock());
        SentinelApi sentinel = new SentinelApi(incidents, tokens, options);
        LogAnalyticsTables logAnalytics = new LogAnalyticsTables();

        ServerConnector[] connector = new ServerConnector[1];
        OidcApi oidc = new OidcApi(options, () -> "https://" + options.hostname() + ":" + connector[0].getLocalPort());
        Javalin app = Javalin.create(config -> {
            config.showJavalinBanner = false;
            config.startupWatcherEnabled = false;
            config.requestLogger.http(routes::logRequest);
            config.jetty.addConnector((server, httpConfiguration) -> {
                connector[0] = httpsConnector(server, httpConfiguration, certificate, options.host(), options.port());
                return connector[0];
            });
        });
        routes.install(app, graph);
        entraId.register(app, routes);
        graph.register(app, routes);
        new GraphIncidentsApi(graphIncidents, alerts, graph).register(app, routes);
        sentinel.register(app, routes);
        LogAnalyticsApi logAnalyticsApi = new LogAnalyticsApi(logAnalytics, tokens, options.clock());
        logAnalyticsApi.register(app, routes);
        new AdminApi(alerts, graphIncidents, incidents, logAnalytics).register(app);
        new FaultAdminApi(faults, requests).register(app);
        oidc.register(app);
        registerFallback(app, graph, sentinel, logAnalyticsApi);
        app.exception(Exception.class, (e, ctx) -> {
            LOG.error("emulator failed on {} {}", ctx.method(), ctx.path(), e);
            if (ctx.path().startsWith("/admin/")) {
                AdminApi.renderError(ctx, 500, "The emulator failed: " + e);
            } else {
                Routes.api(ctx).orElse(graph).render(ctx, new ApiError(500, "InternalServerError",
                        "The emulator failed: " + e));
            }
        });
        app.start();
        String baseUrl = "https://" + options.hostname() + ":" + connector[0].getLocalPort();
        LOG.info("Azure emulator listening on {} (tenant {}, client {})", baseUrl, options.tenantId(), options.clientId());
        return new AzureEmulator(app, certificate.pem(), graph, alerts, graphIncidents, sentinel, incidents, logAnalytics,
                faults, requests, tokens, assertions, baseUrl, options, oidc);
    }

    /** The admin API's routes, one line each with what the route does, relative to {@link #baseUrl()}. */
    public static List<String> adminRoutes() {
        return AdminApi.ROUTES;
    }

    /** The tenant and app registration this emulator accepts. */
    public EmulatorOptions options() {
        return options;
    }

    /** {@code https://127.0.0.1:PORT} (or the {@link EmulatorOptions#hostname()} given), without a trailing slash. */
    public String baseUrl() {
        return baseUrl;
    }

    /** The Graph service root, to use in place of {@code https://graph.microsoft.com/v1.0}. */
    public String graphBaseUrl() {
        return baseUrl + "/v1.0";
    }

    /** The Azure Resource Manager endpoint, to use in place of {@code https://management.azure.com}. */
    public String managementUrl() {
        return baseUrl;
    }

    /** The Log Analytics query endpoint, to use in place of {@code https://api.loganalytics.io}. */
    public String logAnalyticsUrl() {
        return baseUrl;
    }

    /** The Entra ID authority host, to use in place of {@code https://login.microsoftonline.com/}. */
    public String authorityHost() {
        return baseUrl + "/";
    }

    /**
     * A person of the tenant who can sign in to an app through the emulated Entra ID (OpenID Connect); the
     * discovery document is at {@link #oidcIssuer()} + {@code /.well-known/openid-configuration}.
     */
    public void addPerson(String email, String name) {
        oidc.addPerson(email, name);
    }

    /** The OpenID Connect issuer of the tenant, as Entra's {@code https://login.microsoftonline.com/<tenant>/v2.0}. */
    public String oidcIssuer() {
        return oidc.issuer();
    }

    /** The server's self-signed certificate, PEM-encoded, for a client's trust store. */
    public String certificatePem() {
        return certificatePem;
    }

    public void writeCertificatePem(Path file) {
        try {
            Files.writeString(file, certificatePem, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the emulator certificate to " + file, e);
        }
    }

    /** The emulated tenant's alerts, the same state the Graph and admin APIs serve. */
    public GraphAlertStore alerts() {
        return alerts;
    }

    /** The emulated tenant's Defender incidents, served by Graph; their alerts are the alerts naming them. */
    public GraphIncidentStore graphIncidents() {
        return graphIncidents;
    }

    /**
     * Makes {@code change} (an analyst's update, a new alert, through {@link #alerts()}) when the next request for a
     * page of Graph alerts other than the first arrives, before that page is made: what a tenant does while a client
     * pages. Once; a later call replaces a change not yet made.
     */
    public void beforeNextAlertPage(Runnable change) {
        graph.beforeNextPage(change);
    }

    /** The emulated Sentinel workspaces' incidents, the same state the ARM and admin APIs serve. */
    public SentinelIncidentStore incidents() {
        return incidents;
    }

    /**
     * Makes {@code change} (an analyst's change of an incident, a new incident, through {@link #incidents()}) when the
     * next request for a page of Sentinel incidents other than the first arrives, before that page is made: what a
     * workspace does while a client pages. Once; a later call replaces a change not yet made.
     */
    public void beforeNextIncidentPage(Runnable change) {
        sentinel.beforeNextPage(change);
    }

    /** What the emulated Log Analytics workspaces answer to queries. */
    public LogAnalyticsTables logAnalytics() {
        return logAnalytics;
    }

    /** Fault injection and permissions, per route; see {@link Faults#routes()} for the route names. */
    public Faults faults() {
        return faults;
    }

    /** Every request the emulated APIs answered. */
    public RequestLog requests() {
        return requests;
    }

    /**
     * Uploads a certificate to the app registration: from now on the token endpoint also accepts a
     * client assertion signed with its key (besides the client secret).
     */
    public void registerClientCertificate(X509Certificate certificate) {
        assertions.register(certificate);
    }

    /**
     * The access tokens issued and not yet expired, so a test can check that none of them leaked
     * into a log line or an exception message.
     */
    public List<String> issuedAccessTokens() {
        return tokens.all();
    }

    /**
     * Every access token any emulator in this JVM has issued, expired ones and those of closed
     * emulators included, for a search of a whole test run's logs.
     */
    public static List<String> accessTokensIssuedInThisJvm() {
        return IssuedCredentials.accessTokens();
    }

    /** Every client assertion (a signed JWT that proves the app) any emulator in this JVM has received. */
    public static List<String> clientAssertionsReceivedInThisJvm() {
        return IssuedCredentials.clientAssertions();
    }

    @Override
    public void close() {
        app.stop();
    }

    private static ServerConnector httpsConnector(Server server, HttpConfiguration httpConfiguration,
                                                  SelfSignedCertificate certificate, String host, int port) {
        byte[] passwordBytes = new byte[18];
        new SecureRandom().nextBytes(passwordBytes);
        char[] password = Base64.getEncoder().encodeToString(passwordBytes).toCharArray();
        SslContextFactory.Server ssl = new SslContextFactory.Server();
        ssl.setKeyStore(certificate.keyStore(password));
        ssl.setKeyStorePassword(new String(password));
        HttpConfiguration https = new HttpConfiguration(httpConfiguration);
        https.addCustomizer(new SecureRequestCustomizer());
        ServerConnector connector = new ServerConnector(server,
                new SslConnectionFactory(ssl, HttpVersion.HTTP_1_1.asString()), new HttpConnectionFactory(https));
        connector.setHost(host);
        connector.setPort(port);
        return connector;
    }

    /**
     * Answers requests for anything not emulated with a 404 and a warning that names the request,
     * so a new SDK version that calls something new shows up in the log instead of as a vague failure.
     * Registered last: Javalin picks the first matching route.
     */
    private static void registerFallback(Javalin app, GraphApi graph, SentinelApi sentinel, LogAnalyticsApi logAnalytics) {
        for (HandlerType method : List.of(HandlerType.GET, HandlerType.POST, HandlerType.PUT,
                HandlerType.PATCH, HandlerType.DELETE)) {
            app.addHttpHandler(method, "/*", ctx -> notEmulated(ctx, graph, sentinel, logAnalytics));
        }
    }

    private static void notEmulated(Context ctx, GraphApi graph, SentinelApi sentinel, LogAnalyticsApi logAnalytics) {
        LOG.warn("the Azure emulator does not emulate {} {}", ctx.method(), ctx.path());
        String message = "The emulator does not emulate " + ctx.method() + " " + ctx.path();
        if (ctx.path().startsWith("/v1.0/")) {
            graph.render(ctx, new ApiError(404, "NotFound", message));
        } else if (ctx.path().startsWith("/subscriptions/")) {
            sentinel.render(ctx, new ApiError(404, "NotFound", message));
        } else if (ctx.path().startsWith("/v1/")) {
            // The Log Analytics service's words for any path it does not serve.
            logAnalytics.render(ctx, new ApiError(404, "PathNotFoundError", "The requested path does not exist"));
        } else {
            AdminApi.renderError(ctx, 404, message);
        }
    }
}
