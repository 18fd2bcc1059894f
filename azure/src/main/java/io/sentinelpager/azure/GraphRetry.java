package io.sentinelpager.azure;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import okhttp3.Interceptor;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okio.Buffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Graph client's retry rule, in place of the Graph SDK's RetryHandler, which retries only 429,
 * 503 and 504, never network failures, waits without jitter, and re-sends a request body that the
 * SDK streams only once.
 *
 * <ul>
 *   <li>429 and 503 are retried after Retry-After (or the backoff when the header is missing): the
 *       request was not processed, so even a POST may go again;</li>
 *   <li>500, 502, 504 and I/O failures (timeouts, dropped connections) are retried with backoff only
 *       for idempotent methods: a POST comment that failed half-way might otherwise be added twice. PATCH
 *       is not one of them: it sets fields, but Graph keeps every PATCH in the alert's history, where a
 *       responder would see an acknowledge twice if one whose answer was lost went again. Its caller
 *       (syncback) reads the alert before it tries again, and sends only what the alert does not show;</li>
 *   <li>a retry never starts if its wait would end after the call's timeout; the last answer then
 *       goes to {@link GraphErrors}, which reports it as retriable with its Retry-After.</li>
 * </ul>
 */
final class GraphRetry implements Interceptor {

    private static final Logger LOG = LoggerFactory.getLogger(GraphRetry.class);
    private static final Set<Integer> NOT_PROCESSED = Set.of(429, 503);
    private static final Set<Integer> TRANSIENT = Set.of(500, 502, 504);
    private static final Set<String> IDEMPOTENT = Set.of("GET", "HEAD", "PUT", "DELETE");

    private final Backoff backoff;
    private final Clock clock;

    GraphRetry(Backoff backoff, Clock clock) {
        this.backoff = backoff;
        this.clock = clock;
    }

    @Override
    public Response intercept(Chain chain) throws IOException {
        long timeoutNanos = chain.call().timeout().timeoutNanos();
        long deadline = System.nanoTime() + (timeoutNanos == 0 ? Long.MAX_VALUE / 2 : timeoutNanos);
        Request request = buffered(chain.request());
        boolean idempotent = IDEMPOTENT.contains(request.method());
        for (int retry = 1; ; retry++) {
            Response response = null;
            IOException failure = null;
            try {
                response = chain.proceed(request);
            } catch (IOException e) {
                if (!idempotent || chain.call().isCanceled()) {
                    throw e;
                }
                failure = e;
            }
            int status = response == null ? 0 : response.code();
            if (response != null && !NOT_PROCESSED.contains(status) && !(idempotent && TRANSIENT.contains(status))) {
                return response;
            }
            Optional<Duration> retryAfter = response == null ? Optional.empty()
                    : RetryAfter.parse(response.header("Retry-After"), clock);
            Optional<Duration> wait = backoff.delay(retry, retryAfter, ThreadLocalRandom.current().nextDouble())
                    .filter(w -> System.nanoTime() + w.toNanos() < deadline);
            if (wait.isEmpty()) {
                if (failure != null) {
                    throw failure;
                }
                return response;
            }
            if (response != null) {
                response.close();
            }
            LOG.info("Graph {} {} {}; retry {} of {} in {} ms", request.method(), request.url().encodedPath(),
                    failure != null ? "failed (" + failure.getClass().getSimpleName() + ")" : "answered " + status,
                    retry, backoff.maxRetries(), wait.get().toMillis());
            pause(wait.get());
        }
    }

    /** The same request with its body read into memory, so every attempt sends it whole. */
    private static Request buffered(Request request) throws IOException {
        RequestBody body = request.body();
        if (body == null) {
            return request;
        }
        Buffer buffer = new Buffer();
        body.writeTo(buffer);
        return request.newBuilder()
                .method(request.method(), RequestBody.create(buffer.readByteArray(), body.contentType()))
                .build();
    }

    private static void pause(Duration wait) throws InterruptedIOException {
        try {
            Thread.sleep(wait.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting to retry a Graph call");
        }
    }
}
