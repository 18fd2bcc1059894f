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
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * TLS trust for our HTTP clients: the JDK's CAs, plus certificates from a PEM file when a private CA or our Azure
 * emulator's self-signed certificate must be trusted too. Nothing is ever trusted blindly.
 */
public final class Tls {

    private Tls() {
    }

    public static SSLContext trusting(Optional<Path> extraPem) {
        try {
            TrustManagerFactory defaults = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            defaults.init((KeyStore) null);
            if (extraPem.isEmpty()) {
                SSLContext context = SSLContext.getInstance("TLS");
                context.init(null, defaults.getTrustManagers(), null);
                return context;
            }
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            int i = 0;
            for (X509TrustManager manager : x509(defaults)) {
                for (X509Certificate ca : manager.getAcceptedIssuers()) {
                    store.setCertificateEntry("jdk-" + i++, ca);
                }
            }
            try (InputStream in = Files.newInputStream(extraPem.get())) {
                for (Certificate certificate : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                    store.setCertificateEntry("extra-" + i++, certificate);
                }
            }
            TrustManagerFactory all = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            all.init(store);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, all.getTrustManagers(), null);
            return context;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot trust the certificates in " + extraPem.orElse(null) + ": "
                    + e.getMessage(), e);
        }
    }

    private static List<X509TrustManager> x509(TrustManagerFactory factory) {
        List<X509TrustManager> out = new ArrayList<>();
        for (var manager : factory.getTrustManagers()) {
            if (manager instanceof X509TrustManager x509) {
                out.add(x509);
            }
        }
        return out;
    }
}
