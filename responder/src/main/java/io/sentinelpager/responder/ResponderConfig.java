package io.sentinelpager.responder;

import io.sentinelpager.platform.config.ConfigKey;
import io.sentinelpager.platform.config.PagerConfig;
import io.sentinelpager.platform.config.Secret;
import io.sentinelpager.platform.security.PushEndpoints;
import io.sentinelpager.platform.security.SharedSecrets;
import io.sentinelpager.platform.security.VapidKeys;
import io.sentinelpager.schemas.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Settings of the responder service. */
public record ResponderConfig(String host, int port, Path accountsFile, Optional<Secret> sessionKey,
                              Duration sessionTtl, boolean secureCookies, int maxFailedLogins,
                              Duration failedLoginWindow, Duration lockout, Optional<String> publicUrl,
                              Optional<Secret> linksKey, Optional<Secret> twilioAuthToken, Optional<Oidc> oidc,
                              TrustedProxies trustedProxies) {

    /** Sign-in with Entra ID (or another OpenID Connect provider), when an issuer is configured. */
    public record Oidc(String issuer, String clientId, Secret clientSecret, Optional<Path> trustedCertificates,
                       boolean allowGuests) {
    }

    public static final ConfigKey HOST = ConfigKey.of("responder.host", "127.0.0.1",
            "address the responder app and API listen on; put a TLS proxy in front before opening it beyond loopback");
    public static final ConfigKey PORT = ConfigKey.of("responder.port", "8080", "port of the responder app and API; 0 picks a free one");
    public static final ConfigKey ACCOUNTS_FILE = ConfigKey.required("responder.accounts.file",
            "YAML file of the accounts that may log in (password hashes from `pager passwd`) and API tokens (digests)");
    public static final ConfigKey SESSION_KEY = ConfigKey.secret("responder.session.key",
            "key (32 characters or more, e.g. `openssl rand -base64 32`) that signs session cookies; share it between"
                    + " instances. Without it a"
                    + " random key is made at start, and a restart logs everyone out");
    public static final ConfigKey SESSION_TTL = ConfigKey.of("responder.session.ttl", "12h",
            "how long a login lasts: one on-call shift; at most 7d, as long as responder.revoked-sessions keeps a"
                    + " logout");
    public static final ConfigKey SECURE_COOKIES = ConfigKey.of("responder.cookies.secure", "true",
            "mark cookies Secure (HTTPS only; browsers also accept them from http://localhost)");
    public static final ConfigKey MAX_FAILED_LOGINS = ConfigKey.of("responder.login.max.failures", "5",
            "failed logins for one account from one client address, within responder.login.window, that lock that"
                    + " address out of that account (other addresses are still checked)");
    public static final ConfigKey FAILED_LOGIN_WINDOW = ConfigKey.of("responder.login.window", "15m",
            "window in which failed logins are counted");
    public static final ConfigKey LOCKOUT = ConfigKey.of("responder.login.lockout", "15m",
            "how long an address stays locked out of an account");

    public static final ConfigKey TRUSTED_PROXIES = ConfigKey.of("responder.trusted.proxies", "",
            "IP addresses and CIDR ranges (comma-separated, e.g. 10.0.0.5,10.1.0.0/16) of the TLS proxies in front of"
                    + " the responder. A request from one of them comes from the rightmost X-Forwarded-For address"
                    + " that is not one of them, for the login lock-out; from any other peer the header is ignored."
                    + " Default: none, every request comes from its connection's address");

    public static final ConfigKey PUBLIC_URL = ConfigKey.of("responder.public.url", null,
            "the URL people and Twilio reach the responder at (e.g. https://pager.contoso.com); Twilio signs it."
                    + " Default: http://<responder.host>:<port>");

    public static final ConfigKey OIDC_ISSUER = ConfigKey.of("responder.oidc.issuer", null,
            "OpenID Connect issuer for sign-in with Entra ID, https://login.microsoftonline.com/<tenant id>/v2.0;"
                    + " setting it offers 'Sign in with Microsoft' beside local accounts");
    public static final ConfigKey OIDC_CLIENT_ID = ConfigKey.of("responder.oidc.client.id", null,
            "application (client) id of the responder's app registration; its redirect URI is"
                    + " <responder.public.url>/auth/oidc/callback");
    public static final ConfigKey OIDC_CLIENT_SECRET = ConfigKey.secret("responder.oidc.client.secret",
            "client secret of the responder's app registration");
    public static final ConfigKey OIDC_TRUST = ConfigKey.of("responder.oidc.trust.pem", null,
            "PEM file of certificates to trust beside the JDK's when calling the issuer (a private CA, or the emulator)");
    public static final ConfigKey OIDC_ALLOW_GUESTS = ConfigKey.of("responder.oidc.allow.guests", "false",
            "let guests of the tenant sign in (an ID token whose idp differs from its issuer, or acct = 1): people whose"
                    + " account another organisation or identity provider controls");

    /** Every setting the responder reads beyond the platform's: these, the shared secrets, the VAPID public key and the push endpoint rules. */
    public static final List<ConfigKey> KEYS = List.of(HOST, PORT, ACCOUNTS_FILE, SESSION_KEY, SESSION_TTL,
            SECURE_COOKIES, MAX_FAILED_LOGINS, FAILED_LOGIN_WINDOW, LOCKOUT, TRUSTED_PROXIES, PUBLIC_URL, OIDC_ISSUER,
            OIDC_CLIENT_ID, OIDC_CLIENT_SECRET, OIDC_TRUST, OIDC_ALLOW_GUESTS, SharedSecrets.LINKS_KEY,
            SharedSecrets.TWILIO_AUTH_TOKEN,
            VapidKeys.PUBLIC_KEY, PushEndpoints.HOSTS, PushEndpoints.LOCAL_ORIGIN, PushEndpoints.MAX_PER_USER);

    public static ResponderConfig from(PagerConfig config) {
        Optional<Oidc> oidc = config.optional(OIDC_ISSUER).map(issuer -> new Oidc(issuer, config.string(OIDC_CLIENT_ID),
                config.secret(OIDC_CLIENT_SECRET), config.optional(OIDC_TRUST).map(Path::of),
                config.bool(OIDC_ALLOW_GUESTS)));
        Optional<Secret> key = config.optional(SESSION_KEY).map(Secret::of);
        Duration ttl = config.duration(SESSION_TTL);
        // A logout is refused only for as long as the topic keeps it: a longer session would come back after.
        if (ttl.compareTo(Topics.REVOKED_SESSIONS_RETENTION) > 0) {
            throw new IllegalArgumentException(SESSION_TTL.name() + " is " + config.string(SESSION_TTL) + "; at most "
                    + Topics.REVOKED_SESSIONS_RETENTION.toDays() + "d, how long "
                    + Topics.RESPONDER_REVOKED_SESSIONS.name() + " keeps a logout");
        }
        return new ResponderConfig(config.string(HOST), config.integer(PORT), config.path(ACCOUNTS_FILE), key,
                ttl, config.bool(SECURE_COOKIES), config.integer(MAX_FAILED_LOGINS),
                config.duration(FAILED_LOGIN_WINDOW), config.duration(LOCKOUT), config.optional(PUBLIC_URL),
                SharedSecrets.linksKey(config),
                config.optional(SharedSecrets.TWILIO_AUTH_TOKEN).map(Secret::of), oidc,
                TrustedProxies.parse(config.string(TRUSTED_PROXIES)));
    }
}
