package io.sentinelpager.escalate;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sentinelpager.schemas.ActionType;
import io.sentinelpager.schemas.AlertAction;
import io.sentinelpager.schemas.AlertSource;
import io.sentinelpager.schemas.ContactMethod;
import io.sentinelpager.schemas.ContactMethodType;
import io.sentinelpager.schemas.EnrichedAlert;
import io.sentinelpager.schemas.EnrichmentStatus;
import io.sentinelpager.schemas.EscalationStep;
import io.sentinelpager.schemas.EscalationTarget;
import io.sentinelpager.schemas.NotificationRequest;
import io.sentinelpager.schemas.NotificationRule;
import io.sentinelpager.schemas.RoutedAlert;
import io.sentinelpager.schemas.SecurityAlert;
import io.sentinelpager.schemas.Severity;
import io.sentinelpager.schemas.SourceStatus;
import io.sentinelpager.schemas.SyncCommand;
import io.sentinelpager.schemas.TargetKind;
import io.sentinelpager.schemas.TeamConfig;
import io.sentinelpager.schemas.Urgency;
import io.sentinelpager.schemas.UserConfig;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The entry point's own rules, and the fixtures every test of a lifecycle part shares: one page of alert c1:a1 (or of
 * incident 33 when grouped) for team soc, whose on-call people are ana and ben. Each part of {@link Lifecycle} has its
 * own test class ({@code EscalationTest}, {@code ResponderActionsTest}, …), driven through this entry point.
 */
class LifecycleTest {

    static final Instant T0 = Instant.parse("2026-11-29T03:00:00Z");
    static final Lifecycle lifecycle = new Lifecycle(new EscalateConfig("https://pager.example"));
    static final TeamConfig soc = TeamConfig.newBuilder().setId("soc").setName("SOC").setMembers(List.of("ana", "ben"))
            .build();
    static final UserConfig ana = UserConfig.newBuilder().setId("ana").setName("Ana").setContactMethods(List.of(
            ContactMethod.newBuilder().setType(ContactMethodType.INBOX).setAddress("ana").build(),
            ContactMethod.newBuilder().setType(ContactMethodType.EMAIL).setAddress("ana@contoso.example").build()))
            .build();
    static final Lifecycle.Directory directory = new Lifecycle.Directory(Map.of("soc", soc)::get,
            Map.of("ana", ana)::get, Map.of(), id -> null);
    /** Ana with the e-mail Azure knows her by; ben has no user config, so Azure gets his user id. */
    static final Lifecycle.Directory withEmail = new Lifecycle.Directory(Map.of("soc", soc)::get,
            Map.of("ana", UserConfig.newBuilder(ana).setEmail("ana@contoso.example").build())::get, Map.of(), id -> null);

    @Test
    void actionOnAnAlertNeverSeenIsRejectedWithItsIds() {
        assertThatThrownBy(() -> lifecycle.action(Optional.empty(), action("act-9", ActionType.ACKNOWLEDGE, "ana"), directory, T0))
                .hasMessageContaining("act-9").hasMessageContaining("c1:a1").hasMessageContaining("never seen");
    }

    static RoutedAlert routed(SourceStatus status) {
        SecurityAlert alert = SecurityAlert.newBuilder().setAlertKey("c1:a1").setConnectorId("c1")
                .setSource(AlertSource.GRAPH).setAlertId("a1").setTitle("Suspicious sign-in").setSeverity(Severity.HIGH)
                .setStatus(status).setCreatedAt(T0).setLastUpdatedAt(T0).setIngestedAt(T0).setSourceJson("{}").build();
        EnrichedAlert enriched = EnrichedAlert.newBuilder().setAlert(alert).setStatus(EnrichmentStatus.NOT_APPLICABLE)
                .setSummary("host pc-17").setEnrichedAt(T0).build();
        return RoutedAlert.newBuilder().setEnriched(enriched).setTeamId("soc").setEscalationChainId("default")
                .setUrgency(Urgency.HIGH).setPolicyId("default").setPolicyVersion(0).setRoutedAt(T0).build();
    }

