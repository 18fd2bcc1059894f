package io.sentinelpager.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.sentinelpager.platform.local.LocalCluster;
import io.sentinelpager.schemas.ConditionNode;
import io.sentinelpager.schemas.ConditionOp;
import io.sentinelpager.schemas.EnrichedAlert;
import io.sentinelpager.schemas.EnrichmentStatus;
import io.sentinelpager.schemas.EnrichmentTable;
import io.sentinelpager.schemas.MatchTest;
import io.sentinelpager.schemas.PolicyConfig;
import io.sentinelpager.schemas.RoutedAlert;
import io.sentinelpager.schemas.SecurityAlert;
import io.sentinelpager.schemas.Topics;
import io.sentinelpager.schemas.Urgency;
import io.sentinelpager.testkit.Alerts;
import io.sentinelpager.testkit.LocalClusterExtension;
import io.sentinelpager.testkit.MutableClock;
import io.sentinelpager.testkit.TopologyHarness;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The policy topology driven by Kafka's TopologyTestDriver with the real registry serdes: the first record of an
 * alert decides its route, and the enrichment update that follows a TIMED_OUT record goes the same way, whatever the
 * policies say of the enriched alert.
 */
@ExtendWith(LocalClusterExtension.class)
class PolicyTopologyIT {

    static final Instant T0 = Instant.parse("2026-11-29T03:00:00Z");
    static final Duration RETENTION = Duration.ofDays(1);

    @TempDir
    Path stateDir;
    TopologyHarness harness;
    MutableClock clock;
    TestInputTopic<String, SpecificRecord> enriched;
    TestInputTopic<String, SpecificRecord> policies;
    /** The routes of these tests are of high urgency, so their alerts take the urgent lane. */
    TestOutputTopic<String, SpecificRecord> routed;
    TestOutputTopic<String, SpecificRecord> routedLow;
    TestOutputTopic<String, SpecificRecord> suppressed;

    @BeforeEach
    void start(LocalCluster cluster) {
        harness = TopologyHarness.start("policy-test", cluster, stateDir, T0, Map.of(),
                context -> PolicyTopology.build(context.serdes(), new DefaultRoute(
                        new PolicyServiceConfig("soc", "default", RETENTION)), RETENTION,
                        context.clock()));
        clock = harness.clock();
        enriched = harness.input(Topics.ALERTS_ENRICHED.name());
        policies = harness.input(Topics.CONFIG_POLICIES.name());
        routed = harness.output(Topics.ALERTS_ROUTED_URGENT.name());
        routedLow = harness.output(Topics.ALERTS_ROUTED.name());
        suppressed = harness.output(Topics.ALERTS_SUPPRESSED.name());
    }

    @AfterEach
    void stop() {
        harness.close();
    }

    @Test
    void anUpdateOfAPagedAlertFollowsItsPageEvenWhenTheEnrichmentMatchesASuppressingPolicy() {
        publish(suppress("noisy-query", 10, rowsAtLeast(1)), route("soc-all", 20, false));

        enriched.pipeInput("c1:a1", timedOut("c1:a1"), T0);
        enriched.pipeInput("c1:a1", update("c1:a1", 3), T0.plusSeconds(20));

        List<KeyValue<String, SpecificRecord>> out = routed.readKeyValuesToList();
        assertThat(out).extracting(kv -> kv.key).containsExactly("c1:a1", "c1:a1");
        assertThat(out).extracting(kv -> (RoutedAlert) kv.value).allSatisfy(r -> {
            assertThat(r.getPolicyId()).isEqualTo("soc-all");
            assertThat(r.getSuppressReason()).isNull();
        });
        assertThat(((RoutedAlert) out.get(1).value).getEnriched().getRevision()).isEqualTo(1);
        assertThat(suppressed.isEmpty()).as("the enrichment reaches the page, not the audit topic").isTrue();
    }

    @Test
    void anUpdateOfASuppressedAlertStaysSuppressedAndNeverBecomesALatePage() {
        publish(suppress("empty-query", 10, not(rowsAtLeast(1))), route("soc-all", 20, false));

        enriched.pipeInput("c1:a1", timedOut("c1:a1"), T0);
        enriched.pipeInput("c1:a1", update("c1:a1", 3), T0.plusSeconds(20));

        assertThat(routed.isEmpty()).isTrue();
        assertThat(suppressed.readValuesToList()).extracting(v -> (RoutedAlert) v)
                .extracting(r -> r.getPolicyId() + " r" + r.getEnriched().getRevision())
                .containsExactly("empty-query r0", "empty-query r1");
    }

