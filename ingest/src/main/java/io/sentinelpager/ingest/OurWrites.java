package io.sentinelpager.ingest;

import io.sentinelpager.azure.SentinelAlertId;
import io.sentinelpager.schemas.AlertSource;
import io.sentinelpager.schemas.IngestSeen;
import io.sentinelpager.schemas.SecurityAlert;
import io.sentinelpager.schemas.SourceStatus;
import io.sentinelpager.schemas.SyncCommand;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * What syncback was asked to write to each alert, read from {@code sync.commands}: how ingest tells the echo of our
 * own write-back from a change an analyst made in Azure.
 *
 * <p>Why it is exact: a command is committed to sync.commands before syncback reads it, and syncback PATCHes only
 * after reading it. Ingest reads sync.commands to its end <em>after</em> each Graph page arrives, so any PATCH whose
 * effect a page shows has its command here by the time the page is judged. A change is an echo when every field that
 * changed now has the value one of our not-yet-echoed commands wrote; once seen, those commands are marked echoed in
 * {@link IngestSeen#getEchoedCommandId()} (written in the same transaction), so an analyst who later sets the same
 * value again is not mistaken for us, also after a restart.
 *
 * <p>Comments the same way: a comment of the alert is ours when one of our not-yet-echoed commands wrote exactly its
 * text; syncback posts an alert's comments in the order of their commands, so the first such command is the one, and
 * it is marked echoed in {@link IngestSeen#getEchoedCommentCommandId()}. Apart from the fields' mark, because
 * syncback PATCHes the fields and posts the comment of one command in two requests, which a poll can see apart.
 *
 * <p>A Sentinel alert's comments are its incident's, which syncback writes for every alert of the incident, in no
 * order ingest could follow (syncback instances write the alerts of their partitions, each retrying on its own): so a
 * comment of an incident is ours when any of our commands for an alert of that incident wrote exactly its text
 * ({@link #wroteIncidentComment}). No mark is needed there: ingest judges each incident comment once, by its name.
 */
final class OurWrites {

    /** One command's fields that reach Graph; null where the command leaves a field alone. */
    record Write(String commandId, SourceStatus status, String assignedTo, String classification,
                 String determination) {
    }

    /**
     * Keeps the commands of the last 20 writes per alert, and of the last 20 comments per Sentinel incident: more
     * writes than that before ingest reads the alert again do not happen.
     */
    private static final int KEPT_PER_ALERT = 20;

    /** One command's comment, as syncback posts it. */
    private record Comment(String commandId, String text) {
    }

    /**
     * One comment syncback adds to a Sentinel incident: the commands of a page's alerts share the text and the time
     * asked, and syncback writes them as one comment, so they are kept as one.
     */
    private record IncidentComment(String commandId, String text, Instant requestedAt) {
    }

    private final Set<String> connectors;
    private final Map<String, List<Write>> byAlert = new HashMap<>();
    private final Map<String, List<Comment>> commentsByAlert = new HashMap<>();
    private final Map<String, List<IncidentComment>> commentsByIncident = new HashMap<>();

    /** @param connectors the connectors whose commands to keep; others belong to other deployments */
    OurWrites(Set<String> connectors) {
        this.connectors = connectors;
    }

    void add(SyncCommand command) {
        if (!connectors.contains(command.getConnectorId())) {
            return;
        }
        if (command.getComment() != null) {
            keep(commentsByAlert, command.getAlertKey(), new Comment(command.getCommandId(), command.getComment()));
            incidentOf(command).ifPresent(incident -> {
                IncidentComment comment = new IncidentComment(command.getCommandId(), command.getComment(),
                        command.getRequestedAt());
                List<IncidentComment> written = commentsByIncident.getOrDefault(incident, List.of());
                if (written.stream().noneMatch(c -> c.text().equals(comment.text())
                        && Objects.equals(c.requestedAt(), comment.requestedAt()))) {
                    keep(commentsByIncident, incident, comment);
                }
            });
        }
        if (command.getTargetStatus() == null && command.getAssignedTo() == null
                && command.getClassification() == null && command.getDetermination() == null) {
            return; // a comment only: it changes no field ingest compares
        }
        keep(byAlert, command.getAlertKey(), new Write(command.getCommandId(), command.getTargetStatus(),
                command.getAssignedTo(), command.getClassification(), command.getDetermination()));
    }

    private static <T> void keep(Map<String, List<T>> byAlert, String alertKey, T write) {
        List<T> writes = byAlert.computeIfAbsent(alertKey, k -> new ArrayList<>());
        writes.add(write);
        if (writes.size() > KEPT_PER_ALERT) {
            writes.remove(0);
        }
    }

    /**
     * The id of the command that wrote this comment to the alert, or empty when none of our commands after
     * {@code echoed} (the last one whose comment the alert showed, or null) wrote this text: an analyst wrote it.
     */
    Optional<String> wroteComment(String alertKey, String echoed, String text) {
        List<Comment> written = commentsByAlert.getOrDefault(alertKey, List.of());
        int from = 0;
        for (int i = 0; echoed != null && i < written.size(); i++) {
            if (written.get(i).commandId().equals(echoed)) {
                from = i + 1;
            }
        }
        return written.subList(from, written.size()).stream().filter(c -> c.text().equals(text))
                .map(Comment::commandId).findFirst();
    }

    /**
     * The id of a command of ours that wrote this text to the Sentinel incident, for any of its alerts; empty when
     * none did: an analyst wrote it.
     */
    Optional<String> wroteIncidentComment(String connectorId, String incidentName, String text) {
        return commentsByIncident.getOrDefault(connectorId + ":" + incidentName, List.of()).stream()
                .filter(c -> c.text().equals(text)).map(IncidentComment::commandId).findFirst();
    }

    /** {@code connector:incident} for a command to a Sentinel alert, whose comments syncback writes to the incident. */
    private static Optional<String> incidentOf(SyncCommand command) {
        if (command.getSource() != AlertSource.SENTINEL) {
            return Optional.empty();
        }
        try {
            return Optional.of(command.getConnectorId() + ":"
                    + SentinelAlertId.parse(command.getAlertId()).incidentName());
        } catch (IllegalArgumentException e) {
            return Optional.empty(); // syncback refuses it, so it writes no comment either
        }
    }

    /**
     * The id of the latest command that explains the change from {@code before} to {@code now}, or empty when some
     * changed field is not one of our writes (an analyst changed it).
     */
    Optional<String> explain(IngestSeen before, SecurityAlert now) {
        List<Write> pending = pending(before);
        if (pending.isEmpty()) {
            return Optional.empty();
        }
        String latest = null;
        for (Field field : Field.values()) {
            Object was = field.seen.apply(before);
            Object is = field.alert.apply(now);
            if (Objects.equals(was, is)) {
                continue;
            }
            Optional<Write> writer = pending.stream().filter(w -> Objects.equals(field.written.apply(w), is)).reduce(
                    (first, second) -> second);
            if (writer.isEmpty()) {
                return Optional.empty();
            }
            int index = pending.indexOf(writer.get());
            if (latest == null || index > indexOf(pending, latest)) {
                latest = writer.get().commandId();
            }
        }
        return Optional.ofNullable(latest);
    }

    /** The writes to this alert after the last one it has already shown. */
    private List<Write> pending(IngestSeen before) {
        List<Write> writes = byAlert.getOrDefault(before.getAlertKey(), List.of());
        String echoed = before.getEchoedCommandId();
        if (echoed == null) {
            return writes;
        }
        int at = indexOf(writes, echoed);
        return at < 0 ? writes : writes.subList(at + 1, writes.size());
    }

    private static int indexOf(List<Write> writes, String commandId) {
        for (int i = 0; i < writes.size(); i++) {
            if (writes.get(i).commandId().equals(commandId)) {
                return i;
            }
        }
        return -1;
    }

    /** The fields Graph lets a PATCH change, and where each is found in our three shapes of an alert. */
    private enum Field {
        STATUS(IngestSeen::getStatus, SecurityAlert::getStatus, Write::status),
        ASSIGNED_TO(IngestSeen::getAssignedTo, SecurityAlert::getAssignedTo, Write::assignedTo),
        CLASSIFICATION(IngestSeen::getClassification, SecurityAlert::getClassification, Write::classification),
        DETERMINATION(IngestSeen::getDetermination, SecurityAlert::getDetermination, Write::determination);

        final Function<IngestSeen, Object> seen;
        final Function<SecurityAlert, Object> alert;
        final Function<Write, Object> written;

        Field(Function<IngestSeen, Object> seen, Function<SecurityAlert, Object> alert, Function<Write, Object> written) {
            this.seen = seen;
            this.alert = alert;
            this.written = written;
        }
    }
}
