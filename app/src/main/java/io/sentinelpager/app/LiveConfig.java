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

    static final List<TopicSpec<String, ?>> TOPICS = List.of(Topics.CONFIG_USERS, Topics.CONFIG_TEAMS,
            Topics.CONFIG_SCHEDULES, Topics.CONFIG_ESCALATIONS, Topics.CONFIG_POLICIES);

    private LiveConfig() {
    }

    /** Topic name → (key → record), without deleted keys. */
    static Map<String, Map<String, SpecificRecord>> read(ServiceContext context) {
        return CompactedTopics.read(context, TOPICS.stream().map(TopicSpec::name).toList());
    }
}
