package io.sentinelpager.app;

import io.sentinelpager.oncall.config.ConfigLoader;
import io.sentinelpager.oncall.config.ConfigSet;
import io.sentinelpager.platform.config.PlatformConfig;
import io.sentinelpager.platform.service.ServiceContext;
import io.sentinelpager.schemas.PolicyConfig;
import io.sentinelpager.schemas.TopicSpec;
import io.sentinelpager.schemas.Topics;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.StringSerializer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code pager apply -f DIR}: validate everything, then publish what changed to the compacted config topics in one
 * Kafka transaction, so services see all of it or none of it. Nothing is published if anything is invalid. A policy
 * whose content changed gets the next version number, which every alert it routes records. On a cluster without the
 * config topics it first creates the catalog's topics, as a starting service would, or (with {@code topics.provision}
 * off, or when it may not) stops within seconds naming {@code pager topics create}.
 */
@Command(name = "apply", mixinStandardHelpOptions = true,
        description = "Validate a directory of YAML files and publish it to the config topics.")
public final class ApplyCommand implements Callable<Integer> {

    /** How long apply waits for the cluster before it says why it cannot go on. */
    static final Duration WAIT = Duration.ofSeconds(10);

    @Option(names = {"-f", "--file"}, required = true, description = "directory of YAML files")
    Path directory;

    @Option(names = "--prune", description = "delete (tombstone) live objects that the directory no longer defines")
    boolean prune;

    @CommandLine.Mixin
    ClusterOptions cluster;

    @Override
    public Integer call() {
        return apply(cluster.context(), directory, prune, System.out, System.err) ? 0 : 1;
    }

    public static boolean apply(ServiceContext context, Path directory, boolean prune, PrintStream out, PrintStream err) {
        ConfigLoader.Result result = ConfigLoader.load(directory);
        if (!ValidateCommand.report(result, out, err)) {
            return false;
        }
        ValidateCommand.warnAboutChannels(result.config(), context.config(), err);
        if (!configTopicsExist(context, out, err)) {
            return false;
        }
        try {
            publish(context, result.config(), prune, out);
            return true;
        } catch (KafkaException e) {
            err.println("nothing was applied: " + e.getMessage() + " (cluster " + context.platform().bootstrapServers()
                    + ")");
            return false;
        }
    }

