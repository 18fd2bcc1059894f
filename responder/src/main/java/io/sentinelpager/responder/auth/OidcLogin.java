package io.sentinelpager.responder.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sentinelpager.platform.config.Secret;
import io.sentinelpager.platform.security.Hmac;
import io.sentinelpager.platform.security.Tls;
import io.sentinelpager.schemas.EntraIds;
import java.math.BigInteger;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.spec.RSAPublicKeySpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Sign-in with Entra ID (OpenID Connect authorization code flow with PKCE), as an option beside local accounts.
 * The endpoints come from the issuer's discovery document. What the browser carries between the two legs (state,
 * nonce, PKCE verifier) is in a short-lived cookie signed with the session key, so any instance can finish a
 * sign-in another started. The ID token is trusted only after its RS256 signature checks against the issuer's
 * published keys and its issuer, audience, lifetime and nonce match. The person is then who its {@code tid} and
 * {@code oid} say: Microsoft's immutable identity of a person, where {@code preferred_username} can change and
 * {@code email} is not verified, so neither may decide who someone is.
 */
public final class OidcLogin {

    public static final String COOKIE = "pager_oidc";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getUrlDecoder();
    private static final Duration SIGN_IN_WINDOW = Duration.ofMinutes(10);
    private static final Duration CLOCK_SKEW = Duration.ofMinutes(5);

    private final String issuer;
    private final String clientId;
    private final Secret clientSecret;
    private final String redirectUri;
    private final Secret cookieKey;
    private final Clock clock;
    private final HttpClient http;
    private final SecureRandom random = new SecureRandom();
    private volatile JsonNode discovery;

    /** A sign-in was refused; the message is safe to show and names what did not match. */
    public static final class SignInException extends Exception {
        public SignInException(String message) {
            super(message);
        }
    }

    public OidcLogin(String issuer, String clientId, Secret clientSecret, String redirectUri, Optional<Path> trust,
                     Secret cookieKey, Clock clock) {
        this.issuer = issuer.endsWith("/") ? issuer.substring(0, issuer.length() - 1) : issuer;
        this.clientId = clientId;
        this.clientSecret = clientSecret;
        this.redirectUri = redirectUri;
        this.cookieKey = cookieKey;
        this.clock = clock;
        this.http = HttpClient.newBuilder().sslContext(Tls.trusting(trust).context()).connectTimeout(Duration.ofSeconds(10))
                .followRedirects(HttpClient.Redirect.NEVER).build();
    }

    /**
     * Who a verified ID token says signed in: {@code tenant} and {@code object} (the token's {@code tid} and
     * {@code oid}, lower-case GUIDs) identify the person; {@code email} ({@code preferred_username}, else
     * {@code email}; may be empty) only suggests which user they may be. A {@code guest} was authenticated by another
     * identity provider than the tenant's own.
     */
    public record Identity(String tenant, String object, String email, boolean guest) {
    }

    /** Where to send the browser, and the cookie that carries the sign-in's state until the callback. */
    public record Start(String authorizeUrl, String cookie) {
    }

    public Start start() throws Exception {
        String state = random(24);
        String nonce = random(24);
        String verifier = random(48);
        String challenge = B64.encodeToString(MessageDigest.getInstance("SHA-256")
                .digest(verifier.getBytes(StandardCharsets.US_ASCII)));
        Map<String, String> query = new LinkedHashMap<>();
        query.put("client_id", clientId);
        query.put("response_type", "code");
        query.put("redirect_uri", redirectUri);
        query.put("response_mode", "query");
        query.put("scope", "openid profile email");
        query.put("state", state);
        query.put("nonce", nonce);
        query.put("code_challenge", challenge);
        query.put("code_challenge_method", "S256");
        String payload = B64.encodeToString(String.join("|", state, nonce, verifier,
                Long.toString(clock.instant().plus(SIGN_IN_WINDOW).getEpochSecond())).getBytes(StandardCharsets.UTF_8));
        return new Start(endpoint("authorization_endpoint") + "?" + form(query),
                payload + "." + B64.encodeToString(Hmac.of(Hmac.SHA256, cookieKey, "oidc|" + payload)));
    }

