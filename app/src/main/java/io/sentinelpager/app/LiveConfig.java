package io.sentinelpager.app;

import io.sentinelpager.platform.kafka.CompactedTopics;
import io.sentinelpager.platform.service.ServiceContext;
import io.sentinelpager.schemas.TopicSpec;
import io.sentinelpager.schemas.Topics;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;

/** What is live: the latest record per key of each compacted config topic. */
final class LiveConfig {

    /**
     * The config topics the YAML files own: {@code pager apply} publishes them, and {@code --prune} deletes what the
     * files no longer define, on these topics only.
     */
    static final List<TopicSpec<String, ?>> TOPICS = List.of(Topics.CONFIG_USERS, Topics.CONFIG_TEAMS,
            Topics.CONFIG_SCHEDULES, Topics.CONFIG_ESCALATIONS, Topics.CONFIG_POLICIES);
    /** The config topics the responder app writes: {@code pager get} shows them, {@code pager apply} never touches them. */
    static final List<TopicSpec<String, ?>> APP_TOPICS = List.of(Topics.CONFIG_OVERRIDES);

    private LiveConfig() {
    }

    /** Topic name → (key → record) of the YAML-owned topics, without deleted keys. */
    static Map<String, Map<String, SpecificRecord>> read(ServiceContext context) {
        return CompactedTopics.read(context, TOPICS.stream().map(TopicSpec::name).toList());
    }

    /** Key → record of one config topic, YAML-owned or the app's, without deleted keys. */
    static Map<String, SpecificRecord> read(ServiceContext context, String topic) {
        return CompactedTopics.read(context, List.of(topic)).get(topic);
    }
}
