package io.sentinelpager.notify;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Optional;

/**
 * The HTTP side of every HTTP channel (webhook, ntfy, Teams, Twilio, Web Push), and the one place that decides what
 * an HTTP outcome means: 2xx delivered; 429 rate-limited with its {@code Retry-After}; 408, 5xx and network errors transient;
 * any other status permanent. Failure messages name the provider and the status, never the URL (a Teams, webhook or
 * ntfy topic URL is a credential) nor a header.
 */
final class HttpDelivery {

    private static final int MAX_DETAIL = 200;

    private final HttpClient client;
    private final Duration timeout;
    private final Clock clock;

    HttpDelivery(Duration timeout, Clock clock) {
        this.client = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NEVER).build();
        this.timeout = timeout;
        this.clock = clock;
    }

    /** Posts and returns the response body of a 2xx answer. */
    String post(String provider, URI uri, String contentType, String body, Map<String, String> headers)
            throws DeliveryFailure {
        HttpResponse<String> response = exchange(provider, uri, contentType,
                HttpRequest.BodyPublishers.ofString(body), headers, HttpResponse.BodyHandlers.ofString());
        int status = response.statusCode();
        if (status >= 200 && status < 300) {
            return response.body();
        }
        throw classify(provider, status, response.headers().firstValue("Retry-After"), response.body());
    }

    /**
     * Posts and returns the answer whatever its status, for a channel that gives some statuses a meaning of their
     * own (Web Push: 404 and 410 say the subscription is gone); it passes the others to {@link #classify}. The
     * caller chooses what becomes of the answer's body, e.g. to discard one it must not quote.
     */
    <T> HttpResponse<T> exchange(String provider, URI uri, String contentType, HttpRequest.BodyPublisher body,
                                 Map<String, String> headers, HttpResponse.BodyHandler<T> answer)
            throws DeliveryFailure {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(timeout)
                .header("Content-Type", contentType)
                .POST(body);
        headers.forEach(request::header);
        try {
            return client.send(request.build(), answer);
        } catch (HttpTimeoutException e) {
            throw DeliveryFailure.transientFailure(provider + " did not answer within " + timeout.toMillis() + " ms");
        } catch (IOException e) {
            throw DeliveryFailure.transientFailure(provider + " unreachable: " + e.getClass().getSimpleName());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw DeliveryFailure.transientFailure(provider + " call interrupted by shutdown");
        }
    }

    /** @param body the answer's text, quoted in the failure; null when the channel must not quote it */
    DeliveryFailure classify(String provider, int status, Optional<String> retryAfter, String body) {
        String detail = provider + " answered " + status + snippet(body);
        Duration wait = retryAfter.flatMap(this::parseRetryAfter).orElse(null);
        if (status == 429) {
            return DeliveryFailure.rateLimited(detail, wait);
        }
        if (status == 408 || status >= 500) {
            return DeliveryFailure.transientFailure(detail, wait);
        }
        return DeliveryFailure.permanent(detail);
    }

    /** Retry-After is either seconds or an HTTP date (RFC 9110 §10.2.3). */
    Optional<Duration> parseRetryAfter(String value) {
        String v = value.trim();
        try {
            return Optional.of(Duration.ofSeconds(Math.max(0, Long.parseLong(v))));
        } catch (NumberFormatException notSeconds) {
            try {
                Instant at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
                Duration wait = Duration.between(clock.instant(), at);
                return Optional.of(wait.isNegative() ? Duration.ZERO : wait);
            } catch (DateTimeParseException notADate) {
                return Optional.empty();
            }
        }
    }

    private static String snippet(String body) {
        if (body == null || body.isBlank()) {
            return "";
        }
        String oneLine = body.replaceAll("\\s+", " ").strip();
        return ": " + (oneLine.length() > MAX_DETAIL ? oneLine.substring(0, MAX_DETAIL) + "..." : oneLine);
    }
}
