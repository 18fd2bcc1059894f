package io.sentinelpager.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.specific.SpecificData;
import org.junit.jupiter.api.Test;

class TopicsTest {

    @Test
    void topicNamesAreUnique() {
        Set<String> names = new HashSet<>();
        for (TopicSpec<String, ?> topic : Topics.ALL) {
            assertThat(names.add(topic.name())).as("duplicate topic %s", topic.name()).isTrue();
        }
    }

    @Test
    void topicsJoinedByAlertKeyAreCoPartitioned() {
        // escalate reads these four together; unequal partition counts would send one alert's records to two tasks.
        assertThat(List.of(Topics.ALERTS_ROUTED, Topics.ALERT_ACTIONS, Topics.NOTIFICATIONS_RECEIPTS,
                Topics.PAGES_FORGOTTEN))
                .extracting(TopicSpec::partitions).containsOnly(Topics.ALERT_PARTITIONS);
    }

    @Test
    void eachUrgentTwinIsReadInItsTopicsTaskAndKeptAsLong() {
        // A reader takes both lanes of a partition in one task: same partitions, key, value and retention.
        Map<TopicSpec<String, ?>, TopicSpec<String, ?>> twins = Map.of(Topics.ALERTS_RAW_URGENT, Topics.ALERTS_RAW,
                Topics.ALERTS_ENRICHED_URGENT, Topics.ALERTS_ENRICHED, Topics.ALERTS_ROUTED_URGENT, Topics.ALERTS_ROUTED,
                Topics.NOTIFICATIONS_URGENT, Topics.NOTIFICATIONS_OUT);
        assertThat(twins.keySet()).extracting(TopicSpec::name).containsExactlyInAnyOrder("alerts.raw.urgent",
                "alerts.enriched.urgent", "alerts.routed.urgent", "notifications.urgent");
        twins.forEach((urgent, topic) -> {
            assertThat(urgent.name()).endsWith(".urgent");
            assertThat(urgent).usingRecursiveComparison().ignoringFields("name").isEqualTo(topic);
            assertThat(Topics.ALERT_FLOW).contains(urgent, topic);
        });
    }

    @Test
    void theAlertPartitionsSettingReachesEveryTopicOfTheAlertFlowAndNoOther() {
        assertThat(Topics.ALERT_FLOW).extracting(TopicSpec::partitions).containsOnly(Topics.ALERT_PARTITIONS);
        List<String> flow = Topics.ALERT_FLOW.stream().map(TopicSpec::name).toList();
        assertThat(Topics.withAlertPartitions(12)).allSatisfy(topic -> assertThat(topic.partitions())
                .as("%s", topic.name()).isEqualTo(flow.contains(topic.name()) ? 12
                        : Topics.byName(topic.name()).orElseThrow().partitions()));
        assertThat(Topics.withAlertPartitions(12)).extracting(TopicSpec::name)
                .containsExactlyElementsOf(Topics.ALL.stream().map(TopicSpec::name).toList());
    }

    @Test
    void ingestTopicsShareThePartitionOfTheirConnector() {
        // ingest reads a connector's watermark, seen alerts and health from one partition number of each.
        assertThat(List.of(Topics.INGEST_WATERMARKS, Topics.INGEST_SEEN, Topics.CONNECTOR_HEALTH))
                .extracting(TopicSpec::partitions).containsOnly(Topics.INGEST_PARTITIONS);
    }

    @Test
    void stateAndConfigTopicsAreCompacted() {
        assertThat(Topics.ALERT_STATE.compacted()).isTrue();
        assertThat(Topics.CONFIG_POLICIES.compacted()).isTrue();
        assertThat(Topics.INGEST_WATERMARKS.compacted()).isTrue();
        assertThat(Topics.INGEST_SEEN.compacted()).isTrue();
        assertThat(Topics.CONNECTOR_HEALTH.compacted()).isTrue();
        assertThat(Topics.PUSH_SUBSCRIPTIONS.compacted()).isTrue();
        assertThat(Topics.REPORTS_RESPONSE.compacted()).isTrue();
        assertThat(Topics.REPORTS_RULE_NOISE.compacted()).isTrue();
        assertThat(Topics.ALERTS_RAW.compacted()).isFalse();
    }

    @Test
    void whatIngestHasSeenIsCompactedAndExpiresAfterItsRetention() {
        assertThat(Topics.INGEST_SEEN.config()).containsEntry("cleanup.policy", "compact,delete")
                .containsEntry("retention.ms", String.valueOf(30L * 24 * 3600 * 1000));
    }

    @Test
    void deadLetterTopicNameResolvesToItsSource() {
        assertThat(Topics.ALERTS_RAW.deadLetterTopic()).isEqualTo("alerts.raw.dlq");
        assertThat(Topics.byName("alerts.raw.dlq")).contains(Topics.ALERTS_RAW);
        assertThat(Topics.byName("no.such.topic")).isEmpty();
    }

