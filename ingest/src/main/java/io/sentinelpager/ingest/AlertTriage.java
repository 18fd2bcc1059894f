package io.sentinelpager.ingest;

import io.sentinelpager.azure.RollupSummary;
import io.sentinelpager.schemas.ActionType;
import io.sentinelpager.schemas.AlertAction;
import io.sentinelpager.schemas.IngestSeen;
import io.sentinelpager.schemas.RecordLimits;
import io.sentinelpager.schemas.SecurityAlert;
import io.sentinelpager.schemas.SourceStatus;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * Decides what one alert read from Azure means, from what ingest saw of it before and what syncback wrote to it:
 * a new alert to page, a change made in Azure to tell escalate, the echo of our own write, or nothing new. An alert
 * ingest no longer remembers is new only if it cannot have been forgotten ({@link SeenRetention}). Apart from that,
 * the comments an analyst added in Azure since the last read become actions for escalate, and our own are left out.
 * A pure function, so every rule is tested without a broker or an emulator.
 */
final class AlertTriage {

    /** The decision for one alert. {@code seen} is what to remember (null when nothing changes). */
    sealed interface Outcome {
        IngestSeen seen();

        /** The comments analysts added in Azure since ingest last read the alert, oldest first, for escalate. */
        default List<AlertAction> comments() {
            return List.of();
        }
    }

    /** Never seen and in scope: page it. */
    record New(SecurityAlert alert, IngestSeen seen) implements Outcome {
    }

    /** Changed in Azure by someone else: tell escalate. */
    record Changed(AlertAction action, IngestSeen seen, List<AlertAction> comments) implements Outcome {
    }

    /** Changed, but only as our own write-back made it: remember it, publish no change (an analyst's comment, yes). */
    record Echo(String commandId, IngestSeen seen, List<AlertAction> comments) implements Outcome {
    }

    /** Updated (a comment, new evidence) without a change of status, owner or classification. */
    record Touched(IngestSeen seen, List<AlertAction> comments) implements Outcome {
    }

    /**
     * This version was already handled (re-read in the overlap of two polls, or after a crash). {@code seen} is the
     * record written again when it is due for a refresh, so that an alert still being read is not forgotten; else
     * null.
     */
    record Duplicate(IngestSeen seen) implements Outcome {
    }

    /** New but outside the connector's filters. */
    record OutOfScope(String reason) implements Outcome {
        @Override
        public IngestSeen seen() {
            return null;
        }
    }

    /**
     * Cannot be made a record: dead-letter it with the reason. Remembered under a fingerprint of its JSON, so the
     * overlap of the next poll does not dead-letter it again.
     */
    record Unusable(String alertId, String reason, Exception error, IngestSeen seen) implements Outcome {
    }

    /** The channel of actions that come from Azure, as escalate's timeline shows it. */
    static final String CHANNEL = "azure";

    private final String connectorId;
    private final AlertScope scope;
    private final SeenRetention retention;

    AlertTriage(String connectorId, AlertScope scope, SeenRetention retention) {
        this.connectorId = connectorId;
        this.scope = scope;
        this.retention = retention;
    }

    /**
     * @param remembered what ingest saw before, by the key alert key or {@link #fingerprint} gives; nothing older
     *                   than the retention
     * @param firstPoll  the connector has no watermark yet, so ingest cannot have forgotten any of its alerts
     */
    Outcome triage(SourceItem source, Function<String, IngestSeen> remembered, OurWrites ours, Instant now,
                   boolean firstPoll) {
        SecurityAlert alert;
        try {
            alert = source.normalize(now);
        } catch (AlertNormalizer.UnusableAlertException e) {
            String fingerprint = fingerprint(connectorId, source);
            IngestSeen known = remembered.apply(fingerprint);
            if (known != null) {
                return duplicate(known, now);
            }
            Instant updated = source.lastUpdated() == null ? now : source.lastUpdated();
            return new Unusable(source.id(), e.getMessage(), e, IngestSeen.newBuilder()
                    .setAlertKey(fingerprint).setConnectorId(connectorId).setLastUpdatedAt(updated)
                    .setStatus(SourceStatus.UNKNOWN).setSeenAt(now).build());
        }
        IngestSeen before = remembered.apply(alert.getAlertKey());
        IncidentComments.Read incident = source.commentIncident() == null ? null
                : IncidentComments.read(before, source.comments(), alert.getLastUpdatedAt());
        IngestSeen seen = seen(alert, source, before, now, incident);
        if (before == null) {
            if (!firstPoll && alert.getCreatedAt().isBefore(retention.mayBeForgottenIfCreatedBefore(now))) {
                // Perhaps paged long ago and forgotten since (see SeenRetention): a change, never a second page. Not
                // held to the connector's scope: the page, if there is one, was let through by it, perhaps by an
                // older one, and escalate ignores a change of an alert it has no page for.
                return new Changed(actionAfterSilence(alert), seen, List.of());
            }
            Optional<String> rejected = scope.rejects(alert);
            return rejected.<Outcome>map(OutOfScope::new).orElseGet(() -> new New(alert, seen));
        }
        if (!alert.getLastUpdatedAt().isAfter(before.getLastUpdatedAt())) {
            return duplicate(before, now);
        }
        List<AlertAction> comments = incident == null ? analystComments(source.comments(), before, alert, ours, seen)
                : incidentComments(incident.fresh(), source.commentIncident(), alert, ours);
        if (!fieldsChanged(before, alert)) {
            return new Touched(seen, comments);
        }
        Optional<String> ours0 = ours.explain(before, alert);
        if (ours0.isPresent()) {
            seen.setEchoedCommandId(ours0.get());
            return new Echo(ours0.get(), seen, comments);
        }
        return new Changed(action(before, alert), seen, comments);
    }

