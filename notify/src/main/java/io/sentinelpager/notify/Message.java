package io.sentinelpager.notify;

import io.sentinelpager.schemas.Severity;
import io.sentinelpager.schemas.Urgency;
import java.time.Instant;
import java.util.List;

/**
 * What a channel sends, already written: each channel picks the parts its medium can show. Nothing here is secret;
 * the signed action links are bearer links for one user and one alert, which is why they expire and work once.
 *
 * @param id        the delivery id, stable across retries, for providers and receivers that deduplicate
 * @param title     one line: severity and alert title, or the digest's count
 * @param text      the full plain text: facts, who else was paged, how to act
 * @param shortText at most 160 GSM-7 characters, for SMS
 * @param facts     name/value pairs for channels that lay them out (e-mail, Teams)
 * @param actions   buttons or links: the signed one-click actions and the link to open the alert
 * @param alerts    how many alerts this message covers (more than one for a digest)
 * @param deliveryIds the delivery id of each page the message carries: {@code id} itself, or each of a digest's, for
 *                  a channel that records them so as to tell after a crash whether it sent them (the inbox)
 */
public record Message(String id, Instant requestedAt, String userId, String address, String alertKey, Severity severity, Urgency urgency,
                      String title, String text, String shortText, List<Fact> facts, List<Action> actions,
                      int alerts, List<String> deliveryIds) {

    public record Fact(String name, String value) {
    }

    /**
     * @param post true when the URL performs the action on POST (a signed link), false when it only opens a page
     */
    public record Action(String label, String url, boolean post) {
    }
}
