package io.sentinelpager.notify;

import io.sentinelpager.platform.config.ConfigException;
import io.sentinelpager.platform.config.ConfigKey;
import io.sentinelpager.platform.config.PagerConfig;
import io.sentinelpager.platform.config.Secret;
import io.sentinelpager.platform.security.PushEndpoints;
import io.sentinelpager.platform.security.SharedSecrets;
import io.sentinelpager.platform.security.VapidKeys;
import io.sentinelpager.schemas.ContactMethodType;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Settings of the notify service that every channel shares: where links point, how links are signed, how failures
 * are retried and how often one address may be reached. Each channel reads its own provider settings.
 */
public record NotifyConfig(Path inboxDir, String responderUrl, Optional<Secret> linkKey, Duration linkValidity,
                           Retry retry, Map<ContactMethodType, Duration> minIntervals) {

    public static final ConfigKey INBOX_DIR = ConfigKey.of("notify.inbox.dir", "pager-inbox",
            "directory of the inbox channel: one file per person, one line per page");
    public static final ConfigKey RESPONDER_URL = ConfigKey.of("notify.responder.url", "http://localhost:8080",
            "public URL of the responder app; action links and 'open' buttons point there");
    /** Shared with the responder, which verifies the links: one setting for both. */
    public static final ConfigKey LINK_KEY = SharedSecrets.LINKS_KEY;
    public static final ConfigKey LINK_VALIDITY = ConfigKey.of("notify.links.validity", "12h",
            "how long a one-click action link works");
    public static final ConfigKey RETRY_ATTEMPTS = ConfigKey.of("notify.retry.attempts", "5",
            "attempts per contact method on transient failures (timeouts, 5xx, 429) before falling back");
    public static final ConfigKey RETRY_BACKOFF = ConfigKey.of("notify.retry.backoff", "2s",
            "wait before the first retry; doubles with each attempt, with jitter");
    public static final ConfigKey RETRY_BACKOFF_MAX = ConfigKey.of("notify.retry.backoff.max", "2m",
            "longest wait between two attempts, unless the provider's Retry-After asks for longer");
    public static final ConfigKey SMS_MIN_INTERVAL = ConfigKey.of("notify.sms.min.interval", "1m",
            "at most one SMS per this interval to one number; alerts in between go out as one digest; 0s turns it off");
    public static final ConfigKey VOICE_MIN_INTERVAL = ConfigKey.of("notify.voice.min.interval", "1m",
            "at most one call per this interval to one number; 0s turns it off");

    /** Every setting notify reads beyond the platform's: these and each channel's. */
    public static final List<ConfigKey> KEYS = List.of(INBOX_DIR, RESPONDER_URL, LINK_KEY, LINK_VALIDITY,
            RETRY_ATTEMPTS, RETRY_BACKOFF, RETRY_BACKOFF_MAX, SMS_MIN_INTERVAL, VOICE_MIN_INTERVAL,
            EmailChannel.Config.HOST, EmailChannel.Config.PORT, EmailChannel.Config.STARTTLS,
            EmailChannel.Config.USERNAME, EmailChannel.Config.PASSWORD, EmailChannel.Config.FROM,
            EmailChannel.Config.TIMEOUT,
            TwilioSmsChannel.Config.BASE_URL, TwilioSmsChannel.Config.ACCOUNT_SID, TwilioSmsChannel.Config.AUTH_TOKEN,
            TwilioSmsChannel.Config.FROM, TwilioSmsChannel.Config.TIMEOUT,
            NtfyChannel.Config.TOPICS, NtfyChannel.Config.TOKENS, NtfyChannel.Config.TIMEOUT,
            TeamsChannel.Config.WEBHOOKS, TeamsChannel.Config.TIMEOUT,
            WebhookChannel.Config.SIGNING_SECRET, WebhookChannel.Config.URLS, WebhookChannel.Config.TIMEOUT,
            WebPushChannel.Config.SUBJECT, WebPushChannel.Config.TTL, WebPushChannel.Config.TIMEOUT,
            VapidKeys.PUBLIC_KEY, VapidKeys.PRIVATE_KEY,
            PushEndpoints.HOSTS, PushEndpoints.LOCAL_ORIGIN, PushEndpoints.MAX_PER_USER);

    /** How transient failures are retried. */
    public record Retry(int attempts, Duration backoff, Duration maxBackoff) {
    }

    public static NotifyConfig from(PagerConfig config) {
        int attempts = config.integer(RETRY_ATTEMPTS);
        if (attempts < 1) {
            throw new ConfigException("setting " + RETRY_ATTEMPTS.name() + " must be at least 1, was " + attempts);
        }
        Map<ContactMethodType, Duration> intervals = new EnumMap<>(ContactMethodType.class);
        intervals.put(ContactMethodType.SMS, config.duration(SMS_MIN_INTERVAL));
        intervals.put(ContactMethodType.VOICE, config.duration(VOICE_MIN_INTERVAL));
        intervals.values().removeIf(d -> d.isZero() || d.isNegative());
        return new NotifyConfig(config.path(INBOX_DIR), config.string(RESPONDER_URL),
                SharedSecrets.linksKey(config), config.duration(LINK_VALIDITY),
                new Retry(attempts, config.duration(RETRY_BACKOFF), config.duration(RETRY_BACKOFF_MAX)),
                Map.copyOf(intervals));
    }
}
