package io.sentinelpager.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sentinelpager.app.ApplyCommand;
import io.sentinelpager.app.DemoConnector;
import io.sentinelpager.emulator.SampleAlerts;
import io.sentinelpager.platform.local.LocalCluster;
import io.sentinelpager.platform.testing.LocalClusterExtension;
import io.sentinelpager.schemas.RoutedAlert;
import io.sentinelpager.schemas.Topics;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Policies published with pager apply take effect on the running pipeline; an invalid file publishes nothing. */
@ExtendWith(LocalClusterExtension.class)
class PolicyApplyIT {

    @TempDir
    Path dir;

    @Test
    void aNewPolicyRoutesTheNextAlertWithoutARestart(LocalCluster cluster) throws Exception {
        Pipeline pipeline = Pipeline.shared(cluster);
        copyExamples();
        String policyId = "hidden-files-" + UUID.randomUUID().toString().substring(0, 8);
        Files.writeString(dir.resolve("extra.yaml"), """
                policies:
                  - id: %s
                    name: Hidden files go to the lead first
                    order: 1
                    when: {title: {contains: hidden file}}
                    route: {team: soc, escalation: default, urgency: low}
                """.formatted(policyId));
        assertThat(ApplyCommand.apply(pipeline.context, dir, false, quiet(), quiet())).isTrue();

        ObjectNode alert = pipeline.azure.alerts().add(SampleAlerts.defenderEndpoint());
        String key = DemoConnector.ID + ":" + alert.get("id").asText();
        RoutedAlert routed = awaitOn(pipeline, Topics.ALERTS_ROUTED.name(), key);
        assertThat(routed.getPolicyId()).isEqualTo(policyId);
        assertThat(routed.getPolicyVersion()).isEqualTo(1);
    }

    @Test
    void aSuppressingPolicyKeepsTheAlertForAuditAndPagesNobody(LocalCluster cluster) throws Exception {
        Pipeline pipeline = Pipeline.shared(cluster);
        ObjectNode informational = SampleAlerts.sentinelScheduled();
        informational.put("severity", "informational");
        informational.put("title", "Informational " + UUID.randomUUID());
        String key = DemoConnector.ID + ":" + pipeline.azure.alerts().add(informational).get("id").asText();

        RoutedAlert suppressed = awaitOn(pipeline, Topics.ALERTS_SUPPRESSED.name(), key);
        assertThat(suppressed.getPolicyId()).isEqualTo("informational-noise");
        assertThat(suppressed.getSuppressReason()).contains("morning report");
        assertThat(pipeline.inboxText()).doesNotContain(key);
    }

    @Test
    void anInvalidPolicyIsRejectedWithFileAndLineAndNothingIsPublished(LocalCluster cluster) throws Exception {
        Pipeline pipeline = Pipeline.shared(cluster);
        copyExamples();
        Files.writeString(dir.resolve("broken.yaml"), """
                users:
                  - id: newcomer
                    name: New Comer
                policies:
                  - id: broken
                    name: Typo in the team
                    order: 2
                    route: {team: socc}
                """);
        ByteArrayOutputStream errors = new ByteArrayOutputStream();
        boolean applied = ApplyCommand.apply(pipeline.context, dir, false, quiet(),
                new PrintStream(errors, true, StandardCharsets.UTF_8));

        assertThat(applied).isFalse();
        assertThat(errors.toString(StandardCharsets.UTF_8))
                .contains("broken.yaml:8: policy broken: team 'socc' is not a defined team")
                .contains("nothing was published");
        // The valid user in the same run was not published either.
        assertThat(liveUsers(pipeline)).contains("analyst").doesNotContain("newcomer");
    }

    private List<String> liveUsers(Pipeline pipeline) throws Exception {
        List<String> ids = new ArrayList<>();
        try (KafkaConsumer<String, SpecificRecord> consumer = consumer(pipeline)) {
            consumer.subscribe(List.of(Topics.CONFIG_USERS.name()));
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> ids.add(r.key()));
            }
        }
        return ids;
    }

    private static RoutedAlert awaitOn(Pipeline pipeline, String topic, String key) {
        List<RoutedAlert> found = new ArrayList<>();
        try (KafkaConsumer<String, SpecificRecord> consumer = consumer(pipeline)) {
            consumer.subscribe(List.of(topic));
            await(key + " on " + topic).atMost(Duration.ofSeconds(60)).until(() -> {
                for (ConsumerRecord<String, SpecificRecord> r : consumer.poll(Duration.ofMillis(200))) {
                    if (key.equals(r.key())) {
                        found.add((RoutedAlert) r.value());
                    }
                }
                return !found.isEmpty();
            });
        }
        return found.get(0);
    }

    private static KafkaConsumer<String, SpecificRecord> consumer(Pipeline pipeline) {
        return new KafkaConsumer<>(pipeline.context.consumerConfig("policy-it-" + UUID.randomUUID()),
                pipeline.context.serdes().key().deserializer(), pipeline.context.serdes().anyValue().deserializer());
    }

    private void copyExamples() throws Exception {
        try (var files = Files.list(Pipeline.EXAMPLES)) {
            for (Path f : files.toList()) {
                Files.copy(f, dir.resolve(f.getFileName()));
            }
        }
    }

    private static PrintStream quiet() {
        return new PrintStream(java.io.OutputStream.nullOutputStream());
    }
}
