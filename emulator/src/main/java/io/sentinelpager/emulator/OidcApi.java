package io.sentinelpager.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.math.BigInteger;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.RSAPublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * Entra ID's sign-in for people (OpenID Connect authorization code flow with PKCE) for the emulator's one tenant and
 * app registration: discovery document, signing keys (JWKS), the authorize endpoint (a person registered with
 * {@link AzureEmulator#addPerson} signs in by picking their name, or at once with {@code login_hint}) and a token
 * endpoint that trades the code for an RS256-signed ID token with Entra's v2.0 claims. Apps use it as they use Entra:
 * through the discovery document, so the token endpoint's path (which Entra shares with client credentials) can
 * differ here.
 *
 * <p>A person's {@code oid} is derived from their e-mail ({@link #objectId}), so that a configuration can name it
 * before the emulator starts; {@code tid} is the tenant's id and {@code idp} is absent, as for a member of the tenant.
 *
 * <p>For tests of an app's checks, {@value #FLAW_ROUTE} makes the next ID token wrong in one way ({@link Flaw}), or
 * gives it other identity claims ({@link #CLAIMS}): a guest's {@code idp} and {@code acct}, another {@code oid}, or
 * none. The token endpoint still answers 200, as a forger or a misconfigured tenant would, so only the app can refuse
 * it.
 */
final class OidcApi {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String GRAPH_APP_ID = "00000003-0000-0000-c000-000000000000";
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final Duration CODE_LIFETIME = Duration.ofMinutes(5);
    static final String FLAW_ROUTE = "/admin/oidc/next-id-token";
    /** The identity claims a test may set on the next ID token; null leaves the claim out. */
    static final List<String> CLAIMS = List.of("oid", "tid", "idp", "acct");

    /** What is wrong with a flawed ID token: each is one check an app must make before it trusts the token. */
    enum Flaw {
        /** Signed by another key, under the published key's id. */
        SIGNATURE,
        /** Issued by another issuer: Entra's v1 issuer of the same tenant. */
        ISSUER,
        /** Issued for another app: Microsoft Graph's app id. */
        AUDIENCE,
        /** Expired an hour ago. */
        EXPIRED,
        /** Issued for another sign-in: a nonce the app did not send. */
        NONCE
    }

    record Person(String email, String name) {
    }

    private record Grant(String clientId, String redirectUri, String nonce, String challenge, Person person,
                         Instant expiresAt) {
    }

    private final EmulatorOptions options;
    private final Clock clock;
    private final KeyPair key;
    private final String keyId = UUID.randomUUID().toString();
    private final SecureRandom random = new SecureRandom();
    private final Map<String, Person> people = new ConcurrentHashMap<>();
    private final Map<String, Grant> codes = new ConcurrentHashMap<>();
    private final Supplier<String> baseUrl;
    private final AtomicReference<Flaw> nextFlaw = new AtomicReference<>();
    private final AtomicReference<Map<String, Object>> nextClaims = new AtomicReference<>();

    OidcApi(EmulatorOptions options, Supplier<String> baseUrl) {
        this.options = options;
        this.baseUrl = baseUrl;
        this.clock = options.clock();
        this.key = rsaKey();
    }

    void addPerson(String email, String name) {
        people.put(email.toLowerCase(), new Person(email, name));
    }

    void register(Javalin app) {
        app.get("/{tenant}/v2.0/.well-known/openid-configuration", this::discovery);
        app.get("/{tenant}/discovery/v2.0/keys", ctx -> ctx.json(Map.of("keys", List.of(jwk()))));
        app.get("/{tenant}/oauth2/v2.0/authorize", this::authorize);
        app.post("/{tenant}/oauth2/v2.0/authorize", this::authorize);
        app.post("/{tenant}/oidc/token", this::token);
        app.post(FLAW_ROUTE, this::flawNextToken);
    }

    /** {@code {"flaw": "issuer"}}, {@code {"claims": {"oid": "…", "idp": "…", "acct": 1}}}, or both. */
    private void flawNextToken(Context ctx) {
        Flaw flaw = null;
        Map<String, Object> claims = null;
        try {
            ObjectNode body = Json.readObject(ctx.body());
            body.fieldNames().forEachRemaining(name -> {
                if (!name.equals("flaw") && !name.equals("claims")) {
                    throw new IllegalArgumentException("unknown field '" + name + "'; fields are flaw, claims");
                }
            });
            if (body.has("flaw")) {
                String name = body.path("flaw").asText("");
                flaw = Arrays.stream(Flaw.values()).filter(f -> f.name().equalsIgnoreCase(name)).findFirst()
                        .orElseThrow(() -> new IllegalArgumentException("flaw must be one of "
                                + Arrays.toString(Flaw.values()).toLowerCase(Locale.ROOT) + "; got '" + name + "'"));
            }
            if (body.has("claims")) {
                claims = claims(body.get("claims"));
            }
            if (flaw == null && claims == null) {
                throw new IllegalArgumentException("send {\"flaw\": …} or {\"claims\": {…}}");
            }
        } catch (IllegalArgumentException e) {
            AdminApi.renderError(ctx, 400, e.getMessage());
            return;
        }
        nextFlaw.set(flaw);
        nextClaims.set(claims);
        ctx.status(204);
    }

    private static Map<String, Object> claims(JsonNode node) {
        if (!node.isObject()) {
            throw new IllegalArgumentException("claims must be an object of " + CLAIMS);
        }
        Map<String, Object> claims = new LinkedHashMap<>();
        node.fields().forEachRemaining(claim -> {
            if (!CLAIMS.contains(claim.getKey())) {
                throw new IllegalArgumentException("claim '" + claim.getKey() + "' cannot be set; claims are " + CLAIMS);
            }
            JsonNode value = claim.getValue();
            if (!value.isNull() && !value.isTextual() && !value.isInt()) {
                throw new IllegalArgumentException("claim '" + claim.getKey() + "' must be a string, a number or null");
            }
            claims.put(claim.getKey(), value.isNull() ? null : value.isInt() ? (Object) value.asInt() : value.asText());
        });
        return claims;
    }

    /** The object id (oid) of a person of the tenant: a name-based GUID of their e-mail, stable across restarts. */
    static String objectId(String email) {
        return UUID.nameUUIDFromBytes(email.toLowerCase(Locale.ROOT).getBytes(StandardCharsets.UTF_8)).toString();
    }

    String issuer() {
        return baseUrl.get() + "/" + options.tenantId() + "/v2.0";
    }

    private boolean wrongTenant(Context ctx) {
        if (!ctx.pathParam("tenant").equalsIgnoreCase(options.tenantId())) {
            error(ctx, 400, "invalid_tenant", "AADSTS90002: Tenant '" + ctx.pathParam("tenant") + "' not found.");
            return true;
        }
        return false;
    }

    private void discovery(Context ctx) {
        if (wrongTenant(ctx)) {
            return;
        }
        String tenant = baseUrl.get() + "/" + options.tenantId();
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("issuer", issuer());
        doc.put("authorization_endpoint", tenant + "/oauth2/v2.0/authorize");
        doc.put("token_endpoint", tenant + "/oidc/token");
        doc.put("jwks_uri", tenant + "/discovery/v2.0/keys");
        doc.put("response_types_supported", List.of("code"));
        doc.put("subject_types_supported", List.of("pairwise"));
        doc.put("id_token_signing_alg_values_supported", List.of("RS256"));
        doc.put("scopes_supported", List.of("openid", "profile", "email", "offline_access"));
        doc.put("code_challenge_methods_supported", List.of("S256"));
        ctx.json(doc);
    }

    private void authorize(Context ctx) {
        if (wrongTenant(ctx)) {
            return;
        }
        String clientId = param(ctx, "client_id");
        String redirectUri = param(ctx, "redirect_uri");
        if (!options.clientId().equals(clientId)) {
            ctx.status(400).html("AADSTS700016: Application with identifier '" + escape(clientId)
                    + "' was not found in the directory.");
            return;
        }
        if (redirectUri == null || !"code".equals(param(ctx, "response_type")) || param(ctx, "code_challenge") == null
                || !"S256".equals(param(ctx, "code_challenge_method"))) {
            ctx.status(400).html("AADSTS900144: redirect_uri, response_type=code and a S256 code_challenge are"
                    + " required.");
            return;
        }
        String who = param(ctx, "login_hint") != null ? param(ctx, "login_hint") : ctx.formParam("person");
        Person person = who == null ? null : people.get(who.toLowerCase());
        if (person == null) {
            // Entra's sign-in page, reduced to choosing one of the tenant's people.
            StringBuilder form = new StringBuilder("<!doctype html><title>Sign in</title><h1>Sign in</h1>"
                    + "<form method=\"post\"><label for=\"person\">Account</label><select id=\"person\" name=\"person\">");
            people.values().forEach(p -> form.append("<option value=\"").append(escape(p.email())).append("\">")
                    .append(escape(p.name())).append(" (").append(escape(p.email())).append(")</option>"));
            form.append("</select><button type=\"submit\" id=\"sign-in\">Sign in</button></form>");
            ctx.html(form.toString());
            return;
        }
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        String code = B64.encodeToString(bytes);
        codes.put(code, new Grant(clientId, redirectUri, param(ctx, "nonce"), param(ctx, "code_challenge"), person,
                clock.instant().plus(CODE_LIFETIME)));
        String state = param(ctx, "state");
        ctx.redirect(redirectUri + (redirectUri.contains("?") ? "&" : "?") + "code=" + code
                + (state == null ? "" : "&state=" + URLEncoder.encode(state, StandardCharsets.UTF_8)));
    }

    /** Query parameter, or the same field posted back by the sign-in form (which keeps the query string). */
    private static String param(Context ctx, String name) {
        return ctx.queryParam(name);
    }

    private void token(Context ctx) throws Exception {
        if (wrongTenant(ctx)) {
            return;
        }
        if (!"authorization_code".equals(ctx.formParam("grant_type"))) {
            error(ctx, 400, "unsupported_grant_type", "AADSTS70003: This endpoint takes grant_type=authorization_code.");
            return;
        }
        if (!options.clientId().equals(ctx.formParam("client_id"))
                || !options.clientSecret().equals(ctx.formParam("client_secret"))) {
            error(ctx, 401, "invalid_client", "AADSTS7000215: Invalid client secret provided.");
            return;
        }
        Grant grant = ctx.formParam("code") == null ? null : codes.remove(ctx.formParam("code"));
        if (grant == null || !grant.expiresAt().isAfter(clock.instant())
                || !grant.redirectUri().equals(ctx.formParam("redirect_uri"))) {
            error(ctx, 400, "invalid_grant", "AADSTS70008: The provided authorization code or refresh token has"
                    + " expired or was already redeemed.");
            return;
        }
        String verifier = ctx.formParam("code_verifier");
        String challenge = verifier == null ? "" : B64.encodeToString(MessageDigest.getInstance("SHA-256")
                .digest(verifier.getBytes(StandardCharsets.US_ASCII)));
        if (!challenge.equals(grant.challenge())) {
            error(ctx, 400, "invalid_grant", "AADSTS501481: The Code_Verifier does not match the code_challenge"
                    + " supplied in the authorization request.");
            return;
        }
        Flaw flaw = nextFlaw.getAndSet(null);
        Instant now = flaw == Flaw.EXPIRED ? clock.instant().minus(Duration.ofHours(2)) : clock.instant();
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("aud", flaw == Flaw.AUDIENCE ? GRAPH_APP_ID : grant.clientId());
        claims.put("iss", flaw == Flaw.ISSUER ? "https://sts.windows.net/" + options.tenantId() + "/" : issuer());
        claims.put("iat", now.getEpochSecond());
        claims.put("nbf", now.getEpochSecond());
        claims.put("exp", now.plus(Duration.ofHours(1)).getEpochSecond());
        claims.put("name", grant.person().name());
        claims.put("preferred_username", grant.person().email());
        claims.put("email", grant.person().email());
        claims.put("oid", objectId(grant.person().email()));
        claims.put("sub", B64.encodeToString(MessageDigest.getInstance("SHA-256")
                .digest((grant.person().email() + grant.clientId()).getBytes(StandardCharsets.UTF_8))));
        claims.put("tid", options.tenantId());
        if (flaw == Flaw.NONCE) {
            claims.put("nonce", B64.encodeToString(new byte[24]));
        } else if (grant.nonce() != null) {
            claims.put("nonce", grant.nonce());
        }
        claims.put("ver", "2.0");
        Map<String, Object> identity = nextClaims.getAndSet(null);
        if (identity != null) {
            identity.forEach((name, value) -> {
                if (value == null) {
                    claims.remove(name);
                } else {
                    claims.put(name, value);
                }
            });
        }
        ctx.json(Map.of("token_type", "Bearer", "scope", "openid profile email", "expires_in", 3600,
                "id_token", sign(claims, flaw == Flaw.SIGNATURE ? rsaKey() : key)));
    }

    private static KeyPair rsaKey() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("RSA is not available", e);
        }
    }

    private String sign(Map<String, Object> claims, KeyPair key) throws Exception {
        String header = B64.encodeToString(JSON.writeValueAsBytes(Map.of("typ", "JWT", "alg", "RS256", "kid", keyId)));
        String payload = B64.encodeToString(JSON.writeValueAsBytes(claims));
        Signature rsa = Signature.getInstance("SHA256withRSA");
        rsa.initSign(key.getPrivate());
        rsa.update((header + "." + payload).getBytes(StandardCharsets.US_ASCII));
        return header + "." + payload + "." + B64.encodeToString(rsa.sign());
    }

    private Map<String, Object> jwk() {
        RSAPublicKey pub = (RSAPublicKey) key.getPublic();
        return Map.of("kty", "RSA", "use", "sig", "kid", keyId, "n", B64.encodeToString(unsigned(pub.getModulus())),
                "e", B64.encodeToString(unsigned(pub.getPublicExponent())));
    }

    private static byte[] unsigned(BigInteger n) {
        byte[] bytes = n.toByteArray();
        return bytes[0] == 0 ? java.util.Arrays.copyOfRange(bytes, 1, bytes.length) : bytes;
    }

    private static void error(Context ctx, int status, String error, String description) {
        ctx.status(status).json(Map.of("error", error, "error_description", description,
                "error_codes", List.of(Integer.parseInt(description.replaceAll("^AADSTS(\\d+).*", "$1")))));
    }

    private static String escape(String text) {
        return text == null ? "" : text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
                .replace("\"", "&quot;");
    }
}
