package io.sentinelpager.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.sentinelpager.emulator.AzureEmulator;
import io.sentinelpager.emulator.EmulatorOptions;
import io.sentinelpager.emulator.Fault;
import io.sentinelpager.emulator.LoggedRequest;
import io.sentinelpager.emulator.SampleAlerts;
import io.sentinelpager.platform.local.LocalCluster;
import io.sentinelpager.platform.service.Service;
import io.sentinelpager.platform.service.ServiceContext;
import io.sentinelpager.schemas.ConnectorHealth;
import io.sentinelpager.schemas.Topics;
import io.sentinelpager.testkit.LocalClusterExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two ingest instances share six connectors, each its own tenant (its own emulator), without ever polling one at the
 * same time. Every list call is slowed to 250 ms, so a connector polled by both instances would show calls that
 * overlap in its emulator's request log; one instance's poller never overlaps its own calls.
 */
@ExtendWith(LocalClusterExtension.class)
class IngestScaleIT {

    static final int CONNECTORS = Topics.INGEST_PARTITIONS;

    @TempDir
    Path dir;

    @Test
    void twoInstancesNeverPollTheSameConnectorAtOnce(LocalCluster cluster) throws Exception {
        Map<String, AzureEmulator> tenants = new LinkedHashMap<>();
        List<Service> instances = new ArrayList<>();
        try {
            // One connector in each partition, so that the group must split them between the two instances.
            Set<Integer> partitions = new HashSet<>();
            while (tenants.size() < CONNECTORS) {
                String id = IngestTestKit.unique("scale");
                if (partitions.add(IngestLoop.partitionOf(id, Topics.INGEST_PARTITIONS))) {
                    AzureEmulator azure = AzureEmulator.start(EmulatorOptions.defaults());
                    azure.alerts().add(SampleAlerts.defenderEndpoint());
                    azure.faults().inject("graph.alerts.list", Fault.latency(Duration.ofMillis(250)).percent(100));
                    tenants.put(id, azure);
                }
            }
            Map<String, String> settings = new HashMap<>();
            tenants.forEach((id, azure) -> settings.putAll(IngestTestKit.connector(id, azure, dir)));
            settings.put(IngestConfig.GROUP_ID.name(), IngestTestKit.unique("ingest-scale"));
            settings.put(IngestConfig.POLL_INTERVAL.name(), "200ms");

            ServiceContext a = IngestTestKit.context(cluster, with(settings, "a"));
            instances.add(IngestApp.create(a));
            instances.get(0).start();
            try (IngestTestKit.Reader health = new IngestTestKit.Reader(a, List.of(Topics.CONNECTOR_HEALTH.name()),
                    r -> tenants.containsKey(r.key()))) {
                assertThat(health.readUntil(r -> pollers(health).keySet().size() == CONNECTORS,
                        Duration.ofSeconds(60))).as("instance a polls every connector").isTrue();

                instances.add(IngestApp.create(IngestTestKit.context(cluster, with(settings, "b"))));
                instances.get(1).start();
                assertThat(health.readUntil(r -> pollers(health).values().stream().anyMatch(s -> s.contains("b")),
                        Duration.ofSeconds(60))).as("instance b takes some connectors over").isTrue();
                // Both poll side by side for a while.
                health.readUntil(r -> false, Duration.ofSeconds(8));

                Map<String, Set<String>> byConnector = pollers(health);
                System.out.println("IngestScaleIT: instances per connector " + byConnector);
                Set<String> lastOwners = new TreeSet<>();
                tenants.keySet().forEach(id -> lastOwners.add(lastOwner(health, id)));
                assertThat(lastOwners).as("the work is shared").containsExactly("a", "b");
            }
            instances.forEach(Service::close);

            int calls = 0;
            for (Map.Entry<String, AzureEmulator> tenant : tenants.entrySet()) {
                List<LoggedRequest> lists = tenant.getValue().requests().of("graph.alerts.list");
                calls += lists.size();
                for (int i = 1; i < lists.size(); i++) {
                    LoggedRequest before = lists.get(i - 1);
                    LoggedRequest next = lists.get(i);
                    assertThat(next.sinceStart()).as("connector %s: call %d began before call %d ended",
                            tenant.getKey(), i, i - 1).isGreaterThanOrEqualTo(before.sinceStart().plus(before.took()));
                }
            }
            System.out.println("IngestScaleIT: " + calls + " list calls over " + CONNECTORS
                    + " connectors, none overlapping");
            assertThat(calls).as("enough polls to see an overlap").isGreaterThan(CONNECTORS * 10);
        } finally {
            instances.forEach(Service::close);
            tenants.values().forEach(AzureEmulator::close);
        }
    }

    private static Map<String, String> with(Map<String, String> settings, String instance) {
        Map<String, String> out = new HashMap<>(settings);
        out.put(IngestConfig.INSTANCE_ID.name(), instance);
        return out;
    }

    /** Connector → the instances that reported its health. */
    private static Map<String, Set<String>> pollers(IngestTestKit.Reader health) {
        Map<String, Set<String>> out = new HashMap<>();
        for (ConnectorHealth h : health.values(ConnectorHealth.class)) {
            out.computeIfAbsent(h.getConnectorId(), k -> new TreeSet<>()).add(h.getInstanceId());
        }
        return out;
    }

    private static String lastOwner(IngestTestKit.Reader health, String connector) {
        List<ConnectorHealth> all = health.values(ConnectorHealth.class).stream()
                .filter(h -> h.getConnectorId().equals(connector)).toList();
        return all.get(all.size() - 1).getInstanceId();
    }
}
