package io.sentinelpager.emulator;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * The Entra ID (Azure AD) v2.0 token endpoint, client-credentials grant only, for one tenant and one
 * app registration, which proves itself with its client secret or with a client assertion signed by
 * a registered certificate's key ({@link ClientAssertions}). Requests are checked in the order Entra checks them, and each failure answers
 * with Entra's status, {@code error}, AADSTS code and message shape, so that MSAL and azure-identity
 * raise the same exceptions they raise in production.
 */
final class EntraIdApi implements Api {

    static final String GRAPH_RESOURCE = "https://graph.microsoft.com";

    /** OpenID scopes MSAL may add to any request; they name no resource. */
    private static final Set<String> OIDC_SCOPES = Set.of("openid", "profile", "offline_access");
    private static final DateTimeFormatter TIMESTAMP =
            DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss'Z'").withZone(ZoneOffset.UTC);

    private final EmulatorOptions options;
    private final AccessTokens tokens;
    private final ClientAssertions assertions;
    private final Clock clock;

    EntraIdApi(EmulatorOptions options, AccessTokens tokens, ClientAssertions assertions) {
        this.options = options;
        this.tokens = tokens;
        this.assertions = assertions;
        this.clock = options.clock();
    }

    /** Entra's code for a transient failure on its side, which MSAL treats as worth retrying. */
    private static final int TRANSIENT = 90033;
    private static final int APP_DISABLED = 7000112;

    void register(Javalin app, Routes routes) {
        routes.add(app, HandlerType.POST, "/{tenant}/oauth2/v2.0/token", new Route("token", this, "an enabled app"),
                this::token);
    }

    /** Its form carries client_secret or client_assertion. */
    @Override
    public boolean bodiesCarryCredentials() {
        return true;
    }

    /** The token endpoint is where a token is obtained; nothing to check before it. */
    @Override
    public void authorize(Context ctx) {
    }

    /** Entra's shape: {@code error} and an AADSTS code; injected throttling and outages are transient errors. */
    @Override
    public void render(Context ctx, ApiError error) {
        error.retryAfter.ifPresent(after -> ctx.header("Retry-After", Long.toString(after.toSeconds())));
        if (error.status == 429 || error.status >= 500) {
            fail(ctx, error.status, "temporarily_unavailable", TRANSIENT, error.getMessage());
        } else {
            fail(ctx, error.status, error.code, APP_DISABLED, error.getMessage());
        }
    }

    /** What Entra answers when the app registration has been disabled, the nearest thing to "no permission". */
    @Override
    public ApiError forbidden(Route route) {
        return new ApiError(401, "unauthorized_client", "Application '" + options.clientId() + "' is disabled.");
    }

