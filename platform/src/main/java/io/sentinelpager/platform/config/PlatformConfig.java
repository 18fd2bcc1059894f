package io.sentinelpager.platform.config;

import io.sentinelpager.schemas.TopicSpec;
import io.sentinelpager.schemas.Topics;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Settings every service shares: where the cluster and the registry are, where state lives, the health address. */
public record PlatformConfig(String bootstrapServers, String registryUrl, String healthHost, int healthPort,
                             Path stateDir, String instanceId,
                             short replicationFactor, int alertPartitions, boolean provisionTopics, Duration shutdownTimeout,
                             Duration stallTimeout, Map<String, String> kafkaProperties) {

    public static final ConfigKey BOOTSTRAP_SERVERS = ConfigKey.of("kafka.bootstrap.servers", "localhost:9092",
            "Kafka bootstrap servers, host:port[,host:port]");
    public static final ConfigKey REGISTRY_URL = ConfigKey.of("registry.url", "http://localhost:8080/apis/registry/v3",
            "Apicurio Registry v3 API base URL; Confluent-compatible tools use the same server at /apis/ccompat/v7");
    // Health and metrics tell whoever reaches them which services run and how busy they are: loopback unless widened.
    public static final ConfigKey HEALTH_HOST = ConfigKey.of("health.host", "127.0.0.1",
            "address /health/live, /health/ready and /metrics listen on; 0.0.0.0 (every address) in a container"
                    + " or for a scraper on another host");
    public static final ConfigKey HEALTH_PORT = ConfigKey.of("health.port", "8081",
            "port of /health/live, /health/ready and /metrics; 0 picks a free port");
    public static final ConfigKey STATE_DIR = ConfigKey.of("state.dir",
            Path.of(System.getProperty("java.io.tmpdir"), "sentinel-pager", "state").toString(),
            "directory for Kafka Streams state stores, under which each process on a host takes a directory of its"
                    + " own (instance-1, instance-2, ...: the first no running process holds), so that a second"
                    + " instance on the same host does not find the first one's lock; keep it out of the OS's"
                    + " temporary directory in production");
    public static final ConfigKey INSTANCE_ID = ConfigKey.of("instance.id", "",
            "names this process in its consumer groups (static membership: a restarted process takes its partitions"
                    + " back at once instead of after a rebalance); default <host name>-<id kept in its state"
                    + " directory>, so each process on a host, or container, has its own without setting it");
    public static final ConfigKey REPLICATION_FACTOR = ConfigKey.of("topics.replication.factor", "3",
            "replication factor of topics created at start-up; 1 only for a single-broker cluster");
    public static final ConfigKey ALERT_PARTITIONS = ConfigKey.of("topics.alert.partitions",
            String.valueOf(Topics.ALERT_PARTITIONS), "partitions of the alert flow's topics (alerts.*, alert.*,"
                    + " notifications.*, sync.*, notify.sends, escalate.pages-forgotten), given when they are created:"
                    + " the most instances of each alert service that get work. Topics that exist keep their count:"
                    + " pager topics check reports a difference, and a service will not start with one");
    public static final ConfigKey PROVISION_TOPICS = ConfigKey.of("topics.provision", "true",
            "create missing topics from the catalog at start-up");
    public static final ConfigKey SHUTDOWN_TIMEOUT = ConfigKey.of("shutdown.timeout", "30s",
            "how long a service may take to finish in-flight work on SIGTERM");
    public static final ConfigKey STALL_TIMEOUT = ConfigKey.of("health.stall.timeout", "10s",
            "how long a stream thread may go without polling or processing, or a loop's cycle may run or keep failing,"
                    + " before /health/ready reports its service DOWN");
    public static final ConfigKey KAFKA_CLIENT = ConfigKey.of("kafka." + ConfigKey.ANY, null,
            "any Kafka client setting, e.g. kafka.security.protocol; handed to every client without the prefix");

    /** Every setting every service reads; each service's config class lists its own beside these. */
    public static final List<ConfigKey> KEYS = List.of(BOOTSTRAP_SERVERS, REGISTRY_URL, HEALTH_HOST, HEALTH_PORT,
            STATE_DIR, INSTANCE_ID, REPLICATION_FACTOR, ALERT_PARTITIONS, PROVISION_TOPICS, SHUTDOWN_TIMEOUT, STALL_TIMEOUT, KAFKA_CLIENT);

    /** The catalog as this cluster's topics are to be: the alert flow's at {@link #alertPartitions()}. */
    public List<TopicSpec<String, ?>> topics() {
        return Topics.withAlertPartitions(alertPartitions);
    }

    /**
     * The setting, or else this host's name: a process started by {@code ServiceRunner} has the setting (the
     * record's {@code instanceId}, blank without it: then Streams services run without static membership, as
     * tests that start several instances in one process do), and this fallback names ingest in tools and tests.
     */
    public static String instanceId(PagerConfig config) {
        String given = config.string(INSTANCE_ID);
        if (!given.isBlank()) {
            return groupMemberName(INSTANCE_ID, given);
        }
        try {
            return InetAddress.getLocalHost().getHostName().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9._-]", "-");
        } catch (UnknownHostException e) {
            throw new ConfigException("cannot tell this host's name; set " + INSTANCE_ID.name());
        }
    }

    /**
     * The value of a setting that names a consumer group or one of its members, if Kafka and every log and metric
     * that shows it can take it: 1-100 letters, digits, '.', '_' or '-'.
     */
    public static String groupMemberName(ConfigKey key, String value) {
        if (!value.matches("[A-Za-z0-9._-]{1,100}")) {
            throw new ConfigException("setting " + key.name() + " must be 1-100 letters, digits, '.', '_' or '-', was '"
                    + value + "'");
        }
        return value;
    }

    public static PlatformConfig from(PagerConfig config) {
        int rf = config.integer(REPLICATION_FACTOR);
        if (rf < 1 || rf > Short.MAX_VALUE) {
            throw new ConfigException("setting " + REPLICATION_FACTOR.name() + " must be at least 1, was " + rf);
        }
        int alertPartitions = config.integer(ALERT_PARTITIONS);
        if (alertPartitions < 1) {
            throw new ConfigException("setting " + ALERT_PARTITIONS.name() + " must be at least 1, was "
                    + alertPartitions);
        }
        Duration stall = config.duration(STALL_TIMEOUT);
        if (stall.isNegative() || stall.isZero()) {
            throw new ConfigException("setting " + STALL_TIMEOUT.name() + " must be positive, was " + stall);
        }
        return new PlatformConfig(config.string(BOOTSTRAP_SERVERS), config.string(REGISTRY_URL),
                config.string(HEALTH_HOST), config.integer(HEALTH_PORT), config.path(STATE_DIR), config.string(INSTANCE_ID).isBlank() ? "" : instanceId(config), (short) rf, alertPartitions,
                config.bool(PROVISION_TOPICS),
                config.duration(SHUTDOWN_TIMEOUT), stall, config.withPrefix("kafka"));
    }
}
