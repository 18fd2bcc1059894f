package io.sentinelpager.notify;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sentinelpager.platform.config.ConfigException;
import io.sentinelpager.platform.config.ConfigKey;
import io.sentinelpager.platform.config.PagerConfig;
import io.sentinelpager.platform.security.P256;
import io.sentinelpager.platform.security.PushEndpoints;
import io.sentinelpager.platform.security.PushSubscriptionSeal;
import io.sentinelpager.platform.security.SharedSecrets;
import io.sentinelpager.platform.security.VapidKeys;
import io.sentinelpager.schemas.ContactMethodType;
import io.sentinelpager.schemas.Urgency;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Web Push to the responder app on the user's phones: the push protocol (RFC 8030) with the message encrypted for
 * each subscription (RFC 8291, {@link WebPushEncryption}) and the request signed with our VAPID key (RFC 8292), so
 * no vendor relay sits between us and the browser's own push service.
 *
 * <p>A page goes to every subscription of the user and counts as delivered when one push service accepted it. A push
 * service that answers 404 or 410 has dropped the subscription for good: its tombstone goes to push.subscriptions,
 * and when none is left the failure is permanent, so the processor falls back to the user's next contact method.
 * Endpoints and keys are capability secrets: no log line, failure or receipt holds one. They reach notify sealed
 * ({@link PushSubscriptionSeal}) and are opened only to push; a subscription that does not open (links.key changed
 * since the phone subscribed) is skipped with a warning naming the user and the subscription, never deleted: a key
 * set wrongly on one service must not wipe every phone's subscription. The person turns push on again to mend it.
 *
 * <p>The endpoint is a URL a person gave us, so before each push it must still be a known push service that resolves
 * to public addresses ({@link PushEndpoints}); the responder checked it at subscription, but DNS answers change. The
 * check resolves the host right before the request, which then connects through the JVM's address cache (30 s by
 * default), so it reaches an address just checked. Connecting to the checked address itself would be tighter, but
 * the JDK's HTTP client verifies TLS against the host it connects to, and the host list, not the address check, is
 * what keeps a name someone else's DNS controls out. A page goes to the newest {@code push.subscriptions.max}
 * subscriptions only, since each costs a request of up to {@code notify.webpush.timeout} on the stream thread. What a
 * push service answers is never quoted: only its status and a reason of ours reach receipts and the timeline.
 */
public final class WebPushChannel implements Channel, AutoCloseable {

    /** Settings of the Web Push channel; it is on when the VAPID key pair is set, and then needs links.key. */
    public record Config(VapidKeys keys, PushSubscriptionSeal seal, String subject, Duration ttl, Duration timeout,
                         PushEndpoints endpoints) {

        public static final ConfigKey SUBJECT = ConfigKey.of("notify.webpush.subject", null,
                "how a push service can reach the operator (RFC 8292 'sub'): a mailto: or https: URL; required"
                        + " with the VAPID keys");
        public static final ConfigKey TTL = ConfigKey.of("notify.webpush.ttl", "30m",
                "how long a push service keeps a page for a phone that is offline; an older page is stale, and"
                        + " escalation has moved on by then");
        public static final ConfigKey TIMEOUT = ConfigKey.of("notify.webpush.timeout", "10s",
                "how long one request to a push service may take");

        public static Optional<Config> from(PagerConfig config) {
            return VapidKeys.from(config).map(keys -> {
                String subject = config.optional(SUBJECT).orElseThrow(() -> new ConfigException("setting "
                        + SUBJECT.name() + " is required with " + VapidKeys.PUBLIC_KEY.name()
                        + ", e.g. mailto:soc@contoso.example"));
                if (!subject.startsWith("mailto:") && !subject.startsWith("https:")) {
                    throw new ConfigException("setting " + SUBJECT.name() + " must be a mailto: or https: URL, was '"
                            + subject + "'");
                }
                return new Config(keys, PushSubscriptionSeal.from(config, VapidKeys.PUBLIC_KEY), subject,
                        config.duration(TTL), config.duration(TIMEOUT), PushEndpoints.from(config));
            });
        }
    }