    /**
     * The comments added since ingest last read the alert, as actions, except our own write-back; {@code seen} is
     * updated with what they echoed. Graph only ever appends comments, so those past the count read are the new ones.
     * Comments an alert has when ingest first reads it are not imported: they would reach escalate before the page
     * does, and an upgrade from a version that did not read comments would import every old one.
     */
    private List<AlertAction> analystComments(List<SourceComment> all, IngestSeen before, SecurityAlert alert,
                                              OurWrites ours, IngestSeen seen) {
        Integer read = before.getCommentsRead();
        if (read == null || read >= all.size()) {
            return List.of();
        }
        List<AlertAction> actions = new ArrayList<>();
        for (SourceComment comment : all.subList(read, all.size())) {
            if (comment.text() == null || comment.text().isBlank()) {
                continue; // Graph refuses an empty comment; nothing to show if one comes anyway
            }
            Optional<String> ourCommand = ours.wroteComment(alert.getAlertKey(), seen.getEchoedCommentCommandId(),
                    comment.text());
            if (ourCommand.isPresent()) {
                seen.setEchoedCommentCommandId(ourCommand.get());
            } else {
                Instant at = comment.createdAt() == null ? alert.getLastUpdatedAt() : comment.createdAt();
                actions.add(comment(alert, comment, alert.getAlertKey() + "\n" + at + "\n" + author(comment) + "\n"
                        + comment.text()));
            }
        }
        return actions;
    }

    /**
     * The comments of a Sentinel alert's incident that are new to this alert ({@link IncidentComments}), as actions,
     * except our own: a comment syncback wrote for any alert of the incident (it writes each alert's comments to the
     * incident, where all of them meet), and the roll-up summary syncback adds to the incident, which no command
     * carries and which is known by its opening words. Each alert of the incident gets the same comment under the
     * same id, which escalate's notices derive from: a page that groups the incident's alerts tells its owner once.
     */
    private List<AlertAction> incidentComments(List<SourceComment> fresh, String incident, SecurityAlert alert,
                                               OurWrites ours) {
        List<AlertAction> actions = new ArrayList<>();
        for (SourceComment comment : fresh) {
            if (comment.text() == null || comment.text().isBlank()
                    || RollupSummary.isRollupSummary(comment.text())
                    || ours.wroteIncidentComment(connectorId, incident, comment.text()).isPresent()) {
                continue;
            }
            actions.add(comment(alert, comment, connectorId + ":" + incident + "\n" + IncidentComments.name(comment)));
        }
        return actions;
    }

    /**
     * An analyst's comment for escalate, cut to the bounds escalate holds every action to (marked where cut). Its id
     * is a digest of what identifies the comment at its source, so the same comment read again is the same action.
     */
    private AlertAction comment(SecurityAlert alert, SourceComment comment, String identity) {
        Instant at = comment.createdAt() == null ? alert.getLastUpdatedAt() : comment.createdAt();
        String author = author(comment);
        return AlertAction.newBuilder()
                .setActionId("azure-comment:" + digest(identity))
                .setAlertKey(alert.getAlertKey()).setType(ActionType.SOURCE_COMMENT)
                .setActor(RecordLimits.cut(author, RecordLimits.ID_BYTES)).setChannel(CHANNEL)
                .setComment(RecordLimits.cut(comment.text(), RecordLimits.COMMENT_BYTES))
                .setOccurredAt(at).build();
    }

