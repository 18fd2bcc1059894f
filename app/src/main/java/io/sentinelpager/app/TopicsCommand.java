package io.sentinelpager.app;

import io.sentinelpager.ingest.IngestConfig;
import io.sentinelpager.platform.config.PagerConfig;
import io.sentinelpager.platform.config.PlatformConfig;
import io.sentinelpager.platform.kafka.TopicProvisioner;
import io.sentinelpager.schemas.TopicSpec;
import io.sentinelpager.schemas.Topics;
import java.io.PrintStream;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code pager topics}: the catalog, as the services create it; {@code pager topics create} creates it on a cluster
 * before anything else runs there, and {@code pager topics check} says where a cluster differs from it.
 */
@Command(name = "topics", description = "List the topic catalog: name, value type, partitions, topic config.",
        subcommands = {TopicsCommand.Create.class, TopicsCommand.Check.class})
final class TopicsCommand implements Runnable {

    @Override
    public void run() {
        System.out.printf("%-26s %-22s %4s  %s%n", "TOPIC", "VALUE", "PART", "CONFIG");
        for (TopicSpec<String, ?> t : Topics.ALL) {
            System.out.printf("%-26s %-22s %4d  %s%n", t.name(), t.valueType().getSimpleName(), t.partitions(), t.config());
        }
        System.out.println("Every topic has a dead-letter topic <topic>" + TopicSpec.DLQ_SUFFIX + ".");
        System.out.println("pager topics create -c FILE creates them on a cluster; pager topics check -c FILE compares.");
    }

    @Command(name = "create", mixinStandardHelpOptions = true,
            description = "Create every catalog topic (and dead-letter topic) the cluster lacks, with"
                    + " topics.replication.factor; existing topics are left as they are.")
    static final class Create implements Callable<Integer> {

        @CommandLine.Mixin
        ClusterOptions cluster;

        @Override
        public Integer call() {
            PagerConfig settings = cluster.settings();
            try (Admin admin = Admin.create(cluster.context(settings).kafkaClientConfig())) {
                List<String> created = create(settings, admin, System.out);
                List<TopicProvisioner.Difference> differences = differences(settings, admin);
                differences.forEach(d -> System.out.println("differs " + d));
                System.out.printf("%d topics created, %d there already%s%n", created.size(),
                        Topics.ALL.size() * 2 - created.size(),
                        differences.isEmpty() ? "" : "; " + differences.size() + " difference(s) left as they are"
                                + " (an operator may have tuned them)");
            }
            return 0;
        }
    }

    @Command(name = "check", mixinStandardHelpOptions = true,
            description = "Print where the cluster's topics differ from the catalog (missing, partitions, replication"
                    + " factor, configs); exit code 1 if they do.")
    static final class Check implements Callable<Integer> {

        @CommandLine.Mixin
        ClusterOptions cluster;

        @Override
        public Integer call() {
            PagerConfig settings = cluster.settings();
            try (Admin admin = Admin.create(cluster.context(settings).kafkaClientConfig())) {
                List<TopicProvisioner.Difference> differences = differences(settings, admin);
                if (differences.isEmpty()) {
                    System.out.printf("all %d topics as the catalog says%n", Topics.ALL.size() * 2);
                    return 0;
                }
                differences.forEach(System.out::println);
                System.out.printf("%d difference(s); pager topics create makes the missing topics, the others are"
                        + " changed with Kafka's own tools%n", differences.size());
                return 1;
            }
        }
    }

    /** Creates what is missing, printing each topic created; the names created. */
    static List<String> create(PagerConfig settings, Admin admin, PrintStream out) {
        List<String> created = provisioner(settings, admin).ensure(PlatformConfig.from(settings).topics());
        short rf = PlatformConfig.from(settings).replicationFactor();
        created.forEach(name -> out.printf("created %s (replication factor %d)%n", name, rf));
        return created;
    }

    private static TopicProvisioner provisioner(PagerConfig settings, Admin admin) {
        return new TopicProvisioner(admin, PlatformConfig.from(settings).replicationFactor());
    }

    /** Where the cluster's topics differ from the catalog, the configs a setting owns counted as the setting says. */
    private static List<TopicProvisioner.Difference> differences(PagerConfig settings, Admin admin) {
        return provisioner(settings, admin).check(PlatformConfig.from(settings).topics(), ownedConfigs(settings));
    }

    /** Topic configs a setting owns rather than the catalog: ingest sets ingest.seen's retention at start-up. */
    private static Map<String, Map<String, String>> ownedConfigs(PagerConfig settings) {
        Map<String, String> seen = new HashMap<>(Topics.INGEST_SEEN.config());
        seen.put("retention.ms", String.valueOf(settings.duration(IngestConfig.SEEN_RETENTION).toMillis()));
        return Map.of(Topics.INGEST_SEEN.name(), seen);
    }
}
