package io.sentinelpager.responder;

import io.javalin.http.Context;
import io.sentinelpager.platform.config.Secret;
import io.sentinelpager.platform.security.ActionLinks;
import io.sentinelpager.schemas.ActionType;
import io.sentinelpager.schemas.AlertAction;
import io.sentinelpager.schemas.AlertLifecycle;
import io.sentinelpager.schemas.SecurityAlert;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One-click action links from a message ({@code /act/<token>}): the link is the credential, signed by notify for one
 * user, one alert and one action, until it expires, once. Opening it (GET) only shows what it will do and a button:
 * mail scanners and link previews follow links, and must not acknowledge a page. The button (POST; ntfy's action
 * buttons POST directly) spends the link and takes the action, if the user is still in the alert's team.
 */
final class LinkActions {

    private static final Logger AUDIT = LoggerFactory.getLogger("io.sentinelpager.responder.audit");
    private static final Map<ActionType, String> VERBS = Map.of(ActionType.ACKNOWLEDGE, "Acknowledge",
            ActionType.TAKE_OWNERSHIP, "Take ownership", ActionType.CLOSE, "Close", ActionType.REOPEN, "Reopen");

    private final ActionLinks links;
    private final UsedLinks used;
    private final Function<String, AlertLifecycle> alerts;
    private final Supplier<People> people;
    private final ActionPublisher actions;
    private final Clock clock;

    LinkActions(ActionLinks links, UsedLinks used, Function<String, AlertLifecycle> alerts, Supplier<People> people,
                ActionPublisher actions, Clock clock) {
        this.links = links;
        this.used = used;
        this.alerts = alerts;
        this.people = people;
        this.actions = actions;
        this.clock = clock;
    }

    void confirm(Context ctx) {
        ActionLinks.Claims claims = claims(ctx);
        if (claims == null) {
            return;
        }
        AlertLifecycle state = allowed(ctx, claims);
        if (state == null) {
            return;
        }
        SecurityAlert alert = state.getAlert().getEnriched().getAlert();
        String verb = VERBS.getOrDefault(claims.action(), claims.action().name());
        ctx.html(Pages.page(verb + " this alert?", "<p><span class=\"sev " + alert.getSeverity().name().toLowerCase()
                + "\">" + alert.getSeverity().name() + "</span> " + Pages.escape(alert.getTitle()) + "</p><p class=\"meta\">As "
                + Pages.escape(people.get().name(claims.userId()).orElse(claims.userId())) + ". The page is "
                + state.getStatus().name().toLowerCase() + ". This link works once, until " + claims.expiresAt()
                + ".</p><form method=\"post\"><button type=\"submit\" class=\"primary big\">" + verb
                + "</button></form><p><a href=\"/#/alert/" + URLEncoder.encode(state.getAlertKey(), StandardCharsets.UTF_8)
                + "\">Open it in the app</a></p>"));
    }

    void act(Context ctx) throws Exception {
        ActionLinks.Claims claims = claims(ctx);
        if (claims == null || allowed(ctx, claims) == null) {
            return;
        }
        if (!used.spend(claims, clock.instant())) {
            AUDIT.warn("{} reused a {} link for alert {}", claims.userId(), claims.action(), claims.alertKey());
            refuse(ctx, 410, "This link was already used", "Each link works once. Open the app to act again.");
            return;
        }
        actions.publish(AlertAction.newBuilder().setActionId("link:" + claims.nonce()).setAlertKey(claims.alertKey())
                .setType(claims.action()).setActor(claims.userId()).setChannel("link").setOccurredAt(clock.instant())
                .build());
        AUDIT.info("{} {} alert {} via link", claims.userId(), claims.action(), claims.alertKey());
        String verb = VERBS.getOrDefault(claims.action(), claims.action().name());
        ctx.html(Pages.page("Done: " + verb.toLowerCase(), "<p>The pager has it; Azure will know within moments.</p>"
                + "<p><a href=\"/#/alert/" + URLEncoder.encode(claims.alertKey(), StandardCharsets.UTF_8)
                + "\">Open it in the app</a></p>"));
    }