    private String author(SourceComment comment) {
        return comment.author() == null || comment.author().isBlank() ? connectorId : comment.author();
    }

    /**
     * The key ingest remembers an unusable alert by: a fingerprint of what the source sent, the same every time the
     * same version is read, and apart from the alert key so that a later, usable version of the alert is paged as new.
     */
    static String fingerprint(String connectorId, SourceItem source) {
        return connectorId + ":unusable-" + digest(String.valueOf(source.json()));
    }

    /** 24 hex digits of the text's SHA-256: the same text gives the same id, in a bounded length. */
    static String digest(String text) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(hash, 0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    private Duplicate duplicate(IngestSeen before, Instant now) {
        return new Duplicate(retention.dueForRefresh(before, now)
                ? IngestSeen.newBuilder(before).setSeenAt(now).build() : null);
    }

    /** What to remember of this version; {@code incident} is what was read of a Sentinel incident's comments. */
    private IngestSeen seen(SecurityAlert alert, SourceItem source, IngestSeen before, Instant now,
                            IncidentComments.Read incident) {
        IngestSeen.Builder seen = IngestSeen.newBuilder().setAlertKey(alert.getAlertKey()).setConnectorId(connectorId)
                .setLastUpdatedAt(alert.getLastUpdatedAt()).setStatus(alert.getStatus())
                .setAssignedTo(alert.getAssignedTo()).setClassification(alert.getClassification())
                .setDetermination(alert.getDetermination())
                .setEchoedCommandId(before == null ? null : before.getEchoedCommandId())
                .setSeenAt(now);
        if (incident == null) {
            seen.setCommentsRead(source.comments().size())
                    .setEchoedCommentCommandId(before == null ? null : before.getEchoedCommentCommandId());
        } else {
            seen.setCommentsHandledBefore(incident.handledBefore()).setCommentsHandled(incident.handled());
        }
        return seen.build();
    }

    private static boolean fieldsChanged(IngestSeen before, SecurityAlert now) {
        return before.getStatus() != now.getStatus() || !Objects.equals(before.getAssignedTo(), now.getAssignedTo())
                || !Objects.equals(before.getClassification(), now.getClassification())
                || !Objects.equals(before.getDetermination(), now.getDetermination());
    }

    /**
     * The action escalate applies. Its id is the alert key and the version's lastUpdateDateTime, so the same Azure
     * change read twice (a retried poll) is one action.
     */
    private AlertAction action(IngestSeen before, SecurityAlert now) {
        List<String> what = new ArrayList<>();
        if (before.getStatus() != now.getStatus()) {
            what.add("status " + name(before.getStatus().name()) + " → " + name(now.getStatus().name()));
        }
        if (!Objects.equals(before.getAssignedTo(), now.getAssignedTo())) {
            what.add(now.getAssignedTo() == null ? "unassigned" : "assigned to " + now.getAssignedTo());
        }
        if (!Objects.equals(before.getClassification(), now.getClassification())) {
            what.add("classified " + now.getClassification());
        }
        if (!Objects.equals(before.getDetermination(), now.getDetermination())) {
            what.add("determination " + now.getDetermination());
        }
        return change(now, "Changed in Azure: " + String.join(", ", what));
    }

    /**
     * The action for an alert changed after ingest forgot it: what it was before is not known, so the action says
     * what it is now.
     */
    private AlertAction actionAfterSilence(SecurityAlert now) {
        List<String> what = new ArrayList<>();
        what.add("status " + name(now.getStatus().name()));
        what.add(now.getAssignedTo() == null ? "unassigned" : "assigned to " + now.getAssignedTo());
        if (now.getClassification() != null) {
            what.add("classified " + now.getClassification());
        }
        if (now.getDetermination() != null) {
            what.add("determination " + now.getDetermination());
        }
        return change(now, "Changed in Azure after more than " + retention.retention().toDays()
                + " days unread, now: " + String.join(", ", what));
    }

    private AlertAction change(SecurityAlert now, String comment) {
        return AlertAction.newBuilder()
                .setActionId("azure:" + now.getAlertKey() + "@" + now.getLastUpdatedAt().toEpochMilli())
                .setAlertKey(now.getAlertKey()).setType(ActionType.SOURCE_STATUS_CHANGED)
                .setActor(connectorId).setChannel(CHANNEL).setComment(comment)
                .setClassification(now.getClassification()).setSourceStatus(now.getStatus())
                .setOccurredAt(now.getLastUpdatedAt()).build();
    }

    private static String name(String symbol) {
        return symbol.toLowerCase(java.util.Locale.ROOT).replace('_', ' ');
    }
}