    /** Checks the callback against the cookie, trades the code for an ID token, and returns who it names. */
    public Identity finish(String code, String state, String cookie) throws Exception {
        String[] saved = saved(cookie);
        if (state == null || !MessageDigest.isEqual(state.getBytes(StandardCharsets.UTF_8),
                saved[0].getBytes(StandardCharsets.UTF_8))) {
            throw new SignInException("the sign-in answer does not belong to this browser's sign-in (state differs)");
        }
        if (code == null || code.isBlank()) {
            throw new SignInException("the sign-in answer has no code");
        }
        Map<String, String> form = new LinkedHashMap<>();
        form.put("client_id", clientId);
        form.put("client_secret", clientSecret.reveal());
        form.put("grant_type", "authorization_code");
        form.put("code", code);
        form.put("redirect_uri", redirectUri);
        form.put("code_verifier", saved[2]);
        form.put("scope", "openid profile email");
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(endpoint("token_endpoint")))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form(form))).timeout(Duration.ofSeconds(15)).build(),
                HttpResponse.BodyHandlers.ofString());
        JsonNode body = JSON.readTree(response.body());
        if (response.statusCode() != 200 || !body.hasNonNull("id_token")) {
            // error_description is Entra's words (an AADSTS code), safe to show; never the request.
            throw new SignInException("the identity provider refused the code: " + body.path("error").asText("?")
                    + " " + body.path("error_description").asText(""));
        }
        JsonNode claims = verified(body.get("id_token").asText());
        if (!saved[1].equals(claims.path("nonce").asText())) {
            throw new SignInException("the ID token was not issued for this sign-in (nonce differs)");
        }
        String tenant = claims.path("tid").asText("");
        String object = claims.path("oid").asText("");
        if (tenant.isEmpty() || object.isEmpty()) {
            throw new SignInException("the ID token has no " + (tenant.isEmpty() ? "tid" : "oid") + " claim; sign-in"
                    + " needs the person's tenant and object id (tid and oid), their only identity that cannot change");
        }
        if (!EntraIds.isGuid(tenant) || !EntraIds.isGuid(object)) {
            throw new SignInException("the ID token's tid or oid is not a GUID, as Entra ID issues them");
        }
        String email = claims.hasNonNull("preferred_username") ? claims.get("preferred_username").asText()
                : claims.path("email").asText("");
        // Entra: idp names who authenticated a guest and equals iss (or is absent) for the tenant's own people; the
        // optional claim acct is 1 for a guest.
        boolean guest = (claims.hasNonNull("idp") && !claims.get("idp").asText().equals(claims.path("iss").asText()))
                || claims.path("acct").asInt(0) == 1;
        return new Identity(EntraIds.normalized(tenant), EntraIds.normalized(object), email, guest);
    }

    private String[] saved(String cookie) throws SignInException {
        int dot = cookie == null ? -1 : cookie.indexOf('.');
        if (dot <= 0 || !Hmac.same(Hmac.of(Hmac.SHA256, cookieKey, "oidc|" + cookie.substring(0, dot)),
                decode(cookie.substring(dot + 1)))) {
            throw new SignInException("no sign-in was started in this browser, or it was altered; start again");
        }
        String[] parts = new String(B64D.decode(cookie.substring(0, dot)), StandardCharsets.UTF_8).split("\\|");
        if (parts.length != 4 || !Instant.ofEpochSecond(Long.parseLong(parts[3])).isAfter(clock.instant())) {
            throw new SignInException("the sign-in took longer than " + SIGN_IN_WINDOW.toMinutes() + " minutes; start again");
        }
        return parts;
    }

    private JsonNode verified(String token) throws Exception {
        String[] parts = token.split("\\.");
        if (parts.length != 3) {
            throw new SignInException("the ID token is not a signed JWT");
        }
        JsonNode header = JSON.readTree(B64D.decode(parts[0]));
        // Only RS256 with a key of the issuer's: never "none", never a MAC keyed with something public.
        if (!"RS256".equals(header.path("alg").asText())) {
            throw new SignInException("the ID token is signed with " + header.path("alg").asText() + ", not RS256");
        }
        PublicKey key = key(header.path("kid").asText());
        Signature rsa = Signature.getInstance("SHA256withRSA");
        rsa.initVerify(key);
        rsa.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
        if (!rsa.verify(decode(parts[2]))) {
            throw new SignInException("the ID token's signature does not verify");
        }
        JsonNode claims = JSON.readTree(B64D.decode(parts[1]));
        Instant now = clock.instant();
        if (!issuer.equals(claims.path("iss").asText())) {
            throw new SignInException("the ID token is from " + claims.path("iss").asText() + ", not " + issuer);
        }
        if (!clientId.equals(claims.path("aud").asText())) {
            throw new SignInException("the ID token is for another app (" + claims.path("aud").asText() + ")");
        }
        if (!Instant.ofEpochSecond(claims.path("exp").asLong()).plus(CLOCK_SKEW).isAfter(now)
                || Instant.ofEpochSecond(claims.path("nbf").asLong(0)).minus(CLOCK_SKEW).isAfter(now)) {
            throw new SignInException("the ID token is expired or not yet valid");
        }
        return claims;
    }

    private PublicKey key(String kid) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(endpoint("jwks_uri")))
                .timeout(Duration.ofSeconds(15)).build(), HttpResponse.BodyHandlers.ofString());
        for (JsonNode jwk : JSON.readTree(response.body()).path("keys")) {
            if (kid.equals(jwk.path("kid").asText()) && "RSA".equals(jwk.path("kty").asText())) {
                return KeyFactory.getInstance("RSA").generatePublic(new RSAPublicKeySpec(
                        new BigInteger(1, decode(jwk.path("n").asText())), new BigInteger(1, decode(jwk.path("e").asText()))));
            }
        }
        throw new SignInException("the ID token's key " + kid + " is not among the issuer's published keys");
    }

    private String endpoint(String name) throws Exception {
        JsonNode doc = discovery;
        if (doc == null) {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(
                    issuer + "/.well-known/openid-configuration")).timeout(Duration.ofSeconds(15)).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new SignInException("the identity provider's discovery document answered HTTP "
                        + response.statusCode());
            }
            doc = JSON.readTree(response.body());
            if (!issuer.equals(doc.path("issuer").asText())) {
                throw new SignInException("the discovery document names issuer " + doc.path("issuer").asText()
                        + ", not the configured " + issuer);
            }
            discovery = doc;
        }
        return doc.path(name).asText();
    }

    private static byte[] decode(String text) throws SignInException {
        try {
            return B64D.decode(text);
        } catch (IllegalArgumentException e) {
            throw new SignInException("not base64url");
        }
    }

    private String random(int bytes) {
        byte[] raw = new byte[bytes];
        random.nextBytes(raw);
        return B64.encodeToString(raw);
    }

    private static String form(Map<String, String> fields) {
        return fields.entrySet().stream().map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8)).collect(Collectors.joining("&"));
    }
}
