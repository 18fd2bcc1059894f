package io.sentinelpager.notify;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sentinelpager.platform.config.ConfigKey;
import io.sentinelpager.platform.config.PagerConfig;
import io.sentinelpager.platform.config.Secret;
import io.sentinelpager.platform.security.Hmac;
import io.sentinelpager.schemas.ContactMethodType;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;

/**
 * A generic webhook: the page as JSON, POSTed to the contact method's URL and signed like Stripe's and Slack's
 * webhooks, so the receiver can tell it came from us and is fresh. Headers:
 * {@code X-Pager-Timestamp} (Unix seconds) and {@code X-Pager-Signature: v1=<hex HMAC-SHA256 of "timestamp.body">}
 * under the shared secret; a receiver recomputes it and refuses timestamps older than a few minutes (replay).
 * {@code X-Pager-Delivery-Id} is stable across retries and across a restart that could not tell whether the first
 * call arrived: a receiver must deduplicate by it, and notify counts on that to resend such a call.
 */
public final class WebhookChannel implements Channel {

    public static final String TIMESTAMP_HEADER = "X-Pager-Timestamp";
    public static final String SIGNATURE_HEADER = "X-Pager-Signature";
    public static final String DELIVERY_ID_HEADER = "X-Pager-Delivery-Id";

    /** Settings of the webhook channel; it is on when a signing secret is set. */
    public record Config(Secret secret, Duration timeout) {

        public static final ConfigKey SECRET = ConfigKey.secret("notify.webhook.secret",
                "shared secret of the HMAC-SHA256 signature on webhook calls; setting it turns the webhook channel on");
        public static final ConfigKey TIMEOUT = ConfigKey.of("notify.webhook.timeout", "5s",
                "how long one webhook call may take");

        public static Optional<Config> from(PagerConfig config) {
            return config.optional(SECRET).map(s -> new Config(Secret.of(s), config.duration(TIMEOUT)));
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Config config;
    private final HttpDelivery http;
    private final Clock clock;

    public WebhookChannel(Config config, Clock clock) {
        this.config = config;
        this.http = new HttpDelivery(config.timeout(), clock);
        this.clock = clock;
    }

    @Override
    public ContactMethodType type() {
        return ContactMethodType.WEBHOOK;
    }

    /** The receiver deduplicates by {@value #DELIVERY_ID_HEADER}; that is the contract of this channel. */
    @Override
    public boolean idempotent() {
        return true;
    }

    @Override
    public void send(Message message) throws DeliveryFailure {
        URI uri = uri(message.address());
        String body = body(message);
        String timestamp = Long.toString(clock.instant().getEpochSecond());
        http.post("webhook", uri, "application/json", body, Map.of(
                TIMESTAMP_HEADER, timestamp,
                SIGNATURE_HEADER, signature(config.secret(), timestamp, body),
                DELIVERY_ID_HEADER, message.id()));
    }

    /** {@code v1=} and the hex HMAC-SHA256 of {@code timestamp + "." + body}. */
    public static String signature(Secret secret, String timestamp, String body) {
        return "v1=" + HexFormat.of().formatHex(Hmac.of(Hmac.SHA256, secret, timestamp + "." + body));
    }

    static URI uri(String address) throws DeliveryFailure {
        try {
            URI uri = new URI(address);
            if (("https".equals(uri.getScheme()) || "http".equals(uri.getScheme())) && uri.getHost() != null) {
                return uri;
            }
        } catch (URISyntaxException e) {
            // falls through to the permanent failure below
        }
        throw DeliveryFailure.permanent("webhook address is not an http(s) URL");
    }

    static String body(Message m) {
        ObjectNode root = JSON.createObjectNode();
        root.put("id", m.id());
        root.put("alertKey", m.alertKey());
        root.put("userId", m.userId());
        root.put("severity", m.severity().name());
        root.put("urgency", m.urgency().name());
        root.put("title", m.title());
        root.put("text", m.text());
        root.put("alerts", m.alerts());
        root.put("requestedAt", m.requestedAt().toString());
        ObjectNode facts = root.putObject("facts");
        m.facts().forEach(f -> facts.put(f.name(), f.value()));
        var actions = root.putArray("actions");
        m.actions().forEach(a -> actions.addObject().put("label", a.label()).put("url", a.url())
                .put("method", a.post() ? "POST" : "GET"));
        try {
            return JSON.writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a tree of strings always serializes", e);
        }
    }
}
