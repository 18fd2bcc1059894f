package io.sentinelpager.notify;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sentinelpager.platform.config.ConfigException;
import io.sentinelpager.platform.config.ConfigKey;
import io.sentinelpager.platform.config.PagerConfig;
import io.sentinelpager.platform.config.Secret;
import io.sentinelpager.platform.security.Hmac;
import io.sentinelpager.schemas.ContactMethodType;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;

/**
 * A generic webhook: the page as JSON, POSTed to a URL and signed like Stripe's and Slack's webhooks, so the receiver
 * can tell it came from us and is fresh. A webhook URL often carries a token, so it is a credential: the contact
 * method's address is only a name, and the URL comes from the secret setting {@code notify.webhook.secret.url.<name>}.
 * Headers: {@code X-Pager-Timestamp} (Unix seconds) and
 * {@code X-Pager-Signature: v1=<hex HMAC-SHA256 of "timestamp.body">} under the shared signing secret; a receiver
 * recomputes it and refuses timestamps older than a few minutes (replay).
 * {@code X-Pager-Delivery-Id} is stable across retries and across a restart that could not tell whether the first
 * call arrived: a receiver must deduplicate by it, and notify counts on that to resend such a call.
 */
public final class WebhookChannel implements Channel {

    public static final String TIMESTAMP_HEADER = "X-Pager-Timestamp";
    public static final String SIGNATURE_HEADER = "X-Pager-Signature";
    public static final String DELIVERY_ID_HEADER = "X-Pager-Delivery-Id";

    /** Settings of the webhook channel; it is on when the signing secret is set. */
    public record Config(Secret signingSecret, NamedSecrets urls, Duration timeout) {

        // Not notify.webhook.secret: that name would be both a value and the parent of the URLs in a YAML file.
        public static final ConfigKey SIGNING_SECRET = ConfigKey.secret("notify.webhook.signing.secret",
                "shared secret of the HMAC-SHA256 signature on webhook calls; setting it turns the webhook channel on");
        /** Prefix of the per-name webhook URLs; "secret" in the name keeps them masked at start-up. */
        public static final String URL_PREFIX = "notify.webhook.secret.url";
        public static final ConfigKey URLS = ConfigKey.secret(URL_PREFIX + "." + ConfigKey.ANY,
                "the URL of each name a webhook contact method may give as its address");
        public static final ConfigKey TIMEOUT = ConfigKey.of("notify.webhook.timeout", "5s",
                "how long one webhook call may take");

        public static Optional<Config> from(PagerConfig config) {
            NamedSecrets urls = NamedSecrets.urls(config, URL_PREFIX);
            Optional<String> signing = config.optional(SIGNING_SECRET);
            if (signing.isEmpty() && !urls.isEmpty()) {
                throw new ConfigException("webhook URLs are set (" + URL_PREFIX + ".<name> for " + urls
                        + ") but not " + SIGNING_SECRET.name() + ", which signs every webhook call: set it ("
                        + SIGNING_SECRET.environmentVariable() + ")");
            }
            return signing.map(s -> new Config(Secret.of(s), urls, config.duration(TIMEOUT)));
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

    @Override
    public String describe() {
        return "webhook " + config.urls();
    }

    /** The receiver deduplicates by {@value #DELIVERY_ID_HEADER}; that is the contract of this channel. */
    @Override
    public boolean idempotent() {
        return true;
    }

    @Override
    public void send(Message message) throws DeliveryFailure {
        URI uri = config.urls().uri(message.address(), "webhook URL");
        String body = body(message);
        String timestamp = Long.toString(clock.instant().getEpochSecond());
        http.post("webhook", uri, "application/json", body, Map.of(
                TIMESTAMP_HEADER, timestamp,
                SIGNATURE_HEADER, signature(config.signingSecret(), timestamp, body),
                DELIVERY_ID_HEADER, message.id()));
    }

    /** {@code v1=} and the hex HMAC-SHA256 of {@code timestamp + "." + body}. */
    public static String signature(Secret secret, String timestamp, String body) {
        return "v1=" + HexFormat.of().formatHex(Hmac.of(Hmac.SHA256, secret, timestamp + "." + body));
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