    private void token(Context ctx) {
        String tenant = ctx.pathParam("tenant");
        if (!tenant.equalsIgnoreCase(options.tenantId())) {
            fail(ctx, 400, "invalid_request", 90002, "Tenant '" + tenant + "' not found. Check to make sure you have"
                    + " the correct tenant ID and are signing into the correct cloud. Check with your subscription"
                    + " administrator, this may happen if there are no active subscriptions for the tenant.");
            return;
        }
        String grantType = ctx.formParam("grant_type");
        if (grantType == null) {
            missing(ctx, "grant_type");
            return;
        }
        if (!grantType.equals("client_credentials")) {
            fail(ctx, 400, "unsupported_grant_type", 70003,
                    "The app requested an unsupported grant type '" + grantType + "'.");
            return;
        }
        String clientId = ctx.formParam("client_id");
        if (clientId == null) {
            missing(ctx, "client_id");
            return;
        }
        if (!clientId.equalsIgnoreCase(options.clientId())) {
            fail(ctx, 400, "unauthorized_client", 700016, "Application with identifier '" + clientId
                    + "' was not found in the directory '" + tenant + "'. This can happen if the application has"
                    + " not been installed by the administrator of the tenant or consented to by any user in the"
                    + " tenant. You may have sent your authentication request to the wrong tenant.");
            return;
        }
        String secret = ctx.formParam("client_secret");
        String assertion = ctx.formParam("client_assertion");
        if (assertion != null) {
            IssuedCredentials.clientAssertion(assertion);
            if (!ClientAssertions.JWT_BEARER.equals(ctx.formParam("client_assertion_type"))) {
                fail(ctx, 400, "invalid_request", 90014, "The request body must contain the following parameter:"
                        + " 'client_assertion_type' with the value '" + ClientAssertions.JWT_BEARER + "'.");
                return;
            }
            // The audience is this endpoint's URL, as the client addressed it.
            String endpoint = ctx.scheme() + "://" + ctx.host() + ctx.path();
            Optional<ClientAssertions.Refusal> refused = assertions.verify(assertion, clientId, endpoint);
            if (refused.isPresent()) {
                fail(ctx, 401, "invalid_client", refused.get().code(), refused.get().message());
                return;
            }
        } else if (secret == null) {
            fail(ctx, 401, "invalid_client", 7000216,
                    "'client_assertion', 'client_secret' or 'request' is required for the 'client_credentials' grant type.");
            return;
        } else if (!constantTimeEquals(secret, options.clientSecret())) {
            // Entra answers a wrong secret with 401, not 400: RFC 6749 5.2 allows 401 for invalid_client.
            fail(ctx, 401, "invalid_client", 7000215, "Invalid client secret provided. Ensure the secret being sent"
                    + " in the request is the client secret value, not the client secret ID, for a secret added to"
                    + " app '" + options.clientId() + "'.");
            return;
        }
        String scope = ctx.formParam("scope");
        if (scope == null) {
            missing(ctx, "scope");
            return;
        }
        List<String> resources = Arrays.stream(scope.trim().split("\\s+"))
                .filter(s -> !OIDC_SCOPES.contains(s))
                .toList();
        if (resources.size() != 1 || !resources.get(0).endsWith("/.default")) {
            fail(ctx, 400, "invalid_scope", 1002012, "The provided value for scope " + scope + " is not valid."
                    + " Client credential flows must have a scope value with /.default suffixed to the resource"
                    + " identifier (application ID URI).");
            return;
        }
        String audience = resources.get(0).substring(0, resources.get(0).length() - "/.default".length());
        AccessTokens.Issued issued = tokens.issue(clientId, audience);
        long seconds = tokens.lifetime().toSeconds();
        ObjectNode body = JsonNodeFactory.instance.objectNode()
                .put("token_type", "Bearer")
                .put("expires_in", seconds)
                .put("ext_expires_in", seconds)
                .put("access_token", issued.token());
        ctx.header("Cache-Control", "no-store, no-cache");
        ctx.status(200).contentType("application/json; charset=utf-8").result(Json.write(body));
    }

    private void missing(Context ctx, String parameter) {
        fail(ctx, 400, "invalid_request", 900144,
                "The request body must contain the following parameter: '" + parameter + "'.");
    }

    private void fail(Context ctx, int status, String error, int code, String description) {
        String traceId = UUID.randomUUID().toString();
        String clientRequestId = ctx.header("client-request-id");
        String correlationId = clientRequestId != null ? clientRequestId : UUID.randomUUID().toString();
        String timestamp = TIMESTAMP.format(clock.instant());
        ObjectNode body = JsonNodeFactory.instance.objectNode()
                .put("error", error)
                .put("error_description", "AADSTS" + code + ": " + description + "\r\nTrace ID: " + traceId
                        + "\r\nCorrelation ID: " + correlationId + "\r\nTimestamp: " + timestamp)
                .put("timestamp", timestamp)
                .put("trace_id", traceId)
                .put("correlation_id", correlationId)
                .put("error_uri", ctx.scheme() + "://" + ctx.host() + "/error?code=" + code);
        body.putArray("error_codes").add(code);
        ctx.header("x-ms-request-id", traceId);
        ctx.status(status).contentType("application/json; charset=utf-8").result(Json.write(body));
    }

    private static boolean constantTimeEquals(String a, String b) {
        return MessageDigest.isEqual(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }
}
