package io.sentinelpager.platform.kafka;

import io.sentinelpager.platform.config.ConfigException;
import io.sentinelpager.platform.config.PlatformConfig;
import io.sentinelpager.schemas.TopicSpec;
import io.sentinelpager.schemas.Topics;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the catalog's topics, and their dead-letter topics, where they are missing. Existing topics are left as
 * they are (an operator may have tuned them) but a partition count that differs from the catalog is reported,
 * because co-partitioned topics with unequal counts would split one alert's records across tasks. A partition count
 * is never changed here: the alert flow's compacted topics (alert.state, sync.state, ...) hold the latest record per
 * key in the partition the key hashed to, and a new count would leave a key's old record in another partition, where
 * it could win over the new one. {@link #check} lists every way the cluster differs from the catalog, for
 * {@code pager topics check}.
 */
public final class TopicProvisioner {

    private static final Logger log = LoggerFactory.getLogger(TopicProvisioner.class);
    private static final Map<String, String> DLQ_CONFIG =
            Map.of("cleanup.policy", "delete", "retention.ms", String.valueOf(30L * 24 * 3600 * 1000));

    /** One way a topic differs from the catalog, as {@code pager topics check} prints it. */
    public record Difference(String topic, String what) {

        @Override
        public String toString() {
            return topic + ": " + what;
        }
    }

    private final Admin admin;
    private final short replicationFactor;

    public TopicProvisioner(Admin admin, short replicationFactor) {
        this.admin = admin;
        this.replicationFactor = replicationFactor;
    }

    /**
     * How many replicas must have a write before it counts: two where there are two, so that a page acknowledged by
     * one broker is not lost with that broker. Set on each topic, since a cluster's default is often 1.
     */
    public static String minInSyncReplicas(int replicationFactor) {
        return String.valueOf(Math.min(2, replicationFactor));
    }

    private Map<String, String> withMinInSync(Map<String, String> config) {
        Map<String, String> all = new HashMap<>(config);
        all.putIfAbsent("min.insync.replicas", minInSyncReplicas(replicationFactor));
        return all;
    }

    /** Ensures every topic exists; returns the names it created. */
    public List<String> ensure(Collection<? extends TopicSpec<?, ?>> topics) {
        try {
            Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            List<NewTopic> missing = new ArrayList<>();
            for (TopicSpec<?, ?> topic : topics) {
                if (!existing.contains(topic.name())) {
                    missing.add(new NewTopic(topic.name(), topic.partitions(), replicationFactor)
                            .configs(withMinInSync(topic.config())));
                }
                if (!existing.contains(topic.deadLetterTopic())) {
                    missing.add(new NewTopic(topic.deadLetterTopic(), 1, replicationFactor)
                            .configs(withMinInSync(DLQ_CONFIG)));
                }
            }
            if (!missing.isEmpty()) {
                checkBrokerCount();
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

    /**
     * Refuses a replication factor above the number of brokers before creating anything, rather than lowering it:
     * a topic created with fewer replicas stays so when brokers join later, and a cluster that answers with fewer
     * brokers than it should have is more often a wrong bootstrap address or a broker down than a dev cluster.
     */
    private void checkBrokerCount() throws ExecutionException, InterruptedException, TimeoutException {
        int brokers = admin.describeCluster().nodes().get(30, TimeUnit.SECONDS).size();
        if (brokers < replicationFactor) {
            throw new ConfigException("setting " + PlatformConfig.REPLICATION_FACTOR.name() + " is " + replicationFactor
                    + " but the cluster has " + brokers + " broker(s), so no topic can be created; on a cluster of "
                    + brokers + " set it to " + brokers + " (in the configuration file, or "
                    + PlatformConfig.REPLICATION_FACTOR.environmentVariable() + "=" + brokers + ")");
        }
    }

    /**
     * Every way the cluster differs from these topics and their dead-letter topics: a topic missing, a partition
     * count or a replication factor other than the catalog's and the settings', a config of the catalog with another
     * value. {@code configs} replaces the catalog's config of a topic where a setting owns it (ingest.seen's
     * retention is ingest's); configs the catalog does not name are the operator's and are not compared.
     */
    public List<Difference> check(Collection<? extends TopicSpec<?, ?>> topics, Map<String, Map<String, String>> configs) {
        try {
            Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            Map<String, Integer> wantedPartitions = new java.util.LinkedHashMap<>();
            Map<String, Map<String, String>> wantedConfigs = new java.util.LinkedHashMap<>();
            for (TopicSpec<?, ?> topic : topics) {
                wantedPartitions.put(topic.name(), topic.partitions());
                wantedConfigs.put(topic.name(), configs.getOrDefault(topic.name(), topic.config()));
                wantedPartitions.put(topic.deadLetterTopic(), 1);
                wantedConfigs.put(topic.deadLetterTopic(), DLQ_CONFIG);
            }
            List<Difference> out = new ArrayList<>();
            List<String> present = new ArrayList<>();
            wantedPartitions.keySet().forEach(name -> {
                if (existing.contains(name)) {
                    present.add(name);
                } else {
                    out.add(new Difference(name, "missing"));
                }
            });
            if (present.isEmpty()) {
                return out;
            }
            Map<String, TopicDescription> descriptions =
                    admin.describeTopics(present).allTopicNames().get(30, TimeUnit.SECONDS);
            List<ConfigResource> resources = present.stream()
                    .map(name -> new ConfigResource(ConfigResource.Type.TOPIC, name)).toList();
            Map<ConfigResource, Config> current = admin.describeConfigs(resources).all().get(30, TimeUnit.SECONDS);
            for (String name : present) {
                TopicDescription d = descriptions.get(name);
                if (d.partitions().size() != wantedPartitions.get(name)) {
                    out.add(new Difference(name, partitionsDiffer(name, d.partitions().size(),
                            wantedPartitions.get(name))));
                }
                int replicas = d.partitions().stream().mapToInt(p -> p.replicas().size()).min().orElse(0);
                if (replicas < replicationFactor) {
                    out.add(new Difference(name, "replication factor " + replicas + ", "
                            + PlatformConfig.REPLICATION_FACTOR.name() + " says " + replicationFactor));
                }
                Config config = current.get(new ConfigResource(ConfigResource.Type.TOPIC, name));
                new TreeMap<>(wantedConfigs.get(name)).forEach((key, value) -> {
                    ConfigEntry entry = config.get(key);
                    String was = entry == null ? null : entry.value();
                    if (!sameValue(was, value)) {
                        out.add(new Difference(name, key + "=" + was + ", the catalog says " + value));
                    }
                });
            }
            return out;
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot check topics: " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("cannot check topics: the cluster did not answer within 30 s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while checking topics", e);
        }
    }

    /**
     * Sets configs of an existing topic where they differ from {@code wanted}, and leaves its other configs alone:
     * for a config a service owns through a setting of its own (ingest.seen's retention is ingest's), which
     * {@link #ensure} would never change on a topic that already exists. A list-valued config (cleanup.policy)
     * is compared as a set.
     *
     * @return the configs it changed, each with the value it had
     */
    public Map<String, String> ensureConfig(String topic, Map<String, String> wanted) {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        try {
            Config current = admin.describeConfigs(List.of(resource)).all().get(30, TimeUnit.SECONDS).get(resource);
            Map<String, String> changed = new TreeMap<>();
            List<AlterConfigOp> ops = new ArrayList<>();
            new TreeMap<>(wanted).forEach((name, value) -> {
                ConfigEntry entry = current.get(name);
                String was = entry == null ? null : entry.value();
                if (!sameValue(was, value)) {
                    changed.put(name, was);
                    ops.add(new AlterConfigOp(new ConfigEntry(name, value), AlterConfigOp.OpType.SET));
                }
            });
            if (!ops.isEmpty()) {
                admin.incrementalAlterConfigs(Map.of(resource, ops)).all().get(30, TimeUnit.SECONDS);
                log.info("topic {}: set {} (was {})", topic, ops.stream().map(op -> op.configEntry().name() + "="
                        + op.configEntry().value()).toList(), changed);
            }
            return changed;
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot configure topic " + topic + ": " + e.getCause().getMessage(),
                    e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("cannot configure topic " + topic + ": the cluster did not answer within"
                    + " 30 s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while configuring topic " + topic, e);
        }
    }

    private static boolean sameValue(String current, String wanted) {
        if (current == null) {
            return false;
        }
        return Set.copyOf(List.of(current.replace(" ", "").split(",")))
                .equals(Set.copyOf(List.of(wanted.replace(" ", "").split(","))));
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
                log.warn("topic {}: {}", topic.name(), partitionsDiffer(topic.name(), d.partitions().size(),
                        topic.partitions()));
            }
        }
    }

    /**
     * A topic's partition count differs from what it should be, and what to do about it. For the alert flow's topics
     * the fix is the setting: run with the count the cluster has.
     */
    static String partitionsDiffer(String topic, int actual, int wanted) {
        if (Topics.ALERT_FLOW.stream().noneMatch(t -> t.name().equals(topic))) {
            return actual + " partitions, the catalog says " + wanted + "; topics read together must have equal counts";
        }
        return actual + " partitions, " + PlatformConfig.ALERT_PARTITIONS.name() + " says " + wanted + ": set "
                + PlatformConfig.ALERT_PARTITIONS.name() + " to the count the cluster has ("
                + PlatformConfig.ALERT_PARTITIONS.environmentVariable() + "=" + actual + "). The alert flow's topics are"
                + " not re-partitioned in place: they are read together by key, and the compacted ones keep each key's"
                + " latest record in the partition it hashed to";
    }
}
