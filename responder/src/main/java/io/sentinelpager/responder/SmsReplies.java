package io.sentinelpager.responder;

import io.javalin.http.Context;
import io.sentinelpager.platform.config.Secret;
import io.sentinelpager.platform.security.ReplyCodes;
import io.sentinelpager.schemas.ActionType;
import io.sentinelpager.schemas.AlertAction;
import io.sentinelpager.schemas.AlertLifecycle;
import io.sentinelpager.schemas.ContactMethodType;
import io.sentinelpager.schemas.LifecycleStatus;
import io.sentinelpager.schemas.RecordLimits;
import io.sentinelpager.schemas.UserConfig;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
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
 * SMS replies through Twilio's incoming-message webhook: {@code ack 4821}, {@code own 4821}.
 * Twilio's signature over the URL and the form proves the request came from Twilio; the sender's number, which must
 * be an SMS contact method of a user, names the person; the code is that person's {@link ReplyCodes} code of one of
 * their team's open alerts. A sender number can be forged, so an SMS may not close an alert (a {@code close} reply is
 * told to use the app) and wrong codes are throttled per number ({@link WrongReplyCodes}). Every outcome is answered
 * by SMS (TwiML), so the person knows whether it worked.
 */
final class SmsReplies {

    static final String PATH = "/webhooks/twilio/sms";
    private static final Logger AUDIT = LoggerFactory.getLogger("io.sentinelpager.responder.audit");
    private static final Pattern COMMAND = Pattern.compile("\\s*(ack|own|close)\\s+(\\d{4})\\s*", Pattern.CASE_INSENSITIVE);
    private static final String ACTION_ID_PREFIX = "sms:";
    private static final Map<String, ActionType> ACTIONS = Map.of("ack", ActionType.ACKNOWLEDGE,
            "own", ActionType.TAKE_OWNERSHIP);
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm 'UTC'").withZone(ZoneOffset.UTC);

    private final Secret authToken;
    private final String publicUrl;
    private final Optional<ReplyCodes> codes;
    private final WrongReplyCodes wrongCodes;
    private final Supplier<List<AlertLifecycle>> openAlerts;
    private final Supplier<List<UserConfig>> users;
    private final Supplier<People> people;
    private final ActionPublisher actions;
    private final Clock clock;

    /** @param codes present when links.key is set; without it messages carry no codes and SMS replies are off */
    SmsReplies(Secret authToken, String publicUrl, Optional<ReplyCodes> codes, WrongReplyCodes wrongCodes,
               Supplier<List<AlertLifecycle>> openAlerts, Supplier<List<UserConfig>> users, Supplier<People> people,
               ActionPublisher actions, Clock clock) {
        this.authToken = authToken;
        this.publicUrl = publicUrl;
        this.codes = codes;
        this.wrongCodes = wrongCodes;
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
        String userId = user.get().getId();
        if (codes.isEmpty()) {
            reply(ctx, "Replies by SMS are off here; use the app: " + publicUrl);
            return;
        }
        Matcher command = COMMAND.matcher(form.getOrDefault("Body", ""));
        if (!command.matches()) {
            reply(ctx, "Reply ack or own and the alert's code, e.g. ack 4821.");
            return;
        }
        String verb = command.group(1).toLowerCase(Locale.ROOT);
        if (!ACTIONS.containsKey(verb)) {
            AUDIT.warn("SMS reply by {} to {} refused: SMS cannot close", userId, verb);
            reply(ctx, "An SMS cannot close an alert: close it in the app, with the reason: " + publicUrl);
            return;
        }
        Optional<Instant> blocked = wrongCodes.blockedUntil(from);
        if (blocked.isPresent()) {
            AUDIT.warn("SMS reply by {} refused: too many wrong codes from the number", userId);
            reply(ctx, "Too many wrong codes from this number; SMS replies from it work again at "
                    + TIME.format(blocked.get()) + ". Use the app: " + publicUrl);
            return;
        }
        String code = command.group(2);
        ReplyCodes replyCodes = codes.get();
        People directory = people.get();
        List<AlertLifecycle> matching = openAlerts.get().stream()
                .filter(a -> a.getStatus() != LifecycleStatus.CLOSED
                        && directory.isMember(userId, a.getAlert().getTeamId())
                        && replyCodes.of(a.getAlertKey(), userId).equals(code)).toList();
        if (matching.isEmpty()) {
            wrongCodes.failed(from);
            AUDIT.warn("SMS reply by {} with a code that names none of their open alerts", userId);
            reply(ctx, "No open alert " + code + " for you.");
            return;
        }
        if (matching.size() > 1) {
            reply(ctx, "Several of your alerts have code " + code + "; use the app.");
            return;
        }
        AlertLifecycle alert = matching.get(0);
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
