package io.sentinelpager.platform.kafka;

import io.sentinelpager.schemas.TopicSpec;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the catalog's topics, and their dead-letter topics, where they are missing. Existing topics are left as
 * they are (an operator may have tuned them) but a partition count that differs from the catalog is reported,
 * because co-partitioned topics with unequal counts would split one alert's records across tasks.
 */
public final class TopicProvisioner {

    private static final Logger log = LoggerFactory.getLogger(TopicProvisioner.class);
    private static final Map<String, String> DLQ_CONFIG =
            Map.of("cleanup.policy", "delete", "retention.ms", String.valueOf(30L * 24 * 3600 * 1000));

    private final Admin admin;
    private final short replicationFactor;

    public TopicProvisioner(Admin admin, short replicationFactor) {
        this.admin = admin;
        this.replicationFactor = replicationFactor;
    }

    /** Ensures every topic exists; returns the names it created. */
    public List<String> ensure(Collection<? extends TopicSpec<?, ?>> topics) {
        try {
            Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            List<NewTopic> missing = new ArrayList<>();
            for (TopicSpec<?, ?> topic : topics) {
                if (!existing.contains(topic.name())) {
                    missing.add(new NewTopic(topic.name(), topic.partitions(), replicationFactor).configs(topic.config()));
                }
                if (!existing.contains(topic.deadLetterTopic())) {
                    missing.add(new NewTopic(topic.deadLetterTopic(), 1, replicationFactor).configs(DLQ_CONFIG));
                }
            }
            List<String> created = new ArrayList<>();
            for (NewTopic topic : missing) {
                try {
                    admin.createTopics(List.of(topic)).all().get(30, TimeUnit.SECONDS);
                    created.add(topic.name());
                } catch (ExecutionException e) {
                    // Another instance starting at the same moment created it first: that is what we wanted.
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw e;
                    }
                }
            }
            checkPartitions(topics, existing);
            if (!created.isEmpty()) {
                log.info("created topics {}", created);
            }
            return created;
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot provision topics: " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("cannot provision topics: the cluster did not answer within 30 s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while provisioning topics", e);
        }
    }

    private void checkPartitions(Collection<? extends TopicSpec<?, ?>> topics, Set<String> existing)
            throws ExecutionException, InterruptedException, TimeoutException {
        List<String> names = topics.stream().map(TopicSpec::name).filter(existing::contains).toList();
        if (names.isEmpty()) {
            return;
        }
        Map<String, TopicDescription> descriptions = admin.describeTopics(names).allTopicNames().get(30, TimeUnit.SECONDS);
        for (TopicSpec<?, ?> topic : topics) {
            TopicDescription d = descriptions.get(topic.name());
            if (d != null && d.partitions().size() != topic.partitions()) {
                log.warn("topic {} has {} partitions, the catalog says {}; topics read together must have equal counts",
                        topic.name(), d.partitions().size(), topic.partitions());
            }
        }
    }
}
