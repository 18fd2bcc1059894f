package io.sentinelpager.platform.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sentinelpager.platform.config.PagerConfig;
import io.sentinelpager.platform.config.PlatformConfig;
import io.sentinelpager.platform.kafka.TopicProvisioner;
import io.sentinelpager.platform.local.LocalCluster;
import io.sentinelpager.schemas.SecurityAlert;
import io.sentinelpager.schemas.TopicSpec;
import io.sentinelpager.testkit.LocalClusterExtension;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Consumed;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two processes of one Streams service on one host, as a compose file's replicas run them, with no id set by hand:
 * each is a static member of the group under an id of its own, one that stops hands its partitions over at once, and
 * one that restarts with its state directory is the same member again.
 */
@ExtendWith(LocalClusterExtension.class)
class StaticMembershipIT {

    static final int PARTITIONS = 4;

    @TempDir
    Path stateDir;

    @Test
    void eachProcessIsAMemberOfItsOwnAndOneThatStopsHandsItsPartitionsOverAtOnce(LocalCluster cluster)
            throws Exception {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        TopicSpec<String, SecurityAlert> in = new TopicSpec<>("test.members-in." + suffix, String.class,
                SecurityAlert.class, PARTITIONS, Map.of());
        String name = "members-" + suffix;
        PagerConfig config = PagerConfig.empty().with(cluster.settings()).with(Map.of(
                PlatformConfig.STATE_DIR.name(), stateDir.toString(),
                PlatformConfig.PROVISION_TOPICS.name(), "false",
                PlatformConfig.HEALTH_PORT.name(), "0",
                // A static member that stopped without leaving would keep its partitions for five minutes.
                "kafka.session.timeout.ms", "300000"));
        ServiceFactory service = context -> {
            StreamsBuilder builder = new StreamsBuilder();
            builder.stream(in.name(), Consumed.with(Serdes.String(), Serdes.ByteArray()).withName("read"))
                    .foreach((key, value) -> { });
            return new StreamsService(name, builder.build(), context);
        };
        String group = StreamsService.applicationId(name);
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", cluster.bootstrapServers()))) {
            new TopicProvisioner(admin, (short) 1).ensure(List.of(in));
            ServiceRunner first = ServiceRunner.start(config, Map.of(name, service), Clock.systemUTC());
            Set<String> ids;
            try {
                ServiceRunner second = ServiceRunner.start(config, Map.of(name, service), Clock.systemUTC());
                await("both processes share the partitions").atMost(Duration.ofSeconds(90))
                        .until(() -> assigned(admin, group).size() == 2
                                && assigned(admin, group).values().stream().allMatch(n -> n > 0));
                ids = assigned(admin, group).keySet();
                assertThat(ids).as("each process a static member under an id of its own").hasSize(2)
                        .allSatisfy(id -> assertThat(id).startsWith(group + "-"));

                second.close();
                await("the process left running has every partition").atMost(Duration.ofSeconds(90))
                        .until(() -> assigned(admin, group).values().stream().toList().equals(List.of(PARTITIONS)));

                try (ServiceRunner again = ServiceRunner.start(config, Map.of(name, service), Clock.systemUTC())) {
                    await("the restarted process back in the group").atMost(Duration.ofSeconds(90))
                            .until(() -> assigned(admin, group).size() == 2);
                    assertThat(assigned(admin, group).keySet()).as("the same members as before the stop")
                            .isEqualTo(ids);
                }
            } finally {
                first.close();
            }
        }
    }

    /** Partitions assigned per static member id of the group; a member without one counts under "". */
    private static Map<String, Integer> assigned(Admin admin, String group) throws Exception {
        Collection<MemberDescription> members = admin.describeConsumerGroups(List.of(group)).all().get().get(group)
                .members();
        return members.stream().collect(Collectors.toMap(m -> m.groupInstanceId().orElse(""),
                m -> m.assignment().topicPartitions().size(), Integer::sum));
    }
}