    /**
     * Twilio's callback when the person pressed a key during a voice page ({@code /webhooks/twilio/voice?token=…}):
     * 1 acknowledges, as the call's link would. Twilio's signature covers the URL with the token and the form; the
     * answer is TwiML that the call speaks.
     */
    void voice(Context ctx, Secret twilioAuthToken, String publicUrl) throws Exception {
        Optional<Map<String, String>> signed = TwilioWebhooks.verifiedForm(ctx, twilioAuthToken, publicUrl, "voice");
        if (signed.isEmpty()) {
            return;
        }
        Map<String, String> form = signed.get();
        if (!"1".equals(form.get("Digits"))) {
            say(ctx, "Not acknowledged. Goodbye.");
            return;
        }
        ActionLinks.Claims claims;
        try {
            claims = check(ctx.queryParam("token"));
        } catch (ActionLinks.InvalidLinkException e) {
            say(ctx, "This call can no longer acknowledge the alert. Use the app. Goodbye.");
            return;
        }
        AlertLifecycle state = alerts.apply(claims.alertKey());
        if (state == null || !people.get().isMember(claims.userId(), state.getAlert().getTeamId())) {
            say(ctx, "You cannot acknowledge this alert. Use the app. Goodbye.");
            return;
        }
        if (!used.spend(claims, clock.instant())) {
            say(ctx, "This call already acknowledged the alert. Goodbye.");
            return;
        }
        actions.publish(AlertAction.newBuilder().setActionId("voice:" + claims.nonce()).setAlertKey(claims.alertKey())
                .setType(claims.action()).setActor(claims.userId()).setChannel("voice").setOccurredAt(clock.instant())
                .build());
        AUDIT.info("{} {} alert {} via voice", claims.userId(), claims.action(), claims.alertKey());
        say(ctx, "Acknowledged. Goodbye.");
    }

    private static void say(Context ctx, String text) {
        ctx.contentType("text/xml").result("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response><Say>"
                + Pages.escape(text) + "</Say></Response>");
    }

    /** The link's claims; a token longer than any link signs is refused before its signature is computed. */
    private ActionLinks.Claims check(String token) throws ActionLinks.InvalidLinkException {
        Optional<String> tooLong = InputLimits.overChars("link", token, InputLimits.LINK_TOKEN_CHARS);
        if (tooLong.isPresent()) {
            throw new ActionLinks.InvalidLinkException(tooLong.get());
        }
        return links.check(token);
    }

    private ActionLinks.Claims claims(Context ctx) {
        try {
            return check(ctx.pathParam("token"));
        } catch (ActionLinks.InvalidLinkException e) {
            boolean expired = e.getMessage().startsWith("link expired");
            refuse(ctx, expired ? 410 : 400, expired ? "This link has expired" : "This link is not valid",
                    e.getMessage() + ". Open the app to act on the alert.");
            return null;
        }
    }

    /** The alert, if it exists and the link's user may act on it; otherwise a refusal page and null. */
    private AlertLifecycle allowed(Context ctx, ActionLinks.Claims claims) {
        AlertLifecycle state = alerts.apply(claims.alertKey());
        if (state == null) {
            refuse(ctx, 404, "No such alert", "The alert of this link is not known (any more).");
            return null;
        }
        if (!people.get().isMember(claims.userId(), state.getAlert().getTeamId())) {
            AUDIT.warn("link of {} refused for alert {} of team {}", claims.userId(), claims.alertKey(),
                    state.getAlert().getTeamId());
            // The team is not named: whoever holds a forwarded or leaked link learns nothing about who owns the alert.
            refuse(ctx, 403, "Not your team's alert", "Only members of the team of this alert may act on it; the"
                    + " person this link was sent to is not (any more).");
            return null;
        }
        return state;
    }

    private static void refuse(Context ctx, int status, String title, String why) {
        ctx.status(status).html(Pages.page(title, "<p>" + Pages.escape(why) + "</p><p><a href=\"/\">Open the app</a></p>"));
    }
}
