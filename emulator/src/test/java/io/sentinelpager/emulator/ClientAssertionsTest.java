package io.sentinelpager.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.Signature;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The certificate that signed a client assertion is named by its thumbprint in the JWT header. */
class ClientAssertionsTest {

    private static final String CLIENT_ID = "0f1a2b3c-0000-4000-8000-000000000001";
    private static final String ENDPOINT = "https://login.microsoftonline.com/contoso/oauth2/v2.0/token";
    private static final char[] PASSWORD = "test-only".toCharArray();

    @TempDir
    Path dir;

    @Test
    void aThumbprintInBase64urlAsEntraDocumentsOrInStandardBase64AsMsalForJavaSendsNamesTheCertificate()
            throws Exception {
        AppCertificate app = AppCertificate.generate("app");
        PrivateKey key = privateKey(app);
        ClientAssertions assertions = new ClientAssertions();
        assertions.register(app.certificate());
        byte[] der = app.certificate().getEncoded();
        List<Function<byte[], String>> encodings = List.of(Base64.getUrlEncoder().withoutPadding()::encodeToString,
                Base64.getEncoder()::encodeToString);

        for (Function<byte[], String> encoding : encodings) {
            String sha1 = encoding.apply(MessageDigest.getInstance("SHA-1").digest(der));
            String sha256 = encoding.apply(MessageDigest.getInstance("SHA-256").digest(der));
            assertThat(assertions.verify(assertion("x5t", sha1, key), CLIENT_ID, ENDPOINT)).as(sha1).isEmpty();
            assertThat(assertions.verify(assertion("x5t#S256", sha256, key), CLIENT_ID, ENDPOINT)).as(sha256).isEmpty();
        }
    }

    @Test
    void anotherCertificatesThumbprintIsRefusedAsNotRegistered() throws Exception {
        AppCertificate app = AppCertificate.generate("app");
        AppCertificate other = AppCertificate.generate("other");
        ClientAssertions assertions = new ClientAssertions();
        assertions.register(app.certificate());
        String thumbprint = Base64.getUrlEncoder().withoutPadding().encodeToString(
                MessageDigest.getInstance("SHA-256").digest(other.certificate().getEncoded()));

        assertThat(assertions.verify(assertion("x5t#S256", thumbprint, privateKey(other)), CLIENT_ID, ENDPOINT))
                .hasValueSatisfying(refusal -> assertThat(refusal.code()).isEqualTo(700027));
    }

    /** An RS256 client assertion as MSAL signs it, naming its certificate in {@code field}. */
    private static String assertion(String field, String thumbprint, PrivateKey key) throws Exception {
        long now = Instant.now().getEpochSecond();
        String header = "{\"alg\":\"RS256\",\"typ\":\"JWT\",\"" + field + "\":\"" + thumbprint + "\"}";
        String claims = "{\"aud\":\"" + ENDPOINT + "\",\"iss\":\"" + CLIENT_ID + "\",\"sub\":\"" + CLIENT_ID
                + "\",\"nbf\":" + now + ",\"exp\":" + (now + 600) + "}";
        String signed = base64url(header.getBytes(StandardCharsets.UTF_8)) + "."
                + base64url(claims.getBytes(StandardCharsets.UTF_8));
        Signature signer = Signature.getInstance("SHA256withRSA");
        signer.initSign(key);
        signer.update(signed.getBytes(StandardCharsets.US_ASCII));
        return signed + "." + base64url(signer.sign());
    }

    private PrivateKey privateKey(AppCertificate app) throws Exception {
        Path pfx = dir.resolve(app.certificate().getSerialNumber() + ".pfx");
        app.writePfx(pfx, PASSWORD);
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(pfx)) {
            store.load(in, PASSWORD);
        }
        return (PrivateKey) store.getKey("app", PASSWORD);
    }

    private static String base64url(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
