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
 * A fake Azure that the real Microsoft SDKs talk to unchanged: the Entra ID token endpoint and the
 * Microsoft Graph security alerts API, over HTTPS on 127.0.0.1, plus an admin API to seed alerts.
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
    private final String baseUrl;
    private final EmulatorOptions options;

    private AzureEmulator(Javalin app, String certificatePem, GraphAlertStore alerts, String baseUrl,
                          EmulatorOptions options) {
        this.app = app;
        this.options = options;
        this.certificatePem = certificatePem;
        this.alerts = alerts;
        this.baseUrl = baseUrl;
    }

    public static AzureEmulator start(EmulatorOptions options) {
        SelfSignedCertificate certificate = SelfSignedCertificate.generate();
        GraphAlertStore alerts = new GraphAlertStore(options.clock(), options.tenantId());
        AccessTokens tokens = new AccessTokens(options.clock(), options.tokenLifetime());
        EntraIdApi entraId = new EntraIdApi(options, tokens);
        GraphApi graph = new GraphApi(alerts, tokens, options.clock());
        AdminApi admin = new AdminApi(alerts);

        ServerConnector[] connector = new ServerConnector[1];
        Javalin app = Javalin.create(config -> {
            config.showJavalinBanner = false;
            config.startupWatcherEnabled = false;
            config.jetty.addConnector((server, httpConfiguration) -> {
                connector[0] = httpsConnector(server, httpConfiguration, certificate, options.port());
                return connector[0];
            });
        });
        entraId.register(app);
        graph.register(app);
        admin.register(app);
        registerFallback(app, graph);
        app.exception(GraphApi.GraphError.class, (e, ctx) -> graph.renderError(ctx, e.status, e.code, e.getMessage()));
        app.exception(Exception.class, (e, ctx) -> {
            LOG.error("emulator failed on {} {}", ctx.method(), ctx.path(), e);
            if (ctx.path().startsWith("/v1.0/")) {
                graph.renderError(ctx, 500, "InternalServerError", "The emulator failed: " + e);
            } else {
                AdminApi.renderError(ctx, 500, "The emulator failed: " + e);
            }
        });
        app.start();
        String baseUrl = "https://127.0.0.1:" + connector[0].getLocalPort();
        LOG.info("Azure emulator listening on {} (tenant {}, client {})", baseUrl, options.tenantId(), options.clientId());
        return new AzureEmulator(app, certificate.pem(), alerts, baseUrl, options);
    }

    /** The tenant and app registration this emulator accepts. */
    public EmulatorOptions options() {
        return options;
    }

    /** {@code https://127.0.0.1:PORT}, without a trailing slash. */
    public String baseUrl() {
        return baseUrl;
    }

    /** The Graph service root, to use in place of {@code https://graph.microsoft.com/v1.0}. */
    public String graphBaseUrl() {
        return baseUrl + "/v1.0";
    }

    /** The Entra ID authority host, to use in place of {@code https://login.microsoftonline.com/}. */
    public String authorityHost() {
        return baseUrl + "/";
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

    @Override
    public void close() {
        app.stop();
    }

    private static ServerConnector httpsConnector(Server server, HttpConfiguration httpConfiguration,
                                                  SelfSignedCertificate certificate, int port) {
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
        connector.setHost("127.0.0.1");
        connector.setPort(port);
        return connector;
    }

    /**
     * Answers requests for anything not emulated with a 404 and a warning that names the request,
     * so a new SDK version that calls something new shows up in the log instead of as a vague failure.
     * Registered last: Javalin picks the first matching route.
     */
    private static void registerFallback(Javalin app, GraphApi graph) {
        for (HandlerType method : List.of(HandlerType.GET, HandlerType.POST, HandlerType.PUT,
                HandlerType.PATCH, HandlerType.DELETE)) {
            app.addHttpHandler(method, "/*", ctx -> notEmulated(ctx, graph));
        }
    }

    private static void notEmulated(Context ctx, GraphApi graph) {
        LOG.warn("the Azure emulator does not emulate {} {}", ctx.method(), ctx.path());
        String message = "The emulator does not emulate " + ctx.method() + " " + ctx.path();
        if (ctx.path().startsWith("/v1.0/")) {
            graph.renderError(ctx, 404, "NotFound", message);
        } else {
            AdminApi.renderError(ctx, 404, message);
        }
    }
}
