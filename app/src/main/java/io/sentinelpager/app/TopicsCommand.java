package io.sentinelpager.app;

import io.sentinelpager.schemas.TopicSpec;
import io.sentinelpager.schemas.Topics;
import picocli.CommandLine.Command;

/** {@code pager topics}: the catalog, as the services create it. */
@Command(name = "topics", description = "List the topic catalog: name, value type, partitions, topic config.")
final class TopicsCommand implements Runnable {

    @Override
    public void run() {
        System.out.printf("%-24s %-22s %4s  %s%n", "TOPIC", "VALUE", "PART", "CONFIG");
        for (TopicSpec<String, ?> t : Topics.ALL) {
            System.out.printf("%-24s %-22s %4d  %s%n", t.name(), t.valueType().getSimpleName(), t.partitions(), t.config());
        }
        System.out.println("Every topic has a dead-letter topic <topic>" + TopicSpec.DLQ_SUFFIX + ".");
    }
}