    /** A VAPID token lives at most 24 hours (RFC 8292 §2); half that leaves room for clock skew. */
    static final Duration JWT_VALIDITY = Duration.ofHours(12);
    /** Room left for the JSON around the text: a phone shows a few lines anyway. */
    private static final int MAX_BODY = 1000;
    private static final String PROVIDER = "push service";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Logger log = LoggerFactory.getLogger(WebPushChannel.class);

    private final Config config;
    private final PushSubscriptions subscriptions;
    private final HttpDelivery http;
    private final Clock clock;

    WebPushChannel(Config config, PushSubscriptions subscriptions, Clock clock) {
        this.config = config;
        this.subscriptions = subscriptions;
        this.http = new HttpDelivery(config.timeout(), clock);
        this.clock = clock;
    }

    @Override
    public ContactMethodType type() {
        return ContactMethodType.PUSH;
    }

    @Override
    public void init(ProcessorContext<?, ?> context) {
        subscriptions.bind(context);
    }

    @Override
    public void send(Message message) throws DeliveryFailure {
        List<PushSubscriptions.Entry> subscribed = subscriptions.of(message.userId());
        if (subscribed.isEmpty()) {
            throw DeliveryFailure.permanent("no push subscription: " + message.userId()
                    + " has not turned on pages in the app on a phone");
        }
        List<PushSubscriptions.Entry> all = subscribed.stream()
                .sorted(Comparator.comparing((PushSubscriptions.Entry e) -> e.subscription().getSubscribedAt())
                        .reversed())
                .limit(config.endpoints().maxPerUser()).toList();
        if (all.size() < subscribed.size()) {
            log.warn("web push {} to {}: {} subscriptions, more than {} allows: pushing to the newest {}", message.id(),
                    message.userId(), subscribed.size(), PushEndpoints.MAX_PER_USER.name(), all.size());
        }
        byte[] payload = payload(message).getBytes(StandardCharsets.UTF_8);
        int accepted = 0;
        int gone = 0;
        int unreadable = 0;
        List<DeliveryFailure> failures = new ArrayList<>();
        for (PushSubscriptions.Entry entry : all) {
            PushSubscriptionSeal.Capability capability;
            try {
                capability = config.seal().open(entry.subscription());
            } catch (PushSubscriptionSeal.CannotOpenException e) {
                log.warn("web push {} to {}: skipping a subscription: {}", message.id(), message.userId(),
                        e.getMessage());
                unreadable++;
                continue;
            }
            try {
                if (push(capability, payload, message.urgency())) {
                    accepted++;
                } else {
                    subscriptions.forget(entry);
                    gone++;
                }
            } catch (DeliveryFailure failure) {
                failures.add(failure);
            }
        }
        log.info("web push {} to {}: {} of {} subscriptions accepted, {} gone, {} not readable", message.id(),
                message.userId(), accepted, all.size(), gone, unreadable);
        if (accepted > 0) {
            return;
        }
        if (failures.isEmpty() && unreadable == 0) {
            throw DeliveryFailure.permanent("every push subscription of " + message.userId() + " is gone (404/410);"
                    + " removed " + gone);
        }
        if (failures.isEmpty()) {
            throw DeliveryFailure.permanent(unreadable + " push subscription(s) of " + message.userId() + " cannot be"
                    + " opened with the current " + SharedSecrets.LINKS_KEY.name() + (gone > 0 ? " and " + gone
                    + " gone (404/410)" : "") + "; the person must turn on pages in the app again");
        }
        // Retry if any phone might still take it; give up only when every failure says trying again cannot help.
        throw failures.stream().filter(f -> f.kind() != DeliveryFailure.Kind.PERMANENT).findFirst()
                .orElse(failures.get(0));
    }

