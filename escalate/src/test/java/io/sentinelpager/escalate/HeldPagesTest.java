package io.sentinelpager.escalate;

import static io.sentinelpager.escalate.LifecycleTest.T0;
import static io.sentinelpager.escalate.LifecycleTest.action;
import static io.sentinelpager.escalate.LifecycleTest.notificationIds;
import static io.sentinelpager.escalate.LifecycleTest.routed;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sentinelpager.platform.config.ConfigException;
import io.sentinelpager.platform.config.PagerConfig;
import io.sentinelpager.schemas.ActionType;
import io.sentinelpager.schemas.AlertLifecycle;
import io.sentinelpager.schemas.EscalationChainConfig;
import io.sentinelpager.schemas.EscalationStep;
import io.sentinelpager.schemas.EscalationTarget;
import io.sentinelpager.schemas.LifecycleStatus;
import io.sentinelpager.schemas.NotificationRequest;
import io.sentinelpager.schemas.SourceStatus;
import io.sentinelpager.schemas.SyncCommand;
import io.sentinelpager.schemas.TargetKind;
import io.sentinelpager.schemas.TeamConfig;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.junit.jupiter.api.Test;

/** A page whose team, chain or schedule is not configured is held, visibly, and paged when the configuration comes. */
class HeldPagesTest {

    final Lifecycle lifecycle = new Lifecycle(new EscalateConfig("https://pager.example"));
    final Lifecycle withFallback = new Lifecycle(new EscalateConfig("https://pager.example", Duration.ofDays(14),
            Optional.of("lead")));
    final TeamConfig soc = TeamConfig.newBuilder().setId("soc").setName("SOC").setMembers(List.of("ana", "ben")).build();
    final EscalationChainConfig chain = EscalationChainConfig.newBuilder().setId("default").setName("default")
            .setSteps(List.of(step(5, TargetKind.USER, "ana"), step(10, TargetKind.TEAM, "soc"))).build();
    final Map<String, TeamConfig> teams = new HashMap<>();
    final Map<String, EscalationChainConfig> chains = new HashMap<>();
    final Lifecycle.Directory directory = new Lifecycle.Directory(teams::get, id -> null, Map.of(), chains::get);

    static EscalationStep step(int delayMinutes, TargetKind kind, String id) {
        return EscalationStep.newBuilder().setDelayMinutes(delayMinutes)
                .setTargets(List.of(EscalationTarget.newBuilder().setKind(kind).setId(id).build())).build();
    }

    static List<String> timeline(AlertLifecycle page) {
        return page.getTimeline().stream().map(e -> e.getType() + ": " + e.getDetail()).toList();
    }

    @Test
    void anAlertRoutedBeforeAnyConfigurationIsHeldWithTheReasonAndPagesNobody() {
        Lifecycle.Outcome outcome = lifecycle.routed(Optional.empty(), routed(SourceStatus.NEW), directory, T0);

        AlertLifecycle page = outcome.state().orElseThrow();
        assertThat(page.getStatus()).isEqualTo(LifecycleStatus.HELD);
        assertThat(page.getWaitingFor()).containsExactly("escalation:default", "team:soc");
        assertThat(page.getNextEscalationAt()).isNull();
        assertThat(page.getStepRecipients()).isEmpty();
        assertThat(timeline(page)).last().isEqualTo("held: team soc on call: chain default, team soc are not"
                + " configured; paged as soon as one of them is");
        assertThat(outcome.emitted()).noneMatch(NotificationRequest.class::isInstance);
    }

    @Test
    void theTeamArrivingPagesTheHeldPageOnceAndSaysWhy() {
        AlertLifecycle held = lifecycle.routed(Optional.empty(), routed(SourceStatus.NEW), directory, T0).state()
                .orElseThrow();
        assertThat(lifecycle.release(held, directory, T0.plusSeconds(30)).state()).as("nothing arrived yet").isEmpty();

        teams.put("soc", soc);
        Lifecycle.Outcome released = lifecycle.release(held, directory, T0.plusSeconds(60));

        AlertLifecycle page = released.state().orElseThrow();
        assertThat(page.getStatus()).isEqualTo(LifecycleStatus.TRIGGERED);
        assertThat(page.getWaitingFor()).isEmpty();
        // No chain yet: the team's on-call person, once, as for any page whose chain is missing.
        assertThat(notificationIds(released)).containsExactly("c1:a1/round-0/step-0/ana/inbox");
        assertThat(timeline(page)).endsWith("released: team soc is configured now",
                "paged: chain default is not configured; paged team soc on call");
        assertThat(lifecycle.release(page, directory, T0.plusSeconds(90)).state()).as("released once").isEmpty();
    }

    @Test
    void theChainArrivingPagesItsFirstStepAndEscalatesFromThere() {
        AlertLifecycle held = lifecycle.routed(Optional.empty(), routed(SourceStatus.NEW), directory, T0).state()
                .orElseThrow();
        chains.put("default", chain);

        Lifecycle.Outcome released = lifecycle.release(held, directory, T0.plusSeconds(60));

        AlertLifecycle page = released.state().orElseThrow();
        assertThat(page.getStatus()).isEqualTo(LifecycleStatus.TRIGGERED);
        assertThat(notificationIds(released)).containsExactly("c1:a1/round-0/step-0/ana/inbox");
        assertThat(page.getNextEscalationAt()).isEqualTo(T0.plusSeconds(60).plus(Duration.ofMinutes(5)));
    }

