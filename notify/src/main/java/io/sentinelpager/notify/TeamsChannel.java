package io.sentinelpager.notify;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sentinelpager.platform.config.ConfigKey;
import io.sentinelpager.platform.config.PagerConfig;
import io.sentinelpager.schemas.ContactMethodType;
import io.sentinelpager.schemas.Severity;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Microsoft Teams through a Workflows ("When a Teams webhook request is received") URL: a message whose attachment is
 * an Adaptive Card with the title, the facts and Open-URL buttons. A Workflows URL carries its own signature, so it is
 * a credential: the contact method's address is only a name, and the URL comes from the secret setting
 * {@code notify.teams.secret.url.<name>}.
 *
 * <p>Teams renders a card's text blocks and facts as Markdown, and alert titles, descriptions and entity names are
 * partly written by the attacker: every text is {@link #plain escaped}, so a title cannot become a bold claim or a
 * link to a look-alike site.
 */
public final class TeamsChannel implements Channel {

    /** Settings of the Teams channel; it is on when at least one named Workflows URL is set. */
    public record Config(NamedSecrets workflows, Duration timeout) {

        /** Prefix of the per-name Workflows URLs; "secret" in the name keeps them masked at start-up. */
        public static final String URL_PREFIX = "notify.teams.secret.url";
        public static final ConfigKey WEBHOOKS = ConfigKey.secret(URL_PREFIX + "." + ConfigKey.ANY,
                "the Workflows URL of each name a Teams contact method may give as its address");
        public static final ConfigKey TIMEOUT =
                ConfigKey.of("notify.teams.timeout", "10s",
                        "how long one Workflows call may take");

        public static Optional<Config> from(PagerConfig config) {
            NamedSecrets workflows = NamedSecrets.urls(config, URL_PREFIX);
            return workflows.isEmpty() ? Optional.empty()
                    : Optional.of(new Config(workflows, config.duration(TIMEOUT)));
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    /** The characters of Markdown's inline syntax: emphasis, links, code, strike-through, headings, quotes, tables. */
    private static final Pattern INLINE = Pattern.compile("[\\\\`*_\\[\\]()~#>|]");
    /** A list item at the start of a line: {@code - x}, {@code + x}, {@code 1. x}. */
    private static final Pattern LIST_ITEM = Pattern.compile("^(\\s*)([-+]|\\d+\\.)(?=\\s)", Pattern.MULTILINE);

    private final Config config;
    private final HttpDelivery http;

    public TeamsChannel(Config config, Clock clock) {
        this.config = config;
        this.http = new HttpDelivery(config.timeout(), clock);
    }

    @Override
    public ContactMethodType type() {
        return ContactMethodType.TEAMS;
    }

    @Override
    public String describe() {
        return "teams " + config.workflows();
    }

    @Override
    public void send(Message message) throws DeliveryFailure {
        URI url = config.workflows().uri(message.address(), "Teams Workflows URL");
        http.post("Teams Workflows", url, "application/json", body(message), Map.of());
    }

    static String body(Message m) {
        ObjectNode root = JSON.createObjectNode();
        root.put("type", "message");
        ObjectNode attachment = root.putArray("attachments").addObject();
        attachment.put("contentType", "application/vnd.microsoft.card.adaptive");
        attachment.putNull("contentUrl");
        ObjectNode card = attachment.putObject("content");
        card.put("$schema", "http://adaptivecards.io/schemas/adaptive-card.json");
        card.put("type", "AdaptiveCard");
        // 1.4 is what Teams renders everywhere, mobile included.
        card.put("version", "1.4");
        ArrayNode body = card.putArray("body");
        body.addObject().put("type", "TextBlock").put("text", plain(m.title())).put("weight", "Bolder").put("size", "Medium")
                .put("wrap", true).put("color", m.severity() == Severity.HIGH ? "Attention" : "Warning");
        ArrayNode facts = body.addObject().put("type", "FactSet").putArray("facts");
        m.facts().forEach(f -> facts.addObject().put("title", plain(f.name())).put("value", plain(f.value())));
        ArrayNode actions = card.putArray("actions");
        // Teams cannot POST to our links without a bot: each button opens the link, where the responder confirms.
        m.actions().forEach(a -> actions.addObject().put("type", "Action.OpenUrl").put("title", a.label())
                .put("url", a.url()));
        try {
            return JSON.writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a tree of strings always serializes", e);
        }
    }

    /** The text as Teams shows it literally: Markdown's syntax characters backslash-escaped. */
    static String plain(String text) {
        String inline = INLINE.matcher(text).replaceAll(c -> Matcher.quoteReplacement("\\" + c.group()));
        return LIST_ITEM.matcher(inline).replaceAll(l -> Matcher.quoteReplacement(l.group(1)
                + l.group(2).replaceAll("([-+.])", "\\\\$1")));
    }
}
