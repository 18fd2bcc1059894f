package io.sentinelpager.emulator;

import java.time.Duration;
import java.time.Instant;

/**
 * One request the emulator answered. Holds nothing that could carry a secret: no headers, and no body of
 * an API whose bodies carry credentials ({@link Api#bodiesCarryCredentials()}, the token endpoint).
 *
 * @param route      the route name, or {@code unmatched} for a request no route serves
 * @param method     HTTP method
 * @param path       request path, without the query
 * @param query      the raw query string, or empty (the emulated APIs carry no secret there)
 * @param status     HTTP status answered; 0 when the connection was dropped by a RESET fault
 * @param time       the emulator clock's time of the request (what Azure would have logged)
 * @param sinceStart real (monotonic) time from the emulator's start to the request's arrival, to
 *                   measure how long a client waited between calls even when the clock is fixed
 * @param took       how long the emulator took to answer, injected latency included
 * @param body       the request body as received, so a test can compare it with Microsoft's published request;
 *                   empty when there was none or the API's bodies carry credentials
 */
public record LoggedRequest(String route, String method, String path, String query, int status, Instant time,
                            Duration sinceStart, Duration took, String body) {
}