    @Test
    void whatIsStillMissingHoldsItAgainWithoutPagingTheFallbackUserTwice() {
        teams.put("soc", TeamConfig.newBuilder(soc).setMembers(List.of()).setScheduleIds(List.of("primary")).build());
        Lifecycle.Outcome first = withFallback.routed(Optional.empty(), routed(SourceStatus.NEW), directory, T0);
        AlertLifecycle held = first.state().orElseThrow();
        assertThat(held.getWaitingFor()).containsExactly("escalation:default", "schedule:primary");
        assertThat(notificationIds(first)).containsExactly("c1:a1/round-0/step-0/held/lead/inbox");

        // The chain comes, naming the schedule that is still missing.
        chains.put("default", EscalationChainConfig.newBuilder(chain).setSteps(List.of(
                step(5, TargetKind.SCHEDULE, "primary"))).build());
        Lifecycle.Outcome again = withFallback.release(held, directory, T0.plusSeconds(60));

        AlertLifecycle stillHeld = again.state().orElseThrow();
        assertThat(stillHeld.getStatus()).isEqualTo(LifecycleStatus.HELD);
        assertThat(stillHeld.getWaitingFor()).containsExactly("schedule:primary");
        assertThat(notificationIds(again)).as("the fallback user has it already").isEmpty();
        assertThat(timeline(stillHeld)).last().isEqualTo("held: step 1 of 1 of chain default: schedule primary is not"
                + " configured; paged as soon as it is");
    }

    @Test
    void theFallbackUserIsPagedWhileHeldAndTheTeamWhenItArrives() {
        Lifecycle.Outcome outcome = withFallback.routed(Optional.empty(), routed(SourceStatus.NEW), directory, T0);

        AlertLifecycle held = outcome.state().orElseThrow();
        assertThat(held.getStatus()).isEqualTo(LifecycleStatus.HELD);
        assertThat(held.getStepRecipients()).containsExactly("lead");
        List<NotificationRequest> pages = outcome.emitted().stream().filter(NotificationRequest.class::isInstance)
                .map(NotificationRequest.class::cast).toList();
        assertThat(pages).singleElement().satisfies(p -> {
            assertThat(p.getUserId()).isEqualTo("lead");
            assertThat(p.getNotificationId()).isEqualTo("c1:a1/round-0/step-0/held/lead/inbox");
            assertThat(p.getSummary()).isEqualTo("held: team soc on call: chain default, team soc are not configured");
        });
        assertThat(timeline(held)).last().isEqualTo("paged: fallback user (escalate.fallback.user) while held");

        teams.put("soc", TeamConfig.newBuilder(soc).setMembers(List.of("lead")).build());
        Lifecycle.Outcome released = withFallback.release(held, directory, T0.plusSeconds(60));
        assertThat(notificationIds(released)).as("paged again, as the team's on-call person this time")
                .containsExactly("c1:a1/round-0/step-0/lead/inbox");
    }

    @Test
    void aTeamDeletedWhileItsPageIsOpenHoldsTheNextStepInsteadOfPagingNobody() {
        teams.put("soc", soc);
        chains.put("default", chain);
        AlertLifecycle paged = lifecycle.routed(Optional.empty(), routed(SourceStatus.NEW), directory, T0).state()
                .orElseThrow();
        teams.remove("soc");

        Instant due = T0.plus(Duration.ofMinutes(5));
        Lifecycle.Outcome next = lifecycle.wake(paged, directory, due);

        AlertLifecycle held = next.state().orElseThrow();
        assertThat(held.getStatus()).isEqualTo(LifecycleStatus.HELD);
        assertThat(held.getWaitingFor()).containsExactly("team:soc");
        assertThat(held.getEscalationStep()).isEqualTo(1);
        assertThat(timeline(held)).last().isEqualTo("held: step 2 of 2 of chain default: team soc is not configured;"
                + " paged as soon as it is");
        assertThat(notificationIds(next)).isEmpty();

        teams.put("soc", soc);
        Lifecycle.Outcome released = lifecycle.release(held, directory, due.plusSeconds(30));
        assertThat(notificationIds(released)).containsExactly("c1:a1/round-0/step-1/ana/inbox",
                "c1:a1/round-0/step-1/ben/inbox");
        assertThat(released.state().orElseThrow().getNextEscalationAt()).isEqualTo(due.plusSeconds(30)
                .plus(Duration.ofMinutes(10)));
    }

