package io.sentinelpager.responder;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.apibuilder.ApiBuilder;
import io.javalin.http.BadRequestResponse;
import io.javalin.http.ConflictResponse;
import io.javalin.http.Context;
import io.javalin.http.NotFoundResponse;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.sentinelpager.platform.security.P256;
import io.sentinelpager.platform.security.PushEndpoints;
import io.sentinelpager.platform.security.PushSubscriptionSeal;
import io.sentinelpager.platform.security.VapidKeys;
import io.sentinelpager.platform.service.ServiceContext;
import io.sentinelpager.platform.service.StreamsService;
import io.sentinelpager.schemas.PushSubscription;
import io.sentinelpager.schemas.RecordLimits;
import io.sentinelpager.schemas.Topics;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
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
 *
 * <p>notify POSTs to whatever endpoint is stored, so the endpoint must be a known push service that resolves to
 * public addresses ({@link PushEndpoints}), and one person has at most {@code push.subscriptions.max} of them, since
 * notify pushes a page to each in turn. The count comes from the push.subscriptions global table, which trails our
 * own writes by moments: two subscriptions sent at the same instant may both pass, and notify pushes to the newest
 * {@code push.subscriptions.max} whatever the topic holds.
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
    private final PushEndpoints endpoints;
    private final StreamsService view;

    PushSubscriptionsApi(ServiceContext context, StreamsService view) {
        this.endpoints = PushEndpoints.from(context.config());
        this.view = view;
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
        ApiBuilder.get("/api/push/subscriptions", this::count);
        ApiBuilder.post("/api/push/subscriptions", this::subscribe);
        ApiBuilder.delete("/api/push/subscriptions", this::unsubscribe);
    }

    private void key(Context ctx) {
        ctx.json(Map.of("publicKey", publicKey.orElseThrow(() -> new NotFoundResponse(
                "push is off: " + VapidKeys.PUBLIC_KEY.name() + " is not set"))));
    }

    /** How many phones the person has subscribed, and how many they may, for the app to say so. */
    private void count(Context ctx) {
        ctx.json(Map.of("count", subscriptions(Principal.of(ctx).user()).size(), "max", endpoints.maxPerUser()));
    }

    private void subscribe(Context ctx) throws Exception {
        if (publicKey.isEmpty()) {
            throw new NotFoundResponse("push is off: " + VapidKeys.PUBLIC_KEY.name() + " is not set");
        }
        String user = Principal.of(ctx).user();
        JsonNode body = body(ctx);
        String endpoint = endpoint(body);
        allowed(endpoint);
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
        List<String> existing = subscriptions(user);
        // Subscribing the same phone again replaces its record and so adds nothing.
        if (!existing.contains(key) && existing.size() >= endpoints.maxPerUser()) {
            throw new ConflictResponse(user + " has " + existing.size() + " push subscriptions, the most "
                    + PushEndpoints.MAX_PER_USER.name() + " allows: turn off pages on a phone no longer used first");
        }
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

    /** The keys of the person's subscriptions, from the global table every instance has. */
    private List<String> subscriptions(String user) {
        ReadOnlyKeyValueStore<String, PushSubscription> store = view.streams().store(StoreQueryParameters
                .fromNameAndType(ResponderTopology.PUSH_SUBSCRIPTIONS_STORE, QueryableStoreTypes.keyValueStore()));
        List<String> keys = new ArrayList<>();
        try (KeyValueIterator<String, PushSubscription> it = store.prefixScan(user + "/", new StringSerializer())) {
            // The prefix alone would also match a user whose id starts with this one's and a slash.
            it.forEachRemaining(kv -> {
                if (kv.value != null && user.equals(kv.value.getUserId())) {
                    keys.add(kv.key);
                }
            });
        }
        return keys;
    }

    /**
     * A known push service whose name resolves to public addresses only; notify checks again before each push, as the
     * name may resolve elsewhere by then.
     */
    private void allowed(String endpoint) {
        try {
            endpoints.check(URI.create(endpoint));
        } catch (PushEndpoints.Refused e) {
            throw new BadRequestResponse("endpoint refused: " + e.getMessage());
        } catch (UnknownHostException e) {
            throw new BadRequestResponse("endpoint refused: its push service host does not resolve");
        }
    }

    /**
     * The endpoint as given, a URL within the size the record allows; {@link #allowed} says if notify may use it. One
     * is required: a removal without it would answer 204 having removed nothing.
     */
    private static String endpoint(JsonNode body) {
        String endpoint = InputLimits.requireBytes("field 'endpoint'", body.path("endpoint").asText(""),
                RecordLimits.PUSH_ENDPOINT_BYTES);
        if (endpoint.isEmpty()) {
            throw new BadRequestResponse("field 'endpoint' is required");
        }
        try {
            URI.create(endpoint);
        } catch (IllegalArgumentException e) {
            throw new BadRequestResponse("endpoint is not a URL");
        }
        return endpoint;
    }

    @Override
    public void close() {
        metrics.close();
        producer.close();
    }
}
