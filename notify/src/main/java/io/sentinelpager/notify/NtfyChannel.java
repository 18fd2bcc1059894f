package io.sentinelpager.notify;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sentinelpager.platform.config.ConfigKey;
import io.sentinelpager.platform.config.PagerConfig;
import io.sentinelpager.platform.config.Secret;
import io.sentinelpager.schemas.ContactMethodType;
import io.sentinelpager.schemas.Severity;
import io.sentinelpager.schemas.Urgency;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * ntfy (self-hosted or ntfy.sh): the page published as JSON to the server's root URL, the contact method's address
 * being the topic. Action buttons let the person act from the notification: Acknowledge as an {@code http} action
 * (ntfy POSTs the signed link itself), Open as a {@code view} action. ntfy shows at most three buttons.
 */
public final class NtfyChannel implements Channel {

    /** Settings of the ntfy channel; it is on when the server URL is set. */
    public record Config(URI serverUrl, Optional<Secret> token, Duration timeout) {

        public static final ConfigKey URL = ConfigKey.of("notify.ntfy.url", null,
                "base URL of the ntfy server, e.g. https://ntfy.sh; setting it turns the ntfy channel on");
        public static final ConfigKey TOKEN = ConfigKey.secret("notify.ntfy.token",
                "ntfy access token (tk_...) for protected topics; sent as a Bearer token");
        public static final ConfigKey TIMEOUT = ConfigKey.of("notify.ntfy.timeout", "5s",
                "how long one publish may take");

        public static Optional<Config> from(PagerConfig config) {
            return config.optional(URL).map(url -> new Config(URI.create(url.endsWith("/") ? url : url + "/"),
                    config.optional(TOKEN).map(Secret::of), config.duration(TIMEOUT)));
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_ACTIONS = 3;

    private final Config config;
    private final HttpDelivery http;

    public NtfyChannel(Config config, Clock clock) {
        this.config = config;
        this.http = new HttpDelivery(config.timeout(), clock);
    }

    @Override
    public ContactMethodType type() {
        return ContactMethodType.NTFY;
    }

    @Override
    public void send(Message message) throws DeliveryFailure {
        Map<String, String> headers = new HashMap<>();
        config.token().ifPresent(t -> headers.put("Authorization", "Bearer " + t.reveal()));
        http.post("ntfy", config.serverUrl(), "application/json", body(message), headers);
    }

    static String body(Message m) {
        ObjectNode root = JSON.createObjectNode();
        root.put("topic", m.address());
        root.put("title", m.title());
        // The buttons carry the links; the text without them reads better on a lock screen.
        root.put("message", m.text().lines().filter(l -> m.actions().stream()
                .noneMatch(a -> l.equals(a.label() + ": " + a.url()))).reduce((a, b) -> a + "\n" + b).orElse(m.title()));
        root.put("priority", priority(m));
        ArrayNode tags = root.putArray("tags");
        tags.add(m.severity() == Severity.HIGH ? "rotating_light" : "warning");
        tags.add(m.severity().name().toLowerCase(Locale.ROOT));
        m.actions().stream().filter(a -> !a.post()).findFirst().ifPresent(open -> root.put("click", open.url()));
        ArrayNode actions = root.putArray("actions");
        m.actions().stream().limit(MAX_ACTIONS).forEach(a -> {
            ObjectNode action = actions.addObject();
            if (a.post()) {
                action.put("action", "http").put("label", a.label()).put("url", a.url()).put("method", "POST")
                        .put("clear", true);
            } else {
                action.put("action", "view").put("label", a.label()).put("url", a.url());
            }
        });
        try {
            return JSON.writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a tree of strings always serializes", e);
        }
    }

    /** ntfy's 1..5: a high-urgency page of a high-severity alert is "max" (breaks through do-not-disturb). */
    static int priority(Message m) {
        if (m.urgency() == Urgency.LOW) {
            return 3;
        }
        return m.severity() == Severity.HIGH ? 5 : 4;
    }
}
