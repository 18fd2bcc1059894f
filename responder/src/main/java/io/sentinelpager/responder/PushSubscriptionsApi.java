package io.sentinelpager.responder;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.apibuilder.ApiBuilder;
import io.javalin.http.BadRequestResponse;
import io.javalin.http.Context;
import io.javalin.http.NotFoundResponse;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.sentinelpager.platform.security.P256;
import io.sentinelpager.platform.security.PushSubscriptionSeal;
import io.sentinelpager.platform.security.VapidKeys;
import io.sentinelpager.platform.service.ServiceContext;
import io.sentinelpager.schemas.PushSubscription;
import io.sentinelpager.schemas.RecordLimits;
import io.sentinelpager.schemas.Topics;
import java.net.URI;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Push opt-in for the app: the VAPID public key to subscribe with, and the phone's subscription written to (or its
 * tombstone removed from) push.subscriptions for the authenticated person, who owns it; notify pushes pages there.
 * Authentication and CSRF are the responder's, as for every /api route.
 *
 * <p>The endpoint and keys are capability secrets: they go to their topic only sealed ({@link PushSubscriptionSeal},
 * under a key derived from {@code links.key}, which notify holds too), and nowhere else. Logs and answers name a
 * subscription only by its key, the user and a hash of the endpoint.
 */
final class PushSubscriptionsApi implements AutoCloseable {

    private static final Logger AUDIT = LoggerFactory.getLogger("io.sentinelpager.responder.audit");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int AUTH_SECRET_LENGTH = 16;
    /**
     * The keys in base64 with padding, the longest form that decodes to a 65-byte P-256 point and a 16-byte secret:
     * padding is ignored when decoding, and the keys are kept as sent, so without these bounds any amount would be.
     */
    private static final int P256DH_CHARS = 88;
    private static final int AUTH_CHARS = 24;

    private final Optional<String> publicKey;
    /** Present exactly when push is on; start-up fails if push is on without links.key. */
    private final Optional<PushSubscriptionSeal> seal;
    private final KafkaProducer<String, PushSubscription> producer;
    private final KafkaClientMetrics metrics;
    private final Clock clock;

    PushSubscriptionsApi(ServiceContext context) {
        this.publicKey = VapidKeys.publicKey(context.config());
        this.seal = publicKey.map(on -> PushSubscriptionSeal.from(context.config(), VapidKeys.PUBLIC_KEY));
        this.clock = context.clock();
        Map<String, Object> config = context.producerConfig();
        producer = new KafkaProducer<>(config, new StringSerializer(),
                context.serdes().value(PushSubscription.class).serializer());
        metrics = new KafkaClientMetrics(producer);
        metrics.bindTo(context.metrics());
    }

    /** The routes, for Javalin's {@code router.apiBuilder}. */
    void routes() {
        ApiBuilder.get("/api/push/key", this::key);
        ApiBuilder.post("/api/push/subscriptions", this::subscribe);
        ApiBuilder.delete("/api/push/subscriptions", this::unsubscribe);
    }

    private void key(Context ctx) {
        ctx.json(Map.of("publicKey", publicKey.orElseThrow(() -> new NotFoundResponse(
                "push is off: " + VapidKeys.PUBLIC_KEY.name() + " is not set"))));
    }

    private void subscribe(Context ctx) throws Exception {
        if (publicKey.isEmpty()) {
            throw new NotFoundResponse("push is off: " + VapidKeys.PUBLIC_KEY.name() + " is not set");
        }
        String user = Principal.of(ctx).user();
        JsonNode body = body(ctx);
        String endpoint = endpoint(body);
        String p256dh = body.path("keys").path("p256dh").asText("");
        String auth = body.path("keys").path("auth").asText("");
        InputLimits.overChars("field 'keys.p256dh'", p256dh, P256DH_CHARS)
                .or(() -> InputLimits.overChars("field 'keys.auth'", auth, AUTH_CHARS)).ifPresent(why -> {
                    throw new BadRequestResponse(why);
                });
        try {
            P256.publicKey(P256.fromBase64url(p256dh));
            if (P256.fromBase64url(auth).length != AUTH_SECRET_LENGTH) {
                throw new IllegalArgumentException("keys.auth is not 16 bytes");
            }
        } catch (IllegalArgumentException e) {
            // The message says what is wrong without echoing the key.
            throw new BadRequestResponse("keys.p256dh must be a base64url P-256 public key and keys.auth a base64url"
                    + " 16-byte secret, as PushSubscription.toJSON() gives them: " + e.getMessage());
        }
        PushSubscription record = seal.orElseThrow().seal(user,
                new PushSubscriptionSeal.Capability(endpoint, p256dh, auth), clock.instant());
        String key = PushSubscriptionSeal.key(user, record.getId());
        send(key, record);
        AUDIT.info("{} turned on push for subscription {}", user, key);
        ctx.status(201).json(Map.of("id", key));
    }

    private void unsubscribe(Context ctx) throws Exception {
        String user = Principal.of(ctx).user();
        // The key is derived from the caller and the endpoint, so nobody can remove another person's subscription.
        String key = PushSubscriptionSeal.key(user, PushSubscriptionSeal.id(endpoint(body(ctx))));
        send(key, null);
        AUDIT.info("{} turned off push for subscription {}", user, key);
        ctx.status(204);
    }

    private void send(String key, PushSubscription value) throws Exception {
        producer.send(new ProducerRecord<>(Topics.PUSH_SUBSCRIPTIONS.name(), key, value)).get(10, TimeUnit.SECONDS);
    }

    private static JsonNode body(Context ctx) {
        try {
            return JSON.readTree(ctx.body().isBlank() ? "{}" : ctx.body());
        } catch (Exception e) {
            throw new BadRequestResponse("the body must be the JSON of a PushSubscription:"
                    + " {\"endpoint\":\"https://…\",\"keys\":{\"p256dh\":\"…\",\"auth\":\"…\"}}");
        }
    }

    /** Push services are HTTPS; anything else would let a user point notify at an internal address. */
    private static String endpoint(JsonNode body) {
        String endpoint = InputLimits.requireBytes("field 'endpoint'", body.path("endpoint").asText(""),
                RecordLimits.PUSH_ENDPOINT_BYTES);
        URI uri;
        try {
            uri = URI.create(endpoint);
        } catch (IllegalArgumentException e) {
            throw new BadRequestResponse("endpoint is not a URL");
        }
        if (!"https".equals(uri.getScheme()) || uri.getHost() == null) {
            throw new BadRequestResponse("endpoint must be the https URL of a push service");
        }
        return endpoint;
    }

    @Override
    public void close() {
        metrics.close();
        producer.close();
    }
}