    static AlertAction action(String id, ActionType type, String actor) {
        return AlertAction.newBuilder().setActionId(id).setAlertKey("c1:a1").setType(type).setActor(actor)
                .setChannel("app").setOccurredAt(T0).build();
    }

    static RoutedAlert grouped(String alertKey) {
        return grouped(alertKey, SourceStatus.NEW);
    }

    static RoutedAlert grouped(String alertKey, SourceStatus status) {
        RoutedAlert routed = routed(status);
        routed.getEnriched().getAlert().setAlertKey(alertKey);
        routed.getEnriched().getAlert().setAlertId(alertKey.substring(alertKey.indexOf(':') + 1));
        routed.setGroupKey("c1:incident:33");
        return routed;
    }

    static AlertAction sourceChanged(String alertKey, SourceStatus status) {
        return AlertAction.newBuilder().setActionId("azure:" + alertKey + "@" + status).setAlertKey(alertKey)
                .setType(ActionType.SOURCE_STATUS_CHANGED).setActor("c1").setChannel("azure").setSourceStatus(status)
                .setOccurredAt(T0).build();
    }

    static AlertAction analystComment() {
        return AlertAction.newBuilder(action("azure-comment:1f2e", ActionType.SOURCE_COMMENT, "Soc Lead"))
                .setChannel("azure").setComment("Isolated the host").setOccurredAt(T0.plusSeconds(60)).build();
    }

    static NotificationRule rule(Urgency urgency, ContactMethodType method, int delayMinutes) {
        return NotificationRule.newBuilder().setUrgency(urgency).setContactMethod(method).setDelayMinutes(delayMinutes)
                .build();
    }

    static io.sentinelpager.schemas.DeliveryReceipt receipt(String id, io.sentinelpager.schemas.DeliveryOutcome outcome) {
        return io.sentinelpager.schemas.DeliveryReceipt.newBuilder().setNotificationId(id).setAlertKey("c1:a1")
                .setUserId("ana").setContactMethod(ContactMethodType.INBOX).setOutcome(outcome).setAt(T0).build();
    }

    static Lifecycle.Directory inMaintenance(io.sentinelpager.schemas.MaintenanceMode mode, Instant end) {
        TeamConfig team = TeamConfig.newBuilder(soc).setMaintenance(List.of(
                io.sentinelpager.schemas.MaintenanceWindow.newBuilder().setStart(T0).setEnd(end).setMode(mode)
                        .setReason("pen test").build())).build();
        return new Lifecycle.Directory(Map.of("soc", team)::get, Map.of("ana", ana)::get, Map.of(), id -> null);
    }

    /** Each sync command as "id alert status assignee class=… comment=…", in the order emitted. */
    static List<String> syncs(Lifecycle.Outcome outcome) {
        return outcome.emitted().stream().filter(SyncCommand.class::isInstance).map(SyncCommand.class::cast)
                .map(c -> c.getCommandId() + " " + c.getAlertKey() + " " + c.getTargetStatus() + " " + c.getAssignedTo()
                        + " class=" + c.getClassification() + " comment=" + c.getComment())
                .toList();
    }

    static List<String> notificationIds(Lifecycle.Outcome outcome) {
        return outcome.emitted().stream().filter(NotificationRequest.class::isInstance)
                .map(r -> ((NotificationRequest) r).getNotificationId()).toList();
    }

    static EscalationStep step(int delayMinutes, EscalationTarget... targets) {
        return EscalationStep.newBuilder().setDelayMinutes(delayMinutes).setTargets(List.of(targets)).build();
    }

    static EscalationTarget target(TargetKind kind, String id) {
        return EscalationTarget.newBuilder().setKind(kind).setId(id).build();
    }
}
