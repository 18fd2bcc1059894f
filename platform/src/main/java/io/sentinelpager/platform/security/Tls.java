package io.sentinelpager.platform.security;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * TLS trust for our HTTP clients: the JDK's CAs, plus every certificate in a PEM file when a private CA or our Azure
 * emulator's self-signed certificate must be trusted too, so public hosts keep their public-CA trust. Nothing is ever
 * trusted blindly. The trust manager travels with the context because OkHttp (under the Azure SDKs) needs both.
 */
public final class Tls {

    public record Trust(SSLContext context, X509TrustManager trustManager) {
    }

    private Tls() {
    }

    /**
     * @throws IllegalArgumentException naming the file when it cannot be read or holds no usable PEM certificate
     */
    public static Trust trusting(Optional<Path> extraPem) {
        Path pemFile = extraPem.orElse(null);
        try {
            X509TrustManager defaults = defaultTrustManager();
            if (pemFile == null) {
                return trust(defaults);
            }
            KeyStore anchors = KeyStore.getInstance(KeyStore.getDefaultType());
            anchors.load(null, null);
            int n = 0;
            for (X509Certificate ca : defaults.getAcceptedIssuers()) {
                anchors.setCertificateEntry("jdk-" + n++, ca);
            }
            Collection<? extends Certificate> extra;
            try (InputStream in = Files.newInputStream(pemFile)) {
                extra = CertificateFactory.getInstance("X.509").generateCertificates(in);
            }
            if (extra.isEmpty()) {
                throw new IllegalArgumentException(pemFile + " holds no PEM certificate");
            }
            for (Certificate certificate : extra) {
                anchors.setCertificateEntry("extra-" + n++, certificate);
            }
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(anchors);
            return trust(x509(factory.getTrustManagers()));
        } catch (IOException e) {
            throw new IllegalArgumentException(pemFile + " cannot be read: " + e, e);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException(pemFile + " is not a usable PEM certificate: " + e.getMessage(), e);
        }
    }

    private static Trust trust(X509TrustManager trustManager) throws GeneralSecurityException {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, new TrustManager[] {trustManager}, null);
        return new Trust(context, trustManager);
    }

    private static X509TrustManager defaultTrustManager() throws GeneralSecurityException {
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init((KeyStore) null);
        return x509(factory.getTrustManagers());
    }

    private static X509TrustManager x509(TrustManager[] managers) {
        for (TrustManager manager : managers) {
            if (manager instanceof X509TrustManager x509) {
                return x509;
            }
        }
        throw new IllegalStateException("the JDK offers no X509TrustManager");
    }
}
