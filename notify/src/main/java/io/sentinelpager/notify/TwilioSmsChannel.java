package io.sentinelpager.notify;

import io.sentinelpager.platform.config.ConfigKey;
import io.sentinelpager.platform.security.SharedSecrets;
import io.sentinelpager.platform.config.PagerConfig;
import io.sentinelpager.platform.config.Secret;
import io.sentinelpager.schemas.ContactMethodType;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * SMS through Twilio's Messages API: {@code POST /2010-04-01/Accounts/{AccountSid}/Messages.json}, form-encoded
 * {@code To}, {@code From} and {@code Body}, with HTTP basic auth (account SID and auth token). The base URL is a
 * setting so that tests and the demo can point it at the Twilio emulator. The text is the message's short text:
 * one GSM-7 SMS segment, so one page costs one SMS.
 */
public final class TwilioSmsChannel implements Channel {

    /** Settings of the Twilio SMS channel; it is on when an account SID is set. */
    public record Config(URI baseUrl, String accountSid, Secret authToken, String from, Duration timeout) {

        public static final ConfigKey BASE_URL = ConfigKey.of("notify.twilio.url", "https://api.twilio.com",
                "base URL of Twilio's REST API; the emulator's URL in tests and the demo");
        public static final ConfigKey ACCOUNT_SID = ConfigKey.of("notify.twilio.account.sid", null,
                "Twilio account SID (AC...); setting it turns the SMS channel on");
        /** Required with the account SID; shared with the responder, which checks Twilio's signature on replies. */
        public static final ConfigKey AUTH_TOKEN = SharedSecrets.TWILIO_AUTH_TOKEN;
        public static final ConfigKey FROM = ConfigKey.of("notify.twilio.from", null,
                "the Twilio number pages come from, in E.164 (+15551234567); required with the account SID");
        public static final ConfigKey TIMEOUT = ConfigKey.of("notify.twilio.timeout", "5s",
                "how long one Twilio call may take");

        public static Optional<Config> from(PagerConfig config) {
            return config.optional(ACCOUNT_SID).map(sid -> {
                String base = config.string(BASE_URL);
                return new Config(URI.create(base.endsWith("/") ? base : base + "/"), sid,
                        config.secret(AUTH_TOKEN), config.string(FROM), config.duration(TIMEOUT));
            });
        }
    }

    private static final Pattern E164 = Pattern.compile("\\+[1-9][0-9]{6,14}");

    private final Config config;
    private final HttpDelivery http;

    public TwilioSmsChannel(Config config, Clock clock) {
        this.config = config;
        this.http = new HttpDelivery(config.timeout(), clock);
    }

    @Override
    public ContactMethodType type() {
        return ContactMethodType.SMS;
    }

    @Override
    public void send(Message message) throws DeliveryFailure {
        String to = message.address().replaceAll("[\\s()-]", "");
        if (!E164.matcher(to).matches()) {
            throw DeliveryFailure.permanent("SMS address is not an E.164 phone number");
        }
        Map<String, String> form = new LinkedHashMap<>();
        form.put("To", to);
        form.put("From", config.from());
        form.put("Body", message.shortText());
        String body = form.entrySet().stream()
                .map(e -> encode(e.getKey()) + "=" + encode(e.getValue())).collect(Collectors.joining("&"));
        URI uri = config.baseUrl().resolve("2010-04-01/Accounts/" + encode(config.accountSid()) + "/Messages.json");
        String credentials = Base64.getEncoder().encodeToString(
                (config.accountSid() + ":" + config.authToken().reveal()).getBytes(StandardCharsets.UTF_8));
        http.post("Twilio", uri, "application/x-www-form-urlencoded", body, Map.of("Authorization", "Basic " + credentials));
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
