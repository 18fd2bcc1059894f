package io.sentinelpager.escalate;

import static io.sentinelpager.escalate.EscalateTopologyIT.step;
import static io.sentinelpager.escalate.EscalateTopologyIT.target;
import static io.sentinelpager.escalate.EscalateTopologyIT.user;
import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.sentinelpager.platform.config.PagerConfig;
import io.sentinelpager.platform.local.LocalCluster;
import io.sentinelpager.platform.service.ServiceContext;
import io.sentinelpager.platform.service.StreamsService;
import io.sentinelpager.schemas.ActionType;
import io.sentinelpager.schemas.AlertLifecycle;
import io.sentinelpager.schemas.EscalationChainConfig;
import io.sentinelpager.schemas.LifecycleStatus;
import io.sentinelpager.schemas.NotificationRequest;
import io.sentinelpager.schemas.SourceStatus;
import io.sentinelpager.schemas.TargetKind;
import io.sentinelpager.schemas.TeamConfig;
import io.sentinelpager.schemas.Topics;
import io.sentinelpager.testkit.LocalClusterExtension;
import io.sentinelpager.testkit.MutableClock;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The escalate topology with the real registry serdes, started before any configuration exists, as on a fresh
 * cluster where ingest pages its look-back before {@code pager apply}: what alert.state shows of a page nobody could
 * be paged for, the gauge on /metrics, and the page going out once the configuration arrives on its config topic.
 */
@ExtendWith(LocalClusterExtension.class)
class HeldPagesIT {

    static final Instant T0 = LifecycleTest.T0;

    @TempDir
    Path stateDir;
    MutableClock clock;
    SimpleMeterRegistry metrics;
    TopologyTestDriver driver;
    ServiceContext context;
    TestInputTopic<String, SpecificRecord> routed;
    TestInputTopic<String, SpecificRecord> actions;
    TestOutputTopic<String, SpecificRecord> notifications;
    TestOutputTopic<String, SpecificRecord> state;
    AlertLifecycle latest;

    void start(LocalCluster cluster, Optional<String> fallbackUser) {
        clock = new MutableClock(T0);
        metrics = new SimpleMeterRegistry();
        context = ServiceContext.of(PagerConfig.empty().with(cluster.settings()).with("state.dir", stateDir.toString()),
                metrics, clock);
        Properties properties = StreamsService.properties("escalate-held-test", context);
        EscalateConfig config = new EscalateConfig("https://pager", Duration.ofDays(14), fallbackUser);
        driver = new TopologyTestDriver(EscalateTopology.build(context, config), properties,
                T0);
        routed = driver.createInputTopic(Topics.ALERTS_ROUTED.name(), context.serdes().key().serializer(),
                context.serdes().anyValue().serializer());
        actions = driver.createInputTopic(Topics.ALERT_ACTIONS.name(), context.serdes().key().serializer(),
                context.serdes().anyValue().serializer());
        // The pages here are of high urgency: escalate writes them on the urgent lane.
        notifications = driver.createOutputTopic(Topics.NOTIFICATIONS_URGENT.name(), context.serdes().key().deserializer(),
                context.serdes().anyValue().deserializer());
        state = driver.createOutputTopic(Topics.ALERT_STATE.name(), context.serdes().key().deserializer(),
                context.serdes().anyValue().deserializer());
    }

    @AfterEach
    void stop() {
        driver.close();
    }

    @Test
    void anAlertBeforeItsTeamExistsIsHeldVisiblyThenPagedOnceWhenTheTeamIsWritten(LocalCluster cluster) {
        start(cluster, Optional.empty());
        routed.pipeInput("c1:a1", LifecycleTest.routed(SourceStatus.NEW), T0);

        AlertLifecycle held = lastState();
        assertThat(held.getStatus()).isEqualTo(LifecycleStatus.HELD);
        assertThat(held.getWaitingFor()).containsExactly("escalation:default", "team:soc");
        assertThat(held.getTimeline()).last().satisfies(e -> assertThat(e.getType() + ": " + e.getDetail())
                .isEqualTo("held: team soc on call: chain default, team soc are not configured; paged as soon as one"
                        + " of them is"));
        assertThat(heldGauge()).isEqualTo(1);
        assertThat(runSeconds(60)).as("nobody to page yet").isEmpty();

        // pager apply, a minute later: users and the team.
        publish(Topics.CONFIG_USERS.name(), "ana", user("ana"));
        publish(Topics.CONFIG_TEAMS.name(), "soc", TeamConfig.newBuilder().setId("soc").setName("SOC")
                .setMembers(List.of("ana")).build());

        assertThat(runSeconds(1)).containsExactly("c1:a1/round-0/step-0/ana/inbox");
        AlertLifecycle paged = lastState();
        assertThat(paged.getStatus()).isEqualTo(LifecycleStatus.TRIGGERED);
        assertThat(paged.getStepRecipients()).containsExactly("ana");
        assertThat(paged.getTimeline()).extracting(e -> e.getType() + ": " + e.getDetail()).contains(
                "released: team soc is configured now");
        assertThat(heldGauge()).isZero();

        // The chain arriving later changes nothing for a page that is paged already, and nothing pages twice.
        publish(Topics.CONFIG_ESCALATIONS.name(), "default", EscalationChainConfig.newBuilder().setId("default")
                .setName("default").setSteps(List.of(step(5, target(TargetKind.USER, "ana")))).build());
        assertThat(runSeconds(120)).isEmpty();
    }