    @Test
    void aChainDeletedWhileItsPageIsOpenHoldsItUntilTheChainIsBack() {
        teams.put("soc", soc);
        chains.put("default", chain);
        AlertLifecycle paged = lifecycle.routed(Optional.empty(), routed(SourceStatus.NEW), directory, T0).state()
                .orElseThrow();
        chains.remove("default");

        AlertLifecycle held = lifecycle.wake(paged, directory, T0.plus(Duration.ofMinutes(5))).state().orElseThrow();

        assertThat(held.getStatus()).isEqualTo(LifecycleStatus.HELD);
        assertThat(held.getWaitingFor()).containsExactly("escalation:default");
        assertThat(timeline(held)).last().isEqualTo("held: step 2 of chain default: chain default is not configured;"
                + " paged as soon as it is");
    }

    @Test
    void aHeldPageIsAcknowledgedAndClosedLikeATriggeredOneAndCannotBeReopenedWhileOpen() {
        teams.put("soc", soc);
        AlertLifecycle held = lifecycle.routed(Optional.empty(), routed(SourceStatus.NEW), new Lifecycle.Directory(
                id -> null, id -> null, Map.of(), id -> null), T0).state().orElseThrow();

        Lifecycle.Outcome ack = lifecycle.action(Optional.of(held), action("ack-1", ActionType.ACKNOWLEDGE, "admin"),
                directory, T0.plusSeconds(10));
        AlertLifecycle acknowledged = ack.state().orElseThrow();
        assertThat(acknowledged.getStatus()).isEqualTo(LifecycleStatus.ACKNOWLEDGED);
        assertThat(acknowledged.getOwner()).isEqualTo("admin");
        assertThat(acknowledged.getWaitingFor()).as("nothing to release any more").isEmpty();
        assertThat(ack.emitted()).filteredOn(SyncCommand.class::isInstance).singleElement()
                .satisfies(c -> assertThat(((SyncCommand) c).getTargetStatus()).isEqualTo(SourceStatus.IN_PROGRESS));

        AlertLifecycle closed = lifecycle.action(Optional.of(held), action("close-1", ActionType.CLOSE, "admin"),
                directory, T0.plusSeconds(10)).state().orElseThrow();
        assertThat(closed.getStatus()).isEqualTo(LifecycleStatus.CLOSED);
        assertThat(closed.getWaitingFor()).isEmpty();

        AlertLifecycle reopen = lifecycle.action(Optional.of(held), action("reopen-1", ActionType.REOPEN, "admin"),
                directory, T0.plusSeconds(10)).state().orElseThrow();
        assertThat(reopen.getStatus()).isEqualTo(LifecycleStatus.HELD);
        assertThat(timeline(reopen)).last().isEqualTo("ignored: reopen ignored: alert is open");
    }

    @Test
    void aReaderBuiltBeforeHeldReadsAHeldPageAsUnknownAndEitherSchemaReadsTheOther() throws Exception {
        // The schema as it was before HELD and waitingFor, rebuilt from today's.
        ObjectMapper json = new ObjectMapper();
        ObjectNode before = (ObjectNode) json.readTree(AlertLifecycle.getClassSchema().toString());
        ArrayNode fields = (ArrayNode) before.get("fields");
        for (int i = fields.size() - 1; i >= 0; i--) {
            if (fields.get(i).get("name").asText().equals("waitingFor")) {
                fields.remove(i);
            } else if (fields.get(i).get("name").asText().equals("status")) {
                ArrayNode symbols = (ArrayNode) fields.get(i).get("type").get("symbols");
                symbols.remove(symbols.size() - 1);
            }
        }
        Schema old = new Schema.Parser().parse(before.toString());
        Schema now = AlertLifecycle.getClassSchema();
        assertThat(SchemaCompatibility.checkReaderWriterCompatibility(old, now).getType())
                .isEqualTo(SchemaCompatibilityType.COMPATIBLE);
        assertThat(SchemaCompatibility.checkReaderWriterCompatibility(now, old).getType())
                .isEqualTo(SchemaCompatibilityType.COMPATIBLE);

        AlertLifecycle held = lifecycle.routed(Optional.empty(), routed(SourceStatus.NEW), directory, T0).state()
                .orElseThrow();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(bytes, null);
        new SpecificDatumWriter<AlertLifecycle>(now).write(held, encoder);
        encoder.flush();
        GenericRecord read = new GenericDatumReader<GenericRecord>(now, old).read(null,
                DecoderFactory.get().binaryDecoder(bytes.toByteArray(), null));
        assertThat(read.get("status").toString()).isEqualTo("UNKNOWN");
    }

    @Test
    void aFallbackUserThatCouldNotBeAUserIdIsRefusedAtStartUpNamingTheSetting() {
        assertThatThrownBy(() -> EscalateConfig.from(PagerConfig.empty().with("escalate.fallback.user", "Lead Admin")))
                .isInstanceOf(ConfigException.class)
                .hasMessage("setting escalate.fallback.user must be an on-call user id (1-64 lower-case letters,"
                        + " digits, '.', '_' or '-', as in the users file), was 'Lead Admin'");
        assertThat(EscalateConfig.from(PagerConfig.empty()).fallbackUser()).isEmpty();
        assertThat(EscalateConfig.from(PagerConfig.empty().with("escalate.fallback.user", "soc-lead")).fallbackUser())
                .contains("soc-lead");
    }
}
