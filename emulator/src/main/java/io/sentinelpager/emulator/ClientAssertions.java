package io.sentinelpager.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Certificate credentials of the emulated app registration: the certificates uploaded to it, and the
 * check Entra ID makes of a client assertion (RFC 7523) signed with one of their keys. The assertion
 * is a JWT whose header names the certificate by thumbprint ({@code x5t}, SHA-1, or {@code x5t#S256})
 * and whose signature must verify with that certificate's public key; its claims must name the app
 * ({@code iss} and {@code sub}), this token endpoint ({@code aud}) and a time window around now.
 *
 * <p>Time is real time, like the TLS certificate's: the client stamps its assertion with its own
 * clock, so an injected emulator clock would reject every assertion.
 */
final class ClientAssertions {

    static final String JWT_BEARER = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
    private static final Duration SKEW = Duration.ofMinutes(5);

    /** Why Entra refused an assertion: its AADSTS code and message. */
    record Refusal(int code, String message) {
    }

    private final List<X509Certificate> registered = new CopyOnWriteArrayList<>();

    void register(X509Certificate certificate) {
        registered.add(certificate);
    }

    /**
     * @param audience the URL of the token endpoint that received the assertion
     * @return why the assertion is refused, or empty if it proves the app holds a registered key
     */
    Optional<Refusal> verify(String assertion, String clientId, String audience) {
        String[] parts = assertion.split("\\.", -1);
        if (parts.length != 3) {
            return refuse(50027, "JWT token is invalid or malformed.");
        }
        JsonNode header;
        JsonNode claims;
        byte[] signature;
        try {
            header = Json.readTree(decode(parts[0]));
            claims = Json.readTree(decode(parts[1]));
            signature = Base64.getUrlDecoder().decode(parts[2]);
        } catch (IllegalArgumentException e) {
            return refuse(50027, "JWT token is invalid or malformed.");
        }
        Optional<X509Certificate> certificate = registered.stream().filter(c -> named(header, c)).findFirst();
        if (certificate.isEmpty()) {
            return refuse(700027, "The certificate with identifier used to sign the client assertion is not"
                    + " registered on application. [Reason - The key was not found.]");
        }
        if (!signedBy(header.path("alg").asText(""), parts[0] + "." + parts[1], signature, certificate.get())) {
            return refuse(700027, "Client assertion failed signature validation.");
        }
        if (!clientId.equalsIgnoreCase(claims.path("iss").asText()) || !clientId.equalsIgnoreCase(claims.path("sub").asText())) {
            return refuse(700021, "Client assertion application identifier doesn't match 'client_id' parameter.");
        }
        if (!audience.equalsIgnoreCase(claims.path("aud").asText())) {
            return refuse(700212, "The audience of the client assertion '" + claims.path("aud").asText()
                    + "' is not this token endpoint '" + audience + "'.");
        }
        Instant now = Instant.now();
        Instant notBefore = Instant.ofEpochSecond(claims.path("nbf").asLong(0));
        Instant expires = Instant.ofEpochSecond(claims.path("exp").asLong(0));
        if (now.plus(SKEW).isBefore(notBefore) || !now.minus(SKEW).isBefore(expires)) {
            return refuse(700024, "Client assertion is not within its valid time range. Current time: " + now
                    + ", assertion valid from " + notBefore + ", expiry time of assertion " + expires + ".");
        }
        return Optional.empty();
    }

    private static boolean named(JsonNode header, X509Certificate certificate) {
        try {
            byte[] der = certificate.getEncoded();
            return thumbprint(header, "x5t", "SHA-1", der) || thumbprint(header, "x5t#S256", "SHA-256", der);
        } catch (CertificateException e) {
            return false;
        }
    }

    private static boolean thumbprint(JsonNode header, String field, String digest, byte[] der) {
        if (!header.hasNonNull(field)) {
            return false;
        }
        try {
            byte[] expected = MessageDigest.getInstance(digest).digest(der);
            // Entra documents base64url ("Microsoft identity platform application authentication certificate
            // credentials"; RFC 7515 4.1.7, 4.1.8). Microsoft's own MSAL for Java, which azure-identity uses,
            // writes standard Base64 (msal4j 1.23.1 ClientCertificate.publicCertificateHash and
            // publicCertificateHash256 use java.util.Base64.getEncoder()) and gets tokens from Entra, and a
            // Microsoft support case had the docs say so for a while (MicrosoftDocs/azure-docs pull request
            // 95348, 2022). So Entra takes both, and so does the emulator.
            String given = header.get(field).asText().replace('+', '-').replace('/', '_').replace("=", "");
            return MessageDigest.isEqual(expected, Base64.getUrlDecoder().decode(given));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return false;
        }
    }

    /** RS256 (what MSAL for Java signs with) or PS256 (what newer MSALs use). */
    private static boolean signedBy(String alg, String signedPart, byte[] signature, X509Certificate certificate) {
        try {
            Signature verifier;
            switch (alg.toUpperCase(Locale.ROOT)) {
                case "RS256" -> verifier = Signature.getInstance("SHA256withRSA");
                case "PS256" -> {
                    verifier = Signature.getInstance("RSASSA-PSS");
                    verifier.setParameter(new PSSParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, 32, 1));
                }
                default -> {
                    return false;
                }
            }
            verifier.initVerify(certificate.getPublicKey());
            verifier.update(signedPart.getBytes(StandardCharsets.US_ASCII));
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    private static String decode(String part) {
        return new String(Base64.getUrlDecoder().decode(part), StandardCharsets.UTF_8);
    }

    private static Optional<Refusal> refuse(int code, String message) {
        return Optional.of(new Refusal(code, message));
    }
}
