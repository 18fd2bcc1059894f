package io.sentinelpager.notify;

import io.sentinelpager.platform.security.ActionLinks;
import io.sentinelpager.platform.security.ReplyCodes;
import io.sentinelpager.schemas.ActionType;
import io.sentinelpager.schemas.NotificationRequest;
import io.sentinelpager.schemas.Severity;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Writes what a page says, the same for every channel: severity and title first (a locked phone shows one line),
 * then the key enrichment facts, who else was paged and how to act. It reads only the request, which carries no
 * secret; the one-click links are signed here with the link key and are bound to the one user and alert, and so
 * are the SMS reply codes ({@link ReplyCodes}). Without the link key a message has neither: it says how to open the
 * alert in the app.
 */
final class Messages {

    private final String responderUrl;
    private final Optional<ActionLinks> links;
    private final Optional<ReplyCodes> codes;
    private final Duration linkValidity;

    Messages(String responderUrl, Optional<ActionLinks> links, Duration linkValidity) {
        this.responderUrl = responderUrl.endsWith("/") ? responderUrl.substring(0, responderUrl.length() - 1)
                : responderUrl;
        this.links = links;
        this.codes = links.map(ActionLinks::replyCodes);
        this.linkValidity = linkValidity;
    }

    /** One page about one alert. */
    Message page(NotificationRequest r, String deliveryId, String address) {
        Optional<String> code = codes.map(c -> c.of(r.getAlertKey(), r.getUserId()));
        List<Message.Fact> facts = new ArrayList<>();
        facts.add(new Message.Fact("Severity", word(r.getSeverity())));
        facts.add(new Message.Fact("Alert", r.getTitle()));
        if (r.getSummary() != null && !r.getSummary().isBlank()) {
            facts.add(new Message.Fact("Facts", r.getSummary()));
        }
        if (!r.getAlsoPaged().isEmpty()) {
            facts.add(new Message.Fact("Also paged", String.join(", ", r.getAlsoPaged())));
        }
        code.ifPresent(c -> facts.add(new Message.Fact("SMS reply code", c)));

        List<Message.Action> actions = new ArrayList<>();
        links.ifPresent(l -> {
            actions.add(new Message.Action("Acknowledge",
                    l.url(responderUrl, ActionType.ACKNOWLEDGE, r.getAlertKey(), r.getUserId(), linkValidity), true));
            actions.add(new Message.Action("Take ownership",
                    l.url(responderUrl, ActionType.TAKE_OWNERSHIP, r.getAlertKey(), r.getUserId(), linkValidity), true));
        });
        actions.add(new Message.Action("Open", alertUrl(r.getAlertKey()), false));

        String title = word(r.getSeverity()) + ": " + r.getTitle();
        StringBuilder text = new StringBuilder(title).append('\n');
        for (Message.Fact fact : facts.subList(2, facts.size())) {
            text.append(fact.name()).append(": ").append(fact.value()).append('\n');
        }
        for (Message.Action action : actions) {
            text.append(action.label()).append(": ").append(action.url()).append('\n');
        }
        return new Message(deliveryId, r.getRequestedAt(), r.getUserId(), address, r.getAlertKey(), r.getSeverity(),
                r.getUrgency(), title, text.toString().strip(), sms(r, code), List.copyOf(facts), List.copyOf(actions), 1,
                List.of(deliveryId));
    }

    /**
     * Several alerts for one address held by its rate limit: one message that counts and lists them. Its id is the
     * first page's delivery id with the count of the others ({@code <id>+2}); a single page is sent as such.
     */
    Message digest(List<NotificationRequest> requests, List<String> deliveryIds, String address) {
        if (requests.size() == 1) {
            return page(requests.get(0), deliveryIds.get(0), address);
        }
        String deliveryId = deliveryIds.get(0) + "+" + (deliveryIds.size() - 1);
        List<NotificationRequest> worstFirst = requests.stream()
                .sorted(Comparator.comparing((NotificationRequest r) -> r.getSeverity().ordinal()).reversed()).toList();
        NotificationRequest first = worstFirst.get(0);
        String title = requests.size() + " new alerts, worst " + word(first.getSeverity());
        StringBuilder text = new StringBuilder(title).append('\n');
        StringBuilder sms = new StringBuilder(Gsm7.of(title + ":"));
        List<Message.Fact> facts = new ArrayList<>();
        for (NotificationRequest r : worstFirst) {
            Optional<String> code = codes.map(c -> c.of(r.getAlertKey(), r.getUserId()));
            String named = r.getTitle() + code.map(c -> " (code " + c + ")").orElse("");
            facts.add(new Message.Fact(word(r.getSeverity()), named));
            text.append("- ").append(word(r.getSeverity())).append(": ").append(named).append('\n');
            sms.append(' ').append(Gsm7.of(r.getTitle())).append(code.map(c -> " #" + c).orElse("")).append(';');
        }
        String open = responderUrl + "/alerts";
        text.append("Open: ").append(open);
        String suffix = codes.isPresent() ? " Reply ack CODE" : " Open the app to act";
        String shortText = Gsm7.truncate(sms.substring(0, sms.length() - 1), Gsm7.SINGLE_SMS - suffix.length()) + suffix;
        return new Message(deliveryId, first.getRequestedAt(), first.getUserId(), address, first.getAlertKey(),
                first.getSeverity(), first.getUrgency(), title, text.toString(), shortText, List.copyOf(facts),
                List.of(new Message.Action("Open", open, false)), requests.size(), List.copyOf(deliveryIds));
    }

    /**
     * At most 160 GSM-7 characters, cut in this order of importance: how to act and the severity always stay; the
     * title is cut last, then the facts, then who else was paged.
     */
    static String sms(NotificationRequest r, Optional<String> code) {
        String head = Gsm7.of(word(r.getSeverity()) + ": ");
        String tail = Gsm7.of(code.map(c -> " Reply ack " + c).orElse(" Open the app to act"));
        int budget = Gsm7.SINGLE_SMS - Gsm7.length(head) - Gsm7.length(tail);
        String title = Gsm7.truncate(Gsm7.of(r.getTitle().strip()), budget);
        budget -= Gsm7.length(title);
        StringBuilder out = new StringBuilder(head).append(title);
        if (r.getSummary() != null && !r.getSummary().isBlank() && budget > 12) {
            String summary = Gsm7.truncate(Gsm7.of(" - " + r.getSummary().strip().replaceAll("\\s+", " ")), budget);
            out.append(summary);
            budget -= Gsm7.length(summary);
        }
        if (!r.getAlsoPaged().isEmpty()) {
            String others = Gsm7.of(" Also: " + String.join(",", r.getAlsoPaged()));
            if (Gsm7.length(others) <= budget) {
                out.append(others);
            }
        }
        return out.append(tail).toString();
    }

    private String alertUrl(String alertKey) {
        return responderUrl + "/alerts/" + URLEncoder.encode(alertKey, StandardCharsets.UTF_8);
    }

    private static String word(Severity severity) {
        return severity.name();
    }
}