    /**
     * The config topics exist, or are created here with the whole catalog as a starting service would (unless
     * {@code topics.provision} is off): a cluster runs with {@code auto.create.topics.enable=false}, and a record for
     * a missing topic would block the producer for its {@code max.block.ms} and then fail. Either way within
     * {@link #WAIT}, naming {@code pager topics create} when it cannot go on.
     */
    private static boolean configTopicsExist(ServiceContext context, PrintStream out, PrintStream err) {
        Map<String, Object> config = new HashMap<>(context.kafkaClientConfig());
        config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) WAIT.toMillis());
        config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) WAIT.toMillis());
        String cluster = context.platform().bootstrapServers();
        try (Admin admin = Admin.create(config)) {
            Set<String> existing;
            try {
                existing = admin.listTopics().names().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (ExecutionException | TimeoutException e) {
                err.printf("nothing was applied: the Kafka cluster at %s did not answer within %d s (%s)%n", cluster,
                        WAIT.toSeconds(), e instanceof ExecutionException ? e.getCause().getMessage() : "timed out");
                return false;
            }
            List<String> missing = LiveConfig.TOPICS.stream().map(TopicSpec::name)
                    .filter(name -> !existing.contains(name)).toList();
            if (missing.isEmpty()) {
                return true;
            }
            if (!context.platform().provisionTopics()) {
                err.printf("nothing was applied: the cluster at %s has no topic %s, and %s is off; create the topics"
                        + " with: pager topics create -c <your configuration file>%n", cluster,
                        String.join(", ", missing), PlatformConfig.PROVISION_TOPICS.name());
                return false;
            }
            try {
                List<String> created = TopicsCommand.create(context.config(), admin, out);
                out.printf("%d topics created, as pager topics create does%n", created.size());
                return true;
            } catch (RuntimeException e) {
                err.printf("nothing was applied: the cluster at %s has no topic %s, and they could not be created:"
                        + " %s%nCreate the topics with: pager topics create -c <your configuration file>%n", cluster,
                        String.join(", ", missing), e.getMessage());
                return false;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            err.println("nothing was applied: interrupted");
            return false;
        }
    }

    private static void publish(ServiceContext context, ConfigSet set, boolean prune, PrintStream out) {
        Map<String, Map<String, SpecificRecord>> live = LiveConfig.read(context);
        Map<String, Map<String, SpecificRecord>> wanted = wanted(set, live);
        Map<String, Object> config = context.transactionalProducerConfig("pager-apply-" + UUID.randomUUID());
        // The topics exist by now: what still blocks (the cluster gone meanwhile) should fail soon, not after 60 s.
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) WAIT.toMillis());
        int created = 0;
        int updated = 0;
        int deleted = 0;
        try (KafkaProducer<String, SpecificRecord> producer = new KafkaProducer<>(config, new StringSerializer(),
                context.serdes().anyValue().serializer())) {
            producer.initTransactions();
            producer.beginTransaction();
            for (Map.Entry<String, Map<String, SpecificRecord>> topic : wanted.entrySet()) {
                Map<String, SpecificRecord> current = live.get(topic.getKey());
                for (Map.Entry<String, SpecificRecord> e : topic.getValue().entrySet()) {
                    SpecificRecord before = current.get(e.getKey());
                    if (e.getValue().equals(before)) {
                        continue;
                    }
                    producer.send(new ProducerRecord<>(topic.getKey(), e.getKey(), e.getValue()));
                    out.printf("%s %s %s%n", before == null ? "created" : "updated", topic.getKey(), e.getKey());
                    if (before == null) {
                        created++;
                    } else {
                        updated++;
                    }
                }
                if (prune) {
                    for (String key : current.keySet()) {
                        if (!topic.getValue().containsKey(key)) {
                            producer.send(new ProducerRecord<>(topic.getKey(), key, null));
                            out.printf("deleted %s %s%n", topic.getKey(), key);
                            deleted++;
                        }
                    }
                }
            }
            producer.commitTransaction();
        }
        out.printf("applied: %d created, %d updated, %d deleted%n", created, updated, deleted);
    }

    /** The records to publish per topic; a policy keeps its live version unless its content changed. */
    private static Map<String, Map<String, SpecificRecord>> wanted(ConfigSet set,
                                                                   Map<String, Map<String, SpecificRecord>> live) {
        Map<String, Map<String, SpecificRecord>> out = new LinkedHashMap<>();
        out.put(Topics.CONFIG_USERS.name(), byId(set.users(), r -> r.getId()));
        out.put(Topics.CONFIG_SCHEDULES.name(), byId(set.schedules(), r -> r.getId()));
        out.put(Topics.CONFIG_ESCALATIONS.name(), byId(set.escalations(), r -> r.getId()));
        out.put(Topics.CONFIG_TEAMS.name(), byId(set.teams(), r -> r.getId()));
        Map<String, SpecificRecord> policies = new LinkedHashMap<>();
        for (PolicyConfig policy : set.policies()) {
            SpecificRecord before = live.get(Topics.CONFIG_POLICIES.name()).get(policy.getId());
            int version = 1;
            if (before instanceof PolicyConfig previous) {
                boolean same = PolicyConfig.newBuilder(policy).setVersion(previous.getVersion()).build().equals(previous);
                version = same ? previous.getVersion() : previous.getVersion() + 1;
            }
            policies.put(policy.getId(), PolicyConfig.newBuilder(policy).setVersion(version).build());
        }
        out.put(Topics.CONFIG_POLICIES.name(), policies);
        return out;
    }

    private static <T extends SpecificRecord> Map<String, SpecificRecord> byId(List<T> records,
                                                                              java.util.function.Function<T, String> id) {
        Map<String, SpecificRecord> out = new HashMap<>();
        records.forEach(r -> out.put(id.apply(r), r));
        return out;
    }
}
