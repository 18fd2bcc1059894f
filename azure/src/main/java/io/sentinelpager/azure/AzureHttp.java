package io.sentinelpager.azure;

import com.azure.core.credential.TokenCredential;
import com.azure.core.http.okhttp.OkHttpAsyncHttpClientBuilder;
import com.azure.identity.AadCredentialBuilderBase;
import com.azure.identity.ClientCertificateCredentialBuilder;
import com.azure.identity.ClientSecretCredentialBuilder;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import io.sentinelpager.platform.security.Tls;
import okhttp3.OkHttpClient;

/**
 * HTTP and credential plumbing shared by every Azure client of a connector: one trust decision
 * (the JDK's CAs plus the connector's extra certificate) and one timeout, applied to the OkHttp
 * clients of both azure-identity (token requests) and the Graph SDK, so they cannot disagree.
 */
final class AzureHttp {

    private final ConnectorConfig config;
    private final Clock clock;
    private final Optional<Tls.Trust> tlsTrust;

    /** @param clock decides when a cached access token is renewed */
    AzureHttp(ConnectorConfig config, Clock clock) {
        this.config = config;
        this.clock = clock;
        this.tlsTrust = config.extraTrustedCertificate().map(pem -> trustDefaultsAnd(config.id(), pem));
    }

    /** Applies the connector's trust and its timeout to an OkHttp builder. */
    OkHttpClient.Builder configure(OkHttpClient.Builder builder) {
        tlsTrust.ifPresent(trust -> builder.sslSocketFactory(trust.context().getSocketFactory(), trust.trustManager()));
        // callTimeout bounds a whole OkHttp call, including GraphRetry's retries (which start no
        // wait that would outlast it). azure-identity retries token requests above OkHttp (azure-core RetryPolicy),
        // so a failing token request may take a few times the timeout before it gives up.
        // OkHttp on its own sends a request again on a new connection when the old one failed, even after the
        // request went out: a PATCH the service took would be taken twice. Retries are decided above OkHttp, by method
        // (GraphRetry; azure-core's retry policy for token requests).
        return builder.retryOnConnectionFailure(false)
                .connectTimeout(config.requestTimeout())
                .readTimeout(config.requestTimeout())
                .writeTimeout(config.requestTimeout())
                .callTimeout(config.requestTimeout());
    }

    /**
     * The app's credential (client secret, or certificate: azure-identity then signs a client
     * assertion with its key), sending its token requests through {@code http}, each token reused
     * until it is due for renewal ({@link CachingTokenCredential}).
     */
    TokenCredential credential(OkHttpClient http) {
        return new CachingTokenCredential(identityCredential(http), clock);
    }

    private TokenCredential identityCredential(OkHttpClient http) {
        if (config.credential() instanceof ClientCredential.ClientCertificate certificate) {
            ClientCertificateCredentialBuilder builder = new ClientCertificateCredentialBuilder();
            String path = certificate.path().toString();
            if (certificate.format() == ClientCredential.ClientCertificate.Format.PEM) {
                builder.pemCertificate(path);
            } else {
                builder.pfxCertificate(path);
            }
            certificate.password().ifPresent(password -> builder.clientCertificatePassword(password.reveal()));
            return configure(builder, http).build();
        }
        ClientCredential.ClientSecret secret = (ClientCredential.ClientSecret) config.credential();
        return configure(new ClientSecretCredentialBuilder().clientSecret(secret.secret().reveal()), http).build();
    }

    private <T extends AadCredentialBuilderBase<T>> T configure(T builder, OkHttpClient http) {
        builder.tenantId(config.tenantId())
                .clientId(config.clientId())
                .authorityHost(config.authorityHost().toString())
                .httpClient(new OkHttpAsyncHttpClientBuilder(http).build());
        if (!config.knownAuthorityHost()) {
            builder.disableInstanceDiscovery();
        }
        return builder;
    }

    /** Releases an OkHttp client's threads and pooled connections now rather than after their idle timeouts. */
    static void shutdown(OkHttpClient http) {
        http.dispatcher().executorService().shutdown();
        http.connectionPool().evictAll();
    }

    /** The JDK's CAs plus the connector's extra certificate; a bad file names the connector and the setting. */
    private static Tls.Trust trustDefaultsAnd(String connectorId, Path pemFile) {
        try {
            return Tls.trusting(Optional.of(pemFile));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("connector '" + connectorId + "': extraTrustedCertificate "
                    + e.getMessage(), e.getCause());
        }
    }
}
