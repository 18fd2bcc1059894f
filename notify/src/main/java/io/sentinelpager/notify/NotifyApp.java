package io.sentinelpager.notify;

import io.sentinelpager.platform.service.Service;
import io.sentinelpager.platform.service.ServiceContext;
import io.sentinelpager.platform.service.StreamsService;
import io.sentinelpager.schemas.ContactMethodType;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wiring of the notify service: notifications.out to people, receipts to notifications.receipts. The inbox is
 * always on; every other channel is on when its provider is configured, and a contact method without a channel
 * falls back to the user's next one.
 */
public final class NotifyApp {

    public static final String NAME = "notify";

    private static final Logger log = LoggerFactory.getLogger(NotifyApp.class);

    private NotifyApp() {
    }

    public static Service create(ServiceContext context) {
        return create(context, UnaryOperator.identity());
    }

    /**
     * notify with each channel passed through {@code around} first: the fault point of tests that must stop the
     * process at an exact point of a real send (killed right after an inbox line is written, or right before),
     * rather than at whatever point a timer happens to hit.
     */
    public static Service create(ServiceContext context, UnaryOperator<Channel> around) {
        NotifyConfig config = NotifyConfig.from(context.config());
        Map<ContactMethodType, Channel> real = channels(context, config);
        Map<ContactMethodType, Channel> channels = new EnumMap<>(ContactMethodType.class);
        real.forEach((type, channel) -> channels.put(type, around.apply(channel)));
        // The names of the named channels (Teams, ntfy, webhook), so that an operator sees which ones notify knows;
        // their URLs and tokens are never logged.
        log.info("notify channels: {}", channels.values().stream().sorted(Comparator.comparing(Channel::type))
                .map(Channel::describe).collect(Collectors.joining(", ")));
        KafkaSendLog sendLog = new KafkaSendLog(context);
        List<AutoCloseable> resources = new ArrayList<>(real.values().stream().filter(AutoCloseable.class::isInstance)
                .map(AutoCloseable.class::cast).toList());
        resources.add(sendLog);
        return new StreamsService(NAME, NotifyTopology.build(context.serdes(), Map.copyOf(channels), sendLog, config,
                context.clock(), context.metrics()), context, resources.toArray(AutoCloseable[]::new));
    }

    static Map<ContactMethodType, Channel> channels(ServiceContext context, NotifyConfig config) {
        Clock clock = context.clock();
        List<Channel> on = new ArrayList<>();
        on.add(new InboxChannel(config.inboxDir()));
        EmailChannel.Config.from(context.config()).map(EmailChannel::new).ifPresent(on::add);
        TwilioSmsChannel.Config.from(context.config()).map(c -> new TwilioSmsChannel(c, clock)).ifPresent(on::add);
        // Calls use the SMS channel's Twilio account: a user with a voice contact method is called when Twilio is set.
        TwilioSmsChannel.Config.from(context.config()).map(c -> new TwilioVoiceChannel(c, clock)).ifPresent(on::add);
        NtfyChannel.Config.from(context.config()).map(c -> new NtfyChannel(c, clock)).ifPresent(on::add);
        TeamsChannel.Config.from(context.config()).map(c -> new TeamsChannel(c, clock)).ifPresent(on::add);
        WebhookChannel.Config.from(context.config()).map(c -> new WebhookChannel(c, clock)).ifPresent(on::add);
        WebPushChannel.Config.from(context.config())
                .map(c -> new WebPushChannel(c, new PushSubscriptions(context), clock)).ifPresent(on::add);
        Map<ContactMethodType, Channel> channels = new EnumMap<>(ContactMethodType.class);
        on.forEach(c -> channels.put(c.type(), c));
        return Map.copyOf(channels);
    }
}