    @Test
    void everyEnumHasADefaultSoNewSymbolsDoNotBreakOldReaders() {
        List<String> missing = new ArrayList<>();
        for (TopicSpec<String, ?> topic : Topics.ALL) {
            Schema schema = SpecificData.get().getSchema(topic.valueType());
            visit(schema, new HashSet<>(), missing);
        }
        assertThat(missing).as("enums without a default symbol").isEmpty();
    }

    @Test
    void everyOptionalFieldDefaultsToNull() {
        List<String> missing = new ArrayList<>();
        for (TopicSpec<String, ?> topic : Topics.ALL) {
            for (Schema.Field field : SpecificData.get().getSchema(topic.valueType()).getFields()) {
                if (field.schema().isNullable() && !field.hasDefaultValue()) {
                    missing.add(topic.name() + "." + field.name());
                }
            }
        }
        assertThat(missing).as("nullable fields without a default").isEmpty();
    }

    /**
     * A registry with the usual BACKWARD rule accepts the sealed schema over the clear one, and a reader of the sealed
     * schema still decodes a record from before (with no blob, which notify skips) instead of failing on it.
     */
    @Test
    void theSealedPushSubscriptionReadsRecordsOfTheClearTextSchema() {
        Schema clear = new Schema.Parser().parse("""
                {"type":"record","name":"PushSubscription","namespace":"io.sentinelpager.schemas","fields":[
                  {"name":"userId","type":"string"},
                  {"name":"endpoint","type":"string"},
                  {"name":"p256dh","type":"string"},
                  {"name":"auth","type":"string"},
                  {"name":"subscribedAt","type":{"type":"long","logicalType":"timestamp-millis"}}]}""");

        assertThat(SchemaCompatibility.checkReaderWriterCompatibility(PushSubscription.getClassSchema(), clear)
                .getType()).isEqualTo(SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE);
        assertThat(PushSubscription.getClassSchema().getFields()).extracting(Schema.Field::name)
                .doesNotContain("endpoint", "p256dh", "auth");
    }

    /**
     * notify reads requests escalate wrote before the alert's connector and creation time were carried (a request
     * waiting in notifications.out during an upgrade): they decode, with neither; and an old notify ignores them.
     */
    @Test
    void aNotificationRequestReadsRecordsFromBeforeTheTimeToPageFields() {
        Schema before = new Schema.Parser().parse("""
                {"type":"record","name":"NotificationRequest","namespace":"io.sentinelpager.schemas","fields":[
                  {"name":"notificationId","type":"string"},
                  {"name":"alertKey","type":"string"},
                  {"name":"userId","type":"string"},
                  {"name":"contactMethod","type":{"type":"enum","name":"ContactMethodType",
                   "symbols":["UNKNOWN","INBOX","PUSH","SMS","VOICE","EMAIL","TEAMS","NTFY","WEBHOOK"],
                   "default":"UNKNOWN"}},
                  {"name":"address","type":"string"},
                  {"name":"severity","type":{"type":"enum","name":"Severity","symbols":["UNKNOWN","INFORMATIONAL","LOW",
                   "MEDIUM","HIGH"],"default":"UNKNOWN"}},
                  {"name":"urgency","type":{"type":"enum","name":"Urgency","symbols":["HIGH","LOW"],"default":"HIGH"}},
                  {"name":"title","type":"string"},
                  {"name":"body","type":"string"},
                  {"name":"escalationStep","type":"int","default":0},
                  {"name":"summary","type":["null","string"],"default":null},
                  {"name":"alsoPaged","type":{"type":"array","items":"string"},"default":[]},
                  {"name":"requestedAt","type":{"type":"long","logicalType":"timestamp-millis"}}]}""");

        assertThat(SchemaCompatibility.checkReaderWriterCompatibility(NotificationRequest.getClassSchema(), before)
                .getType()).isEqualTo(SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE);
        assertThat(SchemaCompatibility.checkReaderWriterCompatibility(before, NotificationRequest.getClassSchema())
                .getType()).as("an old notify reads the new requests").isEqualTo(
                        SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE);
    }

    private static void visit(Schema schema, Set<String> seen, List<String> missing) {
        switch (schema.getType()) {
            case ENUM -> {
                if (schema.getEnumDefault() == null) {
                    missing.add(schema.getFullName());
                }
            }
            case RECORD -> {
                if (seen.add(schema.getFullName())) {
                    schema.getFields().forEach(f -> visit(f.schema(), seen, missing));
                }
            }
            case ARRAY -> visit(schema.getElementType(), seen, missing);
            case MAP -> visit(schema.getValueType(), seen, missing);
            case UNION -> schema.getTypes().forEach(t -> visit(t, seen, missing));
            default -> { }
        }
    }
}
