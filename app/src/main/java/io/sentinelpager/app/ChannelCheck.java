package io.sentinelpager.app;

import io.sentinelpager.notify.EmailChannel;
import io.sentinelpager.notify.NtfyChannel;
import io.sentinelpager.notify.TeamsChannel;
import io.sentinelpager.notify.TwilioSmsChannel;
import io.sentinelpager.notify.WebPushChannel;
import io.sentinelpager.notify.WebhookChannel;
import io.sentinelpager.oncall.config.ConfigSet;
import io.sentinelpager.platform.config.PagerConfig;
import io.sentinelpager.platform.security.VapidKeys;
import io.sentinelpager.schemas.ContactMethod;
import io.sentinelpager.schemas.UserConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The contact methods of the on-call configuration that notify, with these settings, cannot send to: a page to one
 * of them fails and falls back to the person's next method (or to the next escalation step), and notify logs the
 * failure at every page. Said before it is published, as a warning: the settings are the deployment's, and another
 * notify instance may have what this file lacks.
 */
final class ChannelCheck {

    private ChannelCheck() {
    }

    static List<String> warnings(ConfigSet config, PagerConfig settings) {
        Optional<String> email = EmailChannel.Config.from(settings).isPresent() ? Optional.empty()
                : Optional.of("no e-mail channel is configured (set " + EmailChannel.Config.HOST.name() + ")");
        Optional<String> twilio = TwilioSmsChannel.Config.from(settings).isPresent() ? Optional.empty()
                : Optional.of("no Twilio account is configured (set " + TwilioSmsChannel.Config.ACCOUNT_SID.name()
                        + ", " + TwilioSmsChannel.Config.AUTH_TOKEN.name() + " and " + TwilioSmsChannel.Config.FROM.name() + ")");
        Optional<String> push = WebPushChannel.Config.from(settings).isPresent() ? Optional.empty()
                : Optional.of("Web Push is not configured (pager vapid makes " + VapidKeys.PUBLIC_KEY.name()
                        + " and its private key)");
        Set<String> teams = TeamsChannel.Config.from(settings).map(c -> c.workflows().names()).orElse(Set.of());
        Set<String> ntfy = NtfyChannel.Config.from(settings).map(c -> c.topics().names()).orElse(Set.of());
        Set<String> webhooks = WebhookChannel.Config.from(settings).map(c -> c.urls().names()).orElse(Set.of());

        List<String> out = new ArrayList<>();
        for (UserConfig user : config.users()) {
            for (ContactMethod method : user.getContactMethods()) {
                String name = method.getAddress().toLowerCase(Locale.ROOT);
                Optional<String> why = switch (method.getType()) {
                    case EMAIL -> email;
                    case SMS, VOICE -> twilio;
                    case PUSH -> push;
                    case TEAMS -> named(teams, name, TeamsChannel.Config.URL_PREFIX);
                    case NTFY -> named(ntfy, name, NtfyChannel.Config.URL_PREFIX);
                    case WEBHOOK -> webhooks.contains(name) ? Optional.empty() : Optional.of("no webhook named '" + name
                            + "' is configured (set " + WebhookChannel.Config.URL_PREFIX + "." + name + " and "
                            + WebhookChannel.Config.SIGNING_SECRET.name() + ")");
                    default -> Optional.empty();
                };
                why.ifPresent(reason -> out.add("user " + user.getId() + ": contact method "
                        + method.getType().name().toLowerCase(Locale.ROOT) + " (" + method.getAddress() + "): " + reason
                        + "; a page to it fails and goes to the next method"));
            }
        }
        return out;
    }

    private static Optional<String> named(Set<String> names, String name, String prefix) {
        return names.contains(name) ? Optional.empty()
                : Optional.of("no URL is configured for '" + name + "' (set " + prefix + "." + name + ")");
    }
}
