package io.sentinelpager.responder;

import io.javalin.http.Context;
import io.sentinelpager.platform.config.Secret;
import io.sentinelpager.platform.security.ShortCodes;
import io.sentinelpager.schemas.ActionType;
import io.sentinelpager.schemas.AlertAction;
import io.sentinelpager.schemas.AlertLifecycle;
import io.sentinelpager.schemas.ContactMethodType;
import io.sentinelpager.schemas.LifecycleStatus;
import io.sentinelpager.schemas.RecordLimits;
import io.sentinelpager.schemas.UserConfig;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SMS replies through Twilio's incoming-message webhook: {@code ack 4821}, {@code own 4821}, {@code close 4821}.
 * Twilio's signature over the URL and the form proves the request came from Twilio; the sender's number, which must
 * be an SMS contact method of a user, names the person; the code is {@link ShortCodes} of one of that person's
 * team's open alerts. Every outcome is answered by SMS (TwiML), so the person knows whether it worked.
 */
final class SmsReplies {

    static final String PATH = "/webhooks/twilio/sms";
    private static final Logger AUDIT = LoggerFactory.getLogger("io.sentinelpager.responder.audit");
    private static final Pattern COMMAND = Pattern.compile("\\s*(ack|own|close)\\s+(\\d{4})\\s*", Pattern.CASE_INSENSITIVE);
    private static final String ACTION_ID_PREFIX = "sms:";
    private static final Map<String, ActionType> ACTIONS = Map.of("ack", ActionType.ACKNOWLEDGE,
            "own", ActionType.TAKE_OWNERSHIP, "close", ActionType.CLOSE);

    private final Secret authToken;
    private final String publicUrl;
    private final Supplier<List<AlertLifecycle>> openAlerts;
    private final Supplier<List<UserConfig>> users;
    private final Supplier<People> people;
    private final ActionPublisher actions;
    private final Clock clock;

    SmsReplies(Secret authToken, String publicUrl, Supplier<List<AlertLifecycle>> openAlerts,
               Supplier<List<UserConfig>> users, Supplier<People> people, ActionPublisher actions, Clock clock) {
        this.authToken = authToken;
        this.publicUrl = publicUrl;
        this.openAlerts = openAlerts;
        this.users = users;
        this.people = people;
        this.actions = actions;
        this.clock = clock;
    }

    void receive(Context ctx) throws Exception {
        Optional<Map<String, String>> signed = TwilioWebhooks.verifiedForm(ctx, authToken, publicUrl, "SMS");
        if (signed.isEmpty()) {
            return;
        }
        Map<String, String> form = signed.get();
        // Twilio never sends more, so a larger reply is refused, in an SMS that says why (Twilio needs a 200 and
        // TwiML to send it). The message id becomes the action's id, which must fit an id.
        Optional<String> tooLarge = InputLimits.overChars("Your reply", form.get("Body"), InputLimits.SMS_BODY_CHARS)
                .or(() -> RecordLimits.over("MessageSid", form.get("MessageSid"),
                        RecordLimits.ID_BYTES - ACTION_ID_PREFIX.length()));
        if (tooLarge.isPresent()) {
            AUDIT.warn("SMS reply refused: {}", tooLarge.get());
            reply(ctx, tooLarge.get() + ".");
            return;
        }
        String from = normalize(form.getOrDefault("From", ""));
        Optional<UserConfig> user = users.get().stream().filter(u -> u.getContactMethods().stream()
                .anyMatch(m -> m.getType() == ContactMethodType.SMS && normalize(m.getAddress()).equals(from))).findFirst();
        if (user.isEmpty()) {
            AUDIT.warn("SMS reply from a number no user has");
            reply(ctx, "This number is not set up for Sentinel Pager.");
            return;
        }
        Matcher command = COMMAND.matcher(form.getOrDefault("Body", ""));
        if (!command.matches()) {
            reply(ctx, "Reply ack, own or close and the alert's code, e.g. ack 4821.");
            return;
        }
        String userId = user.get().getId();
        String code = command.group(2);
        People directory = people.get();
        List<AlertLifecycle> matching = openAlerts.get().stream()
                .filter(a -> a.getStatus() != LifecycleStatus.CLOSED
                        && directory.isMember(userId, a.getAlert().getTeamId())
                        && ShortCodes.of(a.getAlertKey()).equals(code)).toList();
        if (matching.size() != 1) {
            reply(ctx, matching.isEmpty() ? "No open alert " + code + " for you." : "Several of your alerts have code "
                    + code + "; use the app.");
            return;
        }
        AlertLifecycle alert = matching.get(0);
        String verb = command.group(1).toLowerCase(Locale.ROOT);
        actions.publish(AlertAction.newBuilder().setActionId(ACTION_ID_PREFIX + form.getOrDefault("MessageSid", code + clock.millis()))
                .setAlertKey(alert.getAlertKey()).setType(ACTIONS.get(verb)).setActor(userId).setChannel("sms")
                .setOccurredAt(clock.instant()).build());
        AUDIT.info("{} {} alert {} via sms", userId, verb, alert.getAlertKey());
        String title = alert.getAlert().getEnriched().getAlert().getTitle();
        reply(ctx, "OK, " + verb + " " + code + ": " + (title.length() > 100 ? title.substring(0, 100) + "…" : title));
    }

    private static String normalize(String number) {
        return number.replaceAll("[^+\\d]", "");
    }

    private static void reply(Context ctx, String text) {
        ctx.contentType("text/xml").result("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response><Message>"
                + Pages.escape(text) + "</Message></Response>");
    }
}
