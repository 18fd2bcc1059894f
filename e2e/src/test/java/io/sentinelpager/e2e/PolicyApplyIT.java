package io.sentinelpager.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sentinelpager.app.ApplyCommand;
import io.sentinelpager.app.DemoConnector;
import io.sentinelpager.emulator.SampleAlerts;
import io.sentinelpager.platform.local.LocalCluster;
import io.sentinelpager.schemas.AlertSource;
import io.sentinelpager.schemas.EnrichedAlert;
import io.sentinelpager.schemas.EnrichmentStatus;
import io.sentinelpager.schemas.RoutedAlert;
import io.sentinelpager.schemas.SecurityAlert;
import io.sentinelpager.schemas.Severity;
import io.sentinelpager.schemas.Topics;
import io.sentinelpager.testkit.Alerts;
import io.sentinelpager.testkit.LocalClusterExtension;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
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
        try (KafkaConsumer<String, SpecificRecord> routedAlerts = consumer(pipeline);
             KafkaProducer<String, SpecificRecord> producer = producer(pipeline)) {
            routedAlerts.subscribe(List.of(Topics.ALERTS_ROUTED.name()));
            publishEnriched(producer, "warm-up:" + UUID.randomUUID()); // connection and schema look-up out of the way
            // Joined, and positioned at the end, before the policy is published: a group join that outlasts one poll
            // on a loaded machine, or the topic's earlier records, must not count against the policy's two seconds.
            await("joined " + Topics.ALERTS_ROUTED.name()).atMost(Duration.ofSeconds(60))
                    .until(() -> {
                        routedAlerts.poll(Duration.ofMillis(100));
                        return !routedAlerts.assignment().isEmpty();
                    });
            routedAlerts.seekToEnd(routedAlerts.assignment());
            routedAlerts.assignment().forEach(routedAlerts::position);
            long started = System.nanoTime();
            assertThat(ApplyCommand.apply(pipeline.context, dir, false, quiet(), quiet())).isTrue();
            long applied = System.nanoTime();

            // An enriched alert straight after the apply: the time to its routing is the time the policy took to
            // take effect, without ingest's poll interval in it.
            String key = "test:" + UUID.randomUUID();
            publishEnriched(producer, key);
            RoutedAlert routed = awaitOn(routedAlerts, key);
            long tookMs = Duration.ofNanos(System.nanoTime() - applied).toMillis();
            System.out.printf("PolicyApplyIT: pager apply took %d ms; the next alert was routed by the new policy"
                    + " %d ms after it was published%n", Duration.ofNanos(applied - started).toMillis(), tookMs);
            assertThat(routed.getPolicyId()).isEqualTo(policyId);
            assertThat(routed.getPolicyVersion()).isEqualTo(1);
            assertThat(tookMs).as("published to first alert routed by the new policy, ms").isLessThanOrEqualTo(2000);
        }

        // And through the whole pipeline: an alert added in Azure is routed by it too.
        ObjectNode added = pipeline.azure.alerts().add(SampleAlerts.defenderEndpoint());
        RoutedAlert viaIngest = awaitOn(pipeline, Topics.ALERTS_ROUTED.name(),
                DemoConnector.ID + ":" + added.get("id").asText());
        assertThat(viaIngest.getPolicyId()).isEqualTo(policyId);
    }

    private static SecurityAlert normalizedSample(String key) {
        return Alerts.alert(key, Instant.now()).setConnectorId("test").setSource(AlertSource.PAGER).setAlertId(key)
                .setTitle("Suspicious execution of hidden file").setSeverity(Severity.LOW).build();
    }

    private static KafkaProducer<String, SpecificRecord> producer(Pipeline pipeline) {
        java.util.Map<String, Object> config = new java.util.HashMap<>(pipeline.context.kafkaClientConfig());
        config.putAll(pipeline.context.serdes().clientConfig());
        config.put("acks", "all");
        config.put("linger.ms", 0);
        return new KafkaProducer<>(config, new StringSerializer(), pipeline.context.serdes().anyValue().serializer());
    }

    private static void publishEnriched(KafkaProducer<String, SpecificRecord> producer, String key) throws Exception {
        producer.send(new ProducerRecord<>(Topics.ALERTS_ENRICHED.name(), key, EnrichedAlert.newBuilder()
                .setAlert(normalizedSample(key)).setStatus(EnrichmentStatus.NOT_APPLICABLE)
                .setEnrichedAt(Instant.now()).build())).get();
    }

    private static RoutedAlert awaitOn(KafkaConsumer<String, SpecificRecord> consumer, String key) {
        List<RoutedAlert> found = new ArrayList<>();
        await(key + " routed").atMost(Duration.ofSeconds(60)).until(() -> {
            for (ConsumerRecord<String, SpecificRecord> r : consumer.poll(Duration.ofMillis(50))) {
                if (key.equals(r.key())) {
                    found.add((RoutedAlert) r.value());
                }
            }
            return !found.isEmpty();
        });
        return found.get(0);
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

        // Nobody paged is only true once a page would have had time to arrive. An alert added after the suppression
        // was seen takes the same way (ingest, policy, escalate, notify) from further back; once its page is in the
        // inbox, a page of the suppressed alert would be there too.
        String later = DemoConnector.ID + ":" + pipeline.azure.alerts().add(SampleAlerts.sentinelScheduled()
                .put("title", "Paged after an informational alert " + UUID.randomUUID())).get("id").asText();
        await("a later alert's page, as a barrier").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .until(() -> pipeline.inboxText().contains(later));
        assertThat(pipeline.inboxText()).as("every inbox").doesNotContain(key);
        // Policy writes its decision and the suppression in one transaction: read to the end, nothing of it is still
        // to come, and an e-mail-only page, which no inbox shows, is ruled out as well.
        assertThat(keysToTheEnd(pipeline, Topics.ALERTS_ROUTED.name())).as("routed for paging").doesNotContain(key);
        assertThat(keysToTheEnd(pipeline, Topics.ALERTS_ROUTED_URGENT.name())).as("routed for urgent paging")
                .doesNotContain(key);
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
        return keysToTheEnd(pipeline, Topics.CONFIG_USERS.name());
    }

    private static List<String> keysToTheEnd(Pipeline pipeline, String topic) {
        List<String> ids = new ArrayList<>();
        try (KafkaConsumer<String, SpecificRecord> consumer = consumer(pipeline)) {
            // Read to the topic's end, however long that takes, rather than for a fixed five seconds: on a loaded
            // machine those could pass before the first record arrives.
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            await(topic + " read to its end").atMost(Duration.ofSeconds(60)).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> ids.add(r.key()));
                return partitions.stream().allMatch(p -> consumer.position(p) >= end.get(p));
            });
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
