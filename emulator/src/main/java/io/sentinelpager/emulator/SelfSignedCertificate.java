package io.sentinelpager.emulator;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.util.IPAddress;

/**
 * A throw-away server certificate for 127.0.0.1, localhost and the name clients use (in a container, its service
 * name), made fresh at every start so no key
 * is ever checked in. Clients trust exactly this certificate (it is its own issuer), which is what
 * an operator does with a private CA: the Azure SDKs then run with TLS on, as in production.
 */
final class SelfSignedCertificate {

    private static final Duration VALIDITY = Duration.ofDays(1);
    /** Tolerates a client clock slightly behind ours. */
    private static final Duration BACKDATE = Duration.ofMinutes(5);

    private final KeyPair keyPair;
    private final X509Certificate certificate;

    private SelfSignedCertificate(KeyPair keyPair, X509Certificate certificate) {
        this.keyPair = keyPair;
        this.certificate = certificate;
    }

    /**
     * For localhost, 127.0.0.1 and this host name or address. Dated by the real clock, never an injected one: TLS
     * clients check validity against real time.
     */
    static SelfSignedCertificate generate(String hostname) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            KeyPair keyPair = generator.generateKeyPair();
            X500Name subject = new X500Name("CN=Sentinel Pager Azure emulator, O=Sentinel Pager");
            Instant now = Instant.now();
            JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(
                    subject, new BigInteger(64, new SecureRandom()),
                    Date.from(now.minus(BACKDATE)), Date.from(now.plus(VALIDITY)),
                    subject, keyPair.getPublic());
            Set<GeneralName> names = new LinkedHashSet<>(List.of(
                    new GeneralName(GeneralName.dNSName, "localhost"),
                    new GeneralName(GeneralName.iPAddress, "127.0.0.1"),
                    new GeneralName(IPAddress.isValid(hostname) ? GeneralName.iPAddress : GeneralName.dNSName, hostname)));
            builder.addExtension(Extension.subjectAlternativeName, false,
                    new GeneralNames(names.toArray(GeneralName[]::new)));
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            builder.addExtension(Extension.keyUsage, true,
                    new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
            builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
            X509Certificate certificate = new JcaX509CertificateConverter().getCertificate(
                    builder.build(new JcaContentSignerBuilder("SHA256withRSA").build(keyPair.getPrivate())));
            return new SelfSignedCertificate(keyPair, certificate);
        } catch (GeneralSecurityException | OperatorCreationException | CertIOException e) {
            throw new IllegalStateException("cannot generate the emulator's TLS certificate", e);
        }
    }

    /** The certificate as PEM, for clients to add to their trust store. */
    String pem() {
        try {
            Base64.Encoder encoder = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII));
            return "-----BEGIN CERTIFICATE-----\n"
                    + encoder.encodeToString(certificate.getEncoded())
                    + "\n-----END CERTIFICATE-----\n";
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot encode the emulator's TLS certificate", e);
        }
    }

    /** An in-memory PKCS#12 key store holding the key and certificate, protected by {@code password}. */
    KeyStore keyStore(char[] password) {
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry("emulator", keyPair.getPrivate(), password, new X509Certificate[] {certificate});
            return store;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot build the emulator's key store", e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