    @Test
    void aGroupedAlertStaysKeyedByItsAlertAndItsUpdateKeepsTheGroupAfterThePolicyChanged() {
        publish(route("by-incident", 10, true));
        enriched.pipeInput("c1:a1", timedOut("c1:a1"), T0);
        // The policy stops grouping before the update arrives: the update still goes to the incident's page.
        publish(PolicyConfig.newBuilder(route("by-incident", 10, false)).setVersion(2).build());
        enriched.pipeInput("c1:a1", update("c1:a1", 3), T0.plusSeconds(20));
        enriched.pipeInput("c1:a2", timedOut("c1:a2"), T0.plusSeconds(30));

        List<KeyValue<String, SpecificRecord>> out = routed.readKeyValuesToList();
        assertThat(out).extracting(kv -> kv.key + " " + ((RoutedAlert) kv.value).getGroupKey() + " v"
                        + ((RoutedAlert) kv.value).getPolicyVersion())
                .containsExactly("c1:a1 c1:incident:33 v1", "c1:a1 c1:incident:33 v1", "c1:a2 null v2");
    }

    @Test
    void aDecisionIsForgottenAfterItsRetentionSoTheStoreDoesNotGrowForEver() {
        publish(suppress("empty-query", 10, not(rowsAtLeast(1))), route("soc-all", 20, false));
        enriched.pipeInput("c1:a1", timedOut("c1:a1"), T0);
        assertThat(suppressed.readValuesToList()).hasSize(1);

        harness.advance(RETENTION.plusHours(2));
        // Nothing remembers the first record now: this one is routed as the first one would be.
        enriched.pipeInput("c1:a1", update("c1:a1", 3), clock.instant());
        assertThat(routed.readValuesToList()).extracting(v -> ((RoutedAlert) v).getPolicyId()).containsExactly("soc-all");
    }

    @Test
    void aLowUrgencyRouteTakesAlertsRoutedAndAHighOneTheUrgentLaneWhicheverLaneTheAlertCameOn() {
        publish(PolicyConfig.newBuilder(route("soc-low", 10, false)).setUrgency(Urgency.LOW).build());
        enriched.pipeInput("c1:a1", timedOut("c1:a1"), T0);
        assertThat(routedLow.readKeyValuesToList()).extracting(kv -> kv.key).containsExactly("c1:a1");

        publish(route("soc-high", 5, false));
        enriched.pipeInput("c1:a2", timedOut("c1:a2"), T0);
        harness.input(Topics.ALERTS_ENRICHED_URGENT.name()).pipeInput("c1:a3", timedOut("c1:a3"), T0);
        assertThat(routed.readRecordsToList()).extracting(r -> r.key() + " " + r.getRecordTime())
                .as("the urgent lane's record read a month early, written with its own time")
                .containsExactly("c1:a2 " + T0, "c1:a3 " + T0);
        assertThat(routedLow.isEmpty()).isTrue();
    }

    private void publish(PolicyConfig... configs) {
        for (PolicyConfig p : configs) {
            policies.pipeInput(p.getId(), p, clock.instant());
        }
    }

    static PolicyConfig route(String id, int order, boolean groupByIncident) {
        return PolicyConfig.newBuilder().setId(id).setVersion(1).setName(id).setOrder(order).setTeamId("soc")
                .setEscalationChainId("default").setUrgency(Urgency.HIGH).setGroupByIncident(groupByIncident).build();
    }

    static PolicyConfig suppress(String id, int order, List<ConditionNode> condition) {
        return PolicyConfig.newBuilder(route(id, order, false)).setTeamId("").setSuppress(true)
                .setSuppressReason(id + " is noise").setCondition(condition).build();
    }

    static List<ConditionNode> rowsAtLeast(int rows) {
        return List.of(ConditionNode.newBuilder().setOp(ConditionOp.MATCH).setField("enrichmentRows")
                .setTest(MatchTest.AT_LEAST).setValues(List.of(String.valueOf(rows))).build());
    }

    static List<ConditionNode> not(List<ConditionNode> match) {
        return List.of(ConditionNode.newBuilder().setOp(ConditionOp.NOT).setChildren(List.of(1)).build(), match.get(0));
    }

    static EnrichedAlert timedOut(String alertKey) {
        SecurityAlert alert = Alerts.alert(alertKey, T0).setIncidentId("33").setTitle("Brute force against a VM")
                .build();
        return EnrichedAlert.newBuilder().setAlert(alert).setStatus(EnrichmentStatus.TIMED_OUT).setEnrichedAt(T0)
                .build();
    }

    static EnrichedAlert update(String alertKey, long rows) {
        return EnrichedAlert.newBuilder(timedOut(alertKey)).setStatus(EnrichmentStatus.COMPLETE).setRevision(1)
                .setTables(List.of(EnrichmentTable.newBuilder().setName("PrimaryResult").setColumns(List.of())
                        .setRows(List.of()).setTotalRows(rows).build()))
                .build();
    }
}
