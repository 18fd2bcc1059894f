package io.sentinelpager.notify;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sentinelpager.platform.config.ConfigException;
import io.sentinelpager.platform.config.ConfigKey;
import io.sentinelpager.platform.config.PagerConfig;
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
import java.util.regex.Pattern;

/**
 * ntfy (self-hosted or ntfy.sh): the page published as JSON to the server's root URL. Whoever knows a topic on a
 * public server can read and post its pages, so a topic is a credential: the contact method's address is only a name,
 * and the topic's URL ({@code https://ntfy.sh/<topic>}) comes from the secret setting
 * {@code notify.ntfy.secret.url.<name>}, with an access token for a protected topic from
 * {@code notify.ntfy.secret.token.<name>}: per name, so that a token goes only to the server of its topic.
 * Action buttons let the person act from the notification: Acknowledge as an {@code http} action (ntfy POSTs the
 * signed link itself), Open as a {@code view} action. ntfy shows at most three buttons.
 */
public final class NtfyChannel implements Channel {

    /** Settings of the ntfy channel; it is on when at least one named topic URL is set. */
    public record Config(NamedSecrets topics, NamedSecrets tokens, Duration timeout) {

        /** Prefix of the per-name topic URLs; "secret" in the name keeps them masked at start-up. */
        public static final String URL_PREFIX = "notify.ntfy.secret.url";
        /** Prefix of the per-name access tokens (tk_...), sent as a Bearer token to that name's topic only. */
        public static final String TOKEN_PREFIX = "notify.ntfy.secret.token";
        public static final ConfigKey TOPICS = ConfigKey.secret(URL_PREFIX + "." + ConfigKey.ANY,
                "the topic URL (https://host/<topic>) of each name an ntfy contact method may give as its address");
        public static final ConfigKey TOKENS = ConfigKey.secret(TOKEN_PREFIX + "." + ConfigKey.ANY,
                "the access token of a name's topic, if its server needs one");
        public static final ConfigKey TIMEOUT = ConfigKey.of("notify.ntfy.timeout", "5s",
                "how long one publish may take");

        public static Optional<Config> from(PagerConfig config) {
            NamedSecrets topics = NamedSecrets.urls(config, URL_PREFIX)
                    .check("a topic URL such as https://ntfy.sh/<topic>", uri -> topic(uri).isPresent());
            NamedSecrets tokens = NamedSecrets.from(config, TOKEN_PREFIX);
            tokens.names().stream().filter(name -> topics.find(name).isEmpty()).findFirst().ifPresent(name -> {
                throw new ConfigException("setting " + tokens.key(name) + " is the token of a topic that is not set:"
                        + " set " + topics.key(name) + " as well");
            });
            return topics.isEmpty() ? Optional.empty()
                    : Optional.of(new Config(topics, tokens, config.duration(TIMEOUT)));
        }
    }

    /** ntfy's rule for topic names. */
    private static final Pattern TOPIC = Pattern.compile("[-_A-Za-z0-9]{1,64}");

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
    public String describe() {
        return "ntfy " + config.topics();
    }

    @Override
    public void send(Message message) throws DeliveryFailure {
        URI topicUrl = config.topics().uri(message.address(), "ntfy topic URL");
        String topic = topic(topicUrl).orElseThrow();
        Map<String, String> headers = new HashMap<>();
        config.tokens().find(message.address()).ifPresent(t -> headers.put("Authorization", "Bearer " + t.reveal()));
        // JSON is published to the server's root, naming the topic inside; posted to the topic's URL it would be text.
        http.post("ntfy", topicUrl.resolve("/"), "application/json", body(message, topic), headers);
    }

    /**
     * The topic of a topic URL {@code https://host/<topic>}: its one path segment, when that is a valid topic and
     * nothing follows it (not a subscribe URL such as {@code .../<topic>/json}).
     */
    static Optional<String> topic(URI topicUrl) {
        String path = topicUrl.getPath();
        if (path == null || !path.startsWith("/") || topicUrl.getQuery() != null || topicUrl.getFragment() != null) {
            return Optional.empty();
        }
        String topic = path.substring(1);
        return TOPIC.matcher(topic).matches() ? Optional.of(topic) : Optional.empty();
    }

    static String body(Message m, String topic) {
        ObjectNode root = JSON.createObjectNode();
        root.put("topic", topic);
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
