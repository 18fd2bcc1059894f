package io.sentinelpager.notify;

import io.sentinelpager.platform.security.ActionLinks;
import io.sentinelpager.schemas.ContactMethodType;
import java.net.URI;
import java.time.Clock;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A phone call through Twilio's Calls API: {@code POST /2010-04-01/Accounts/{AccountSid}/Calls.json} with {@code To},
 * {@code From} and the call's TwiML inline ({@code Twiml}), so Twilio needs no URL of ours to fetch it from. The call
 * says the alert twice and gathers one key: pressing 1 acknowledges.
 *
 * <p>The keypress goes to the responder, not to notify: the {@code <Gather>} action is
 * {@code <responder url>/webhooks/twilio/voice?token=<token>}, where the token is the message's signed one-click
 * Acknowledge token ({@link ActionLinks}: bound to the user and the alert, expiring, single use). Twilio POSTs
 * {@code Digits} there with its {@code X-Twilio-Signature}; the responder verifies both and acknowledges on "1".
 * Without a link key there is neither a token nor an SMS reply code, and the call only says the alert.
 *
 * <p>Uses the Twilio account of the SMS channel; a call cannot be deduplicated by Twilio, so it is never placed twice
 * for one delivery (see {@link DeliveryProcessor}).
 */
public final class TwilioVoiceChannel implements Channel {

    /** Where the responder takes Twilio's keypress callback. */
    public static final String VOICE_WEBHOOK_PATH = "/webhooks/twilio/voice";

    private static final Pattern E164 = Pattern.compile("\\+[1-9][0-9]{6,14}");
    /** Twilio refuses a Twiml parameter over 4,000 characters; the spoken text stays well below. */
    private static final int MAX_SPOKEN = 1000;
    private static final int RING_SECONDS = 30;

    private final TwilioSmsChannel.Config config;
    private final HttpDelivery http;

    public TwilioVoiceChannel(TwilioSmsChannel.Config config, Clock clock) {
        this.config = config;
        this.http = new HttpDelivery(config.timeout(), clock);
    }

    @Override
    public ContactMethodType type() {
        return ContactMethodType.VOICE;
    }

    @Override
    public void send(Message message) throws DeliveryFailure {
        String to = message.address().replaceAll("[\\s()-]", "");
        if (!E164.matcher(to).matches()) {
            throw DeliveryFailure.permanent("voice address is not an E.164 phone number");
        }
        Map<String, String> form = new LinkedHashMap<>();
        form.put("To", to);
        form.put("From", config.from());
        form.put("Twiml", twiml(message));
        form.put("Timeout", String.valueOf(RING_SECONDS));
        String body = form.entrySet().stream()
                .map(e -> encode(e.getKey()) + "=" + encode(e.getValue())).collect(Collectors.joining("&"));
        URI uri = config.baseUrl().resolve("2010-04-01/Accounts/" + encode(config.accountSid()) + "/Calls.json");
        String credentials = Base64.getEncoder().encodeToString(
                (config.accountSid() + ":" + config.authToken().reveal()).getBytes(StandardCharsets.UTF_8));
        http.post("Twilio", uri, "application/x-www-form-urlencoded", body, Map.of("Authorization", "Basic " + credentials));
    }

    /** What the call does: say the alert (twice, a sleepy person misses the first), gather one key, say goodbye. */
    static String twiml(Message m) {
        String spoken = spoken(m);
        StringBuilder xml = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response>");
        Optional<String> gather = gatherUrl(m);
        if (gather.isPresent()) {
            xml.append("<Gather input=\"dtmf\" numDigits=\"1\" timeout=\"10\" method=\"POST\" action=\"")
                    .append(escape(gather.get())).append("\"><Say loop=\"2\">").append(escape(spoken))
                    .append(" Press 1 to acknowledge.</Say></Gather>")
                    .append("<Say>No key was pressed. The alert is not acknowledged. Goodbye.</Say>");
        } else {
            xml.append("<Say loop=\"2\">").append(escape(spoken)).append("</Say>");
        }
        return xml.append("</Response>").toString();
    }

    private static String spoken(Message m) {
        String facts = m.facts().stream().filter(f -> "Facts".equals(f.name())).map(f -> " " + f.value() + ".")
                .findFirst().orElse("");
        String text = "Sentinel Pager. " + m.title() + "." + facts;
        return text.length() > MAX_SPOKEN ? text.substring(0, MAX_SPOKEN) : text;
    }

    /**
     * The responder's voice webhook with the message's signed Acknowledge token. Messages signs links as
     * {@code <responder url>/act/<token>}; the call reuses that token rather than minting its own, so that one
     * acknowledge link per page exists, whatever the channel.
     */
    static Optional<String> gatherUrl(Message m) {
        return m.actions().stream().filter(a -> a.post() && "Acknowledge".equals(a.label())).findFirst()
                .flatMap(a -> {
                    int at = a.url().lastIndexOf(ActionLinks.PATH);
                    if (at < 0) {
                        return Optional.empty();
                    }
                    String base = a.url().substring(0, at);
                    String token = a.url().substring(at + ActionLinks.PATH.length());
                    return Optional.of(base + VOICE_WEBHOOK_PATH + "?token=" + encode(token));
                });
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;")
                .replace("'", "&apos;");
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
