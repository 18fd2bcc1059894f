package io.sentinelpager.emulator;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
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
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A certificate credential for an app registration, as an administrator makes one (a self-signed
 * certificate, its public part uploaded to the app, its key kept by the service): generated fresh,
 * so no key is ever checked in. Register {@link #certificate()} with
 * {@link AzureEmulator#registerClientCertificate}, and give the client the files written by
 * {@link #writePem} or {@link #writePfx}.
 */
public final class AppCertificate {

    private static final Duration VALIDITY = Duration.ofDays(1);
    private static final Duration BACKDATE = Duration.ofMinutes(5);

    private final KeyPair keyPair;
    private final X509Certificate certificate;

    private AppCertificate(KeyPair keyPair, X509Certificate certificate) {
        this.keyPair = keyPair;
        this.certificate = certificate;
    }

    /** A 2048-bit RSA key and a self-signed certificate for it, valid for a day of real time. */
    public static AppCertificate generate(String commonName) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            KeyPair keyPair = generator.generateKeyPair();
            X500Name subject = new X500Name("CN=" + commonName);
            Instant now = Instant.now();
            JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject,
                    new BigInteger(64, new SecureRandom()), Date.from(now.minus(BACKDATE)), Date.from(now.plus(VALIDITY)),
                    subject, keyPair.getPublic());
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
            X509Certificate certificate = new JcaX509CertificateConverter().getCertificate(
                    builder.build(new JcaContentSignerBuilder("SHA256withRSA").build(keyPair.getPrivate())));
            return new AppCertificate(keyPair, certificate);
        } catch (GeneralSecurityException | OperatorCreationException | CertIOException e) {
            throw new IllegalStateException("cannot generate an app certificate", e);
        }
    }

    /** The public part, what is uploaded to the app registration. */
    public X509Certificate certificate() {
        return certificate;
    }

    /** The public part as PEM. */
    public String certificatePem() {
        try {
            return pem("CERTIFICATE", certificate.getEncoded());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot encode the app certificate", e);
        }
    }

    /**
     * Writes the private key (PKCS#8) and the certificate into one PEM file, readable by its owner
     * only: the form azure-identity's {@code pemCertificate} reads.
     */
    public void writePem(Path file) {
        write(file, out -> out.write((pem("PRIVATE KEY", keyPair.getPrivate().getEncoded()) + certificatePem())
                .getBytes(StandardCharsets.US_ASCII)));
    }

    /** Writes the key and certificate as a PKCS#12 (.pfx) file protected by {@code password}, owner-only. */
    public void writePfx(Path file, char[] password) {
        write(file, out -> {
            try {
                KeyStore store = KeyStore.getInstance("PKCS12");
                store.load(null, null);
                store.setKeyEntry("app", keyPair.getPrivate(), password, new X509Certificate[] {certificate});
                store.store(out, password);
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("cannot build the PKCS#12 file", e);
            }
        });
    }

    private interface Writer {
        void write(OutputStream out) throws IOException;
    }

    private static void write(Path file, Writer writer) {
        try {
            Files.deleteIfExists(file);
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            try (OutputStream out = Files.newOutputStream(file)) {
                writer.write(out);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    private static String pem(String type, byte[] der) {
        Base64.Encoder encoder = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII));
        return "-----BEGIN " + type + "-----\n" + encoder.encodeToString(der) + "\n-----END " + type + "-----\n";
    }
}
