package io.sentinelpager.emulator;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * How an {@link AzureEmulator} is started: where it listens, the one tenant and app registration
 * whose client-credentials requests it accepts, and the clock that stamps alerts and expires tokens.
 *
 * <p>The clock drives only what Azure itself would timestamp (alert times, token expiry); the TLS
 * certificate is always dated by the real clock, because the client's TLS stack checks it against
 * real time.
 *
 * @param host           address it listens on: 127.0.0.1, or 0.0.0.0 (every address) in a container
 * @param hostname       the name clients reach it by: in its URLs and, besides localhost and 127.0.0.1, in its
 *                       certificate (e.g. {@code emulator}, its service name in docker-compose.yml)
 * @param port           TCP port; 0 picks a free ephemeral port
 * @param tenantId       the directory (tenant) id the token endpoint accepts
 * @param clientId       the application (client) id of the registered app
 * @param clientSecret   that app's client secret
 * @param tokenLifetime  how long an issued access token is valid
 * @param clock          source of "now" for alert timestamps and token expiry
 * @param alertListing   the order and paging of Graph's alert list
 * @param incidentPaging what the {@code $skipToken} of Sentinel's incident list holds
 */
public record EmulatorOptions(String host, String hostname, int port, String tenantId, String clientId, String clientSecret,
                              Duration tokenLifetime, Clock clock, AlertListing alertListing,
                              IncidentPaging incidentPaging) {

    public EmulatorOptions {
        requireText(host, "host");
        requireText(hostname, "hostname");
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("port must be 0 (ephemeral) or 1-65535, got " + port);
        }
        requireText(tenantId, "tenantId");
        requireText(clientId, "clientId");
        requireText(clientSecret, "clientSecret");
        Objects.requireNonNull(tokenLifetime, "tokenLifetime");
        if (tokenLifetime.isNegative() || tokenLifetime.isZero()) {
            throw new IllegalArgumentException("tokenLifetime must be positive, got " + tokenLifetime);
        }
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(alertListing, "alertListing");
        Objects.requireNonNull(incidentPaging, "incidentPaging");
    }

    /**
     * On 127.0.0.1 only, an ephemeral port, a fixed tenant and app registration, 1 h tokens, the system UTC clock, alerts listed
     * {@link AlertListing#OLDEST_UPDATE_FIRST}, Sentinel incidents paged {@link IncidentPaging#BY_POSITION}.
     */
    public static EmulatorOptions defaults() {
        return new EmulatorOptions("127.0.0.1", "127.0.0.1", 0,
                "6f1c1a3e-4b7d-4c55-9a0e-2d8b5f3c9e71",
                "3d2e5c8a-7b14-4f0e-b6a9-91c4d7e2f058",
                // Shaped like an Entra ID secret value (3 chars, "8Q~", 34 chars), not like a secret id.
                "Xk48Q~eMuL4t0r.S3cr3t-vALu3_n0tR34lXyZ12",
                Duration.ofHours(1),
                Clock.systemUTC(),
                AlertListing.OLDEST_UPDATE_FIRST,
                IncidentPaging.BY_POSITION);
    }

    /** Listening on this address, reached by this name; see {@link EmulatorOptions the parameters}. */
    public EmulatorOptions withHost(String newHost, String newHostname) {
        return new EmulatorOptions(newHost, newHostname, port, tenantId, clientId, clientSecret, tokenLifetime, clock,
                alertListing, incidentPaging);
    }

    public EmulatorOptions withPort(int newPort) {
        return new EmulatorOptions(host, hostname, newPort, tenantId, clientId, clientSecret, tokenLifetime, clock,
                alertListing, incidentPaging);
    }

    public EmulatorOptions withClock(Clock newClock) {
        return new EmulatorOptions(host, hostname, port, tenantId, clientId, clientSecret, tokenLifetime, newClock,
                alertListing, incidentPaging);
    }

    public EmulatorOptions withTokenLifetime(Duration newLifetime) {
        return new EmulatorOptions(host, hostname, port, tenantId, clientId, clientSecret, newLifetime, clock,
                alertListing, incidentPaging);
    }

    public EmulatorOptions withAlertListing(AlertListing newListing) {
        return new EmulatorOptions(host, hostname, port, tenantId, clientId, clientSecret, tokenLifetime, clock,
                newListing, incidentPaging);
    }

    public EmulatorOptions withIncidentPaging(IncidentPaging newPaging) {
        return new EmulatorOptions(host, hostname, port, tenantId, clientId, clientSecret, tokenLifetime, clock,
                alertListing, newPaging);
    }

    /** Hides the secret: options end up in test failure messages and logs. */
    @Override
    public String toString() {
        return "EmulatorOptions[host=" + host + ", hostname=" + hostname + ", port=" + port + ", tenantId=" + tenantId
                + ", clientId=" + clientId + ", clientSecret=****, tokenLifetime=" + tokenLifetime + ", clock=" + clock + ", alertListing="
                + alertListing + ", incidentPaging=" + incidentPaging + "]";
    }

    private static void requireText(String value, String name) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(name + " must not be blank");
        }
    }
}