    /** @return true if the push service accepted the message, false if the subscription is gone (404, 410) */
    private boolean push(PushSubscriptionSeal.Capability subscription, byte[] payload, Urgency urgency)
            throws DeliveryFailure {
        URI endpoint;
        byte[] body;
        try {
            endpoint = URI.create(subscription.endpoint());
            body = WebPushEncryption.encrypt(payload, P256.publicKey(P256.fromBase64url(subscription.p256dh())),
                    P256.fromBase64url(subscription.auth()));
        } catch (IllegalArgumentException e) {
            // The responder validated it; a subscription that still cannot be used will never work.
            throw DeliveryFailure.permanent("push subscription is malformed: " + e.getMessage());
        }
        try {
            config.endpoints().check(endpoint);
        } catch (PushEndpoints.Refused e) {
            throw DeliveryFailure.permanent("push subscription refused: " + e.getMessage());
        } catch (UnknownHostException e) {
            throw DeliveryFailure.transientFailure(PROVIDER + " host does not resolve");
        }
        HttpResponse<Void> response = http.exchange(PROVIDER, endpoint, "application/octet-stream",
                HttpRequest.BodyPublishers.ofByteArray(body), Map.of(
                        "Content-Encoding", "aes128gcm",
                        "TTL", String.valueOf(config.ttl().toSeconds()),
                        // RFC 8030 §5.3: "high" may wake a phone from power saving, which a page should.
                        "Urgency", urgency == Urgency.LOW ? "normal" : "high",
                        "Authorization", "vapid t=" + jwt(origin(endpoint)) + ", k=" + config.keys().publicKeyBase64()),
                // The answer's text is the push service's, or, if an endpoint got past the checks, whatever an
                // internal server says: it never reaches a receipt.
                HttpResponse.BodyHandlers.discarding());
        int status = response.statusCode();
        if (status >= 200 && status < 300) {
            return true;
        }
        if (status == 404 || status == 410) {
            return false;
        }
        throw http.classify(PROVIDER, status, response.headers().firstValue("Retry-After"), reason(status));
    }

    /** Our words for a refusal, in place of the push service's. */
    static String reason(int status) {
        if (status == 400) {
            return "the request was malformed";
        }
        if (status == 401 || status == 403) {
            return "our VAPID authorization was refused";
        }
        if (status == 413) {
            return "the message is too large";
        }
        if (status == 429) {
            return "too many requests";
        }
        if (status >= 500) {
            return "the push service failed";
        }
        return "an answer Web Push does not define";
    }

    /** What the service worker shows (sw.js): title, body, the alert to open and the signed acknowledge link. */
    static String payload(Message m) {
        ObjectNode root = JSON.createObjectNode();
        root.put("title", m.title());
        String body = m.text().lines().skip(1)
                .filter(line -> m.actions().stream().noneMatch(a -> line.equals(a.label() + ": " + a.url())))
                .reduce((a, b) -> a + "\n" + b).orElse("");
        root.put("body", body.length() > MAX_BODY ? body.substring(0, MAX_BODY - 3) + "..." : body);
        root.put("alertKey", m.alertKey());
        m.actions().stream().filter(a -> a.post() && a.label().equals("Acknowledge")).findFirst()
                .ifPresent(ack -> root.put("ackUrl", ack.url()));
        try {
            return JSON.writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a tree of strings always serializes", e);
        }
    }

    /** RFC 8292 §2: an ES256 JWT for this push service's origin, with our contact. */
    String jwt(String audience) {
        long exp = clock.instant().plus(JWT_VALIDITY).getEpochSecond();
        ObjectNode claims = JSON.createObjectNode().put("aud", audience).put("exp", exp).put("sub", config.subject());
        String input = base64url("{\"typ\":\"JWT\",\"alg\":\"ES256\"}") + "." + base64url(claims.toString());
        try {
            // JWS wants r||s (64 bytes), not DER, which is what the "inP1363Format" variant gives.
            Signature es256 = Signature.getInstance("SHA256withECDSAinP1363Format");
            es256.initSign(config.keys().privateKey());
            es256.update(input.getBytes(StandardCharsets.US_ASCII));
            return input + "." + P256.base64url(es256.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("ES256 is in every JDK", e);
        }
    }

    static String origin(URI endpoint) {
        return endpoint.getScheme() + "://" + endpoint.getHost() + (endpoint.getPort() == -1 ? "" : ":" + endpoint.getPort());
    }

    private static String base64url(String json) {
        return P256.base64url(json.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public void close() {
        subscriptions.close();
    }
}