    @Test
    void theFallbackUserIsPagedWhileThePageIsHeldAndCanAcknowledgeIt(LocalCluster cluster) {
        start(cluster, Optional.of("lead"));
        routed.pipeInput("c1:a1", LifecycleTest.routed(SourceStatus.NEW), T0);

        assertThat(runSeconds(1)).containsExactly("c1:a1/round-0/step-0/held/lead/inbox");
        assertThat(lastState().getStatus()).isEqualTo(LifecycleStatus.HELD);
        assertThat(heldGauge()).isEqualTo(1);

        actions.pipeInput("c1:a1", LifecycleTest.action("ack-1", ActionType.ACKNOWLEDGE, "lead"), T0);
        AlertLifecycle acknowledged = lastState();
        assertThat(acknowledged.getStatus()).isEqualTo(LifecycleStatus.ACKNOWLEDGED);
        assertThat(acknowledged.getOwner()).isEqualTo("lead");
        assertThat(heldGauge()).isZero();

        // Someone has it: the team that arrives later is not woken for it.
        publish(Topics.CONFIG_TEAMS.name(), "soc", TeamConfig.newBuilder().setId("soc").setName("SOC")
                .setMembers(List.of("ana")).build());
        assertThat(runSeconds(60)).isEmpty();
    }

    @Test
    void aTeamDeletedWhileItsPageIsOpenHoldsTheNextStepUntilTheTeamIsBack(LocalCluster cluster) {
        start(cluster, Optional.empty());
        publish(Topics.CONFIG_USERS.name(), "ana", user("ana"));
        publish(Topics.CONFIG_TEAMS.name(), "soc", TeamConfig.newBuilder().setId("soc").setName("SOC")
                .setMembers(List.of("ana", "ben")).build());
        publish(Topics.CONFIG_ESCALATIONS.name(), "default", EscalationChainConfig.newBuilder().setId("default")
                .setName("default").setSteps(List.of(step(5, target(TargetKind.USER, "ana")),
                        step(10, target(TargetKind.TEAM, "soc")))).build());
        routed.pipeInput("c1:a1", LifecycleTest.routed(SourceStatus.NEW), T0);
        assertThat(runSeconds(1)).containsExactly("c1:a1/round-0/step-0/ana/inbox");

        // pager apply --prune without the team, while ana has not answered.
        publish(Topics.CONFIG_TEAMS.name(), "soc", null);
        assertThat(runSeconds(5 * 60)).as("step 2 finds nobody").isEmpty();
        AlertLifecycle held = lastState();
        assertThat(held.getStatus()).isEqualTo(LifecycleStatus.HELD);
        assertThat(held.getTimeline()).last().satisfies(e -> assertThat(e.getDetail())
                .isEqualTo("step 2 of 2 of chain default: team soc is not configured; paged as soon as it is"));
        assertThat(heldGauge()).isEqualTo(1);

        publish(Topics.CONFIG_TEAMS.name(), "soc", TeamConfig.newBuilder().setId("soc").setName("SOC")
                .setMembers(List.of("ana", "ben")).build());
        assertThat(runSeconds(1)).containsExactly("c1:a1/round-0/step-1/ana/inbox", "c1:a1/round-0/step-1/ben/inbox");
        assertThat(lastState().getStatus()).isEqualTo(LifecycleStatus.TRIGGERED);
        assertThat(heldGauge()).isZero();
    }

    /** Fast-forwards the service's clock and the driver's wall clock: the ids of the notifications sent meanwhile. */
    private List<String> runSeconds(int seconds) {
        List<String> out = new ArrayList<>(drain());
        for (int i = 0; i < seconds; i++) {
            clock.advance(Duration.ofSeconds(1));
            driver.advanceWallClockTime(Duration.ofSeconds(1));
            out.addAll(drain());
        }
        return out;
    }

    private List<String> drain() {
        return notifications.readRecordsToList().stream()
                .map(r -> ((NotificationRequest) r.value()).getNotificationId()).toList();
    }

    private AlertLifecycle lastState() {
        for (TestRecord<String, SpecificRecord> record : state.readRecordsToList()) {
            latest = (AlertLifecycle) record.value();
        }
        return latest;
    }

    private double heldGauge() {
        return metrics.get(EscalateMetrics.PAGES_HELD).gauge().value();
    }

    /** A record on a config topic, as pager apply writes it; null deletes. */
    private void publish(String topic, String key, SpecificRecord value) {
        TestInputTopic<String, SpecificRecord> input = driver.createInputTopic(topic,
                context.serdes().key().serializer(), context.serdes().anyValue().serializer());
        input.pipeInput(key, value, clock.instant());
    }
}
