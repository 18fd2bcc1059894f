package io.sentinelpager.escalate;

import io.sentinelpager.schemas.AlertLifecycle;
import io.sentinelpager.schemas.AlertSource;
import io.sentinelpager.schemas.EnrichedAlert;
import io.sentinelpager.schemas.LifecycleStatus;
import io.sentinelpager.schemas.MaintenanceWindow;
import io.sentinelpager.schemas.RecordLimits;
import io.sentinelpager.schemas.RoutedAlert;
import io.sentinelpager.schemas.SecurityAlert;
import io.sentinelpager.schemas.SourceStatus;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What a routed record does: it opens a page, or it joins, enriches or reopens the page of its alert or its incident.
 */
final class RoutedAlerts {

    private final Escalation escalation;

    RoutedAlerts(Escalation escalation) {
        this.escalation = escalation;
    }

    /**
     * A new page: its first step is paged, or held by a maintenance window. An alert that Azure already reports
     * resolved (its status carries a change that reached escalate before the alert did, see {@link PageKeyProcessor})
     * is recorded closed and pages nobody; so is one that a maintenance window suppresses.
     */
    Lifecycle.Outcome open(String key, RoutedAlert routed, Lifecycle.Directory directory, Instant now) {
        SecurityAlert alert = routed.getEnriched().getAlert();
        Change change = Change.open(AlertLifecycle.newBuilder()
                .setAlertKey(key)
                .setMembers(Map.of(alert.getAlertKey(), alert.getStatus()))
                .setStatus(LifecycleStatus.TRIGGERED)
                .setAlert(PageLimits.forPage(routed))
                .setEscalationStep(0)
                .setEscalationRound(0)
                .setCreatedAt(now)
                .setUpdatedAt(now), now);
        change.note("triggered", null, null, "routed to team " + routed.getTeamId() + " by policy "
                + routed.getPolicyId() + " v" + routed.getPolicyVersion());
        Optional<MaintenanceWindow> maintenance = Maintenance.inForce(directory.teams().apply(routed.getTeamId()),
                routed.getMaintenance(), now);
        if (alert.getStatus() == SourceStatus.RESOLVED) {
            // Resolved in Azure (auto-resolved seconds after it was raised) before the page existed: the page is
            // recorded, so the responder shows it, but nobody is woken for an alert that needs nothing. Another
            // alert of the same incident that is not resolved still pages (see attach).
            change.page().setStatus(LifecycleStatus.CLOSED);
            change.note("closed", alert.getConnectorId(), "azure", "resolved in Azure before it was paged");
        } else if (Maintenance.suppresses(maintenance)) {
            change.page().setStatus(LifecycleStatus.CLOSED);
            change.note(Maintenance.suppressed(maintenance.get(), now));
        } else {
            escalation.pageOrHold(change, maintenance, directory);
        }
        return change.outcome();
    }

    /**
     * Another routed record for a page that exists: another alert of the same incident joins it, or the enrichment
     * that missed its deadline arrives for one of its alerts. The Azure status of an alert the page already has is
     * left alone: changes made in Azure arrive as {@code SOURCE_STATUS_CHANGED} actions, and a routed record carries
     * the alert as ingest first read it, possibly older than such an action.
     *
     * <p>Only a new alert that is not resolved in Azure can page, and only when the page is closed: closed by a
     * responder, by Azure, by a maintenance window, or recorded closed because its first alert was resolved before it
     * was paged. The incident is active again, so the page reopens and pages like a new page would, maintenance
     * windows included. A triggered page is already paging, and an acknowledged one has someone on it who sees the
     * alert join; neither pages again, but a page someone acknowledged or owns hands the new alert to them in Azure
     * too (see {@link AzureSync#handOver}). A record of an alert the page already has (a re-delivery, an enrichment)
     * never reopens it.
     */
    Lifecycle.Outcome attach(AlertLifecycle state, RoutedAlert routed, Lifecycle.Directory directory, Instant now) {
        SecurityAlert alert = routed.getEnriched().getAlert();
        Change change = Change.of(state, now);
        EnrichedAlert enrichment = routed.getEnriched();
        boolean primary = alert.getAlertKey().equals(state.getAlert().getEnriched().getAlert().getAlertKey());
        boolean full = state.getMembers().size() >= RecordLimits.PAGE_MEMBERS;
        // A page lists its first alerts only (see PageLimits); of one it does not list, the first record (revision 0)
        // is what says it is new, and a later one is its enrichment update.
        boolean joins = !state.getMembers().containsKey(alert.getAlertKey())
                && !(full && enrichment.getRevision() > 0);
        if (joins) {
            Map<String, SourceStatus> members = new HashMap<>(state.getMembers());
            if (full) {
                change.page().setMembersUnlisted(state.getMembersUnlisted() + 1);
            } else {
                members.put(alert.getAlertKey(), alert.getStatus());
            }
            change.note("attached", alert.getConnectorId(), "azure", "alert " + alert.getAlertKey() + " \""
                    + alert.getTitle() + "\" of the same incident");
            if (state.getStatus() == LifecycleStatus.CLOSED && alert.getStatus() != SourceStatus.RESOLVED) {
                // The windows of the policy that routed this alert, which are current, and those of the page's team,
                // which is the team paged.
                Optional<MaintenanceWindow> maintenance = Maintenance.inForce(
                        directory.teams().apply(state.getAlert().getTeamId()), routed.getMaintenance(), now);
                if (Maintenance.suppresses(maintenance)) {
                    change.note(Maintenance.suppressed(maintenance.get(), now));
                } else {
                    change.note("reopened", alert.getConnectorId(), "azure", "new alert " + alert.getAlertKey()
                            + " \"" + alert.getTitle() + "\" of the same incident");
                    escalation.reopen(change, maintenance, directory);
                }
            } else if (alert.getStatus() != SourceStatus.RESOLVED && state.getOwner() != null
                    && alert.getSource() != AlertSource.PAGER) {
                change.emit(AzureSync.handOver(state, alert, members, directory, change));
            }
            change.page().setMembers(members);
        } else if (primary ? enrichment.getRevision() > state.getAlert().getEnriched().getRevision()
                : enrichment.getRevision() > 0) {
            // The enrichment that missed its deadline: the page keeps its schedule and shows it. Only the first
            // alert's record is kept whole; another alert's enrichment is told on the timeline.
            if (primary) {
                change.page().setAlert(PageLimits.forPage(RoutedAlert.newBuilder(state.getAlert())
                        .setEnriched(enrichment).build()));
            }
            change.note("enriched", null, "enrich", (primary ? "" : "alert " + alert.getAlertKey() + ": ")
                    + "enrichment " + enrichment.getStatus().name().toLowerCase()
                    + (enrichment.getRuleName() == null ? "" : " from rule " + enrichment.getRuleName())
                    + ": " + enrichment.getTables().stream().mapToLong(t -> t.getTotalRows()).sum() + " rows");
        }
        return change.outcome();
    }
}
