package io.sentinelpager.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sentinelpager.emulator.AzureEmulator;
import io.sentinelpager.emulator.EmulatorOptions;
import io.sentinelpager.emulator.IncidentPaging;
import io.sentinelpager.emulator.SampleAlerts;
import io.sentinelpager.emulator.SentinelWorkspace;
import io.sentinelpager.platform.local.LocalCluster;
import io.sentinelpager.platform.service.Service;
import io.sentinelpager.platform.service.ServiceContext;
import io.sentinelpager.schemas.AlertAction;
import io.sentinelpager.schemas.SecurityAlert;
import io.sentinelpager.schemas.SourceStatus;
import io.sentinelpager.schemas.Topics;
import io.sentinelpager.testkit.LocalClusterExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Sentinel twin of {@link IngestPagingIT}. ARM documents no {@code $count} for incidents and not what the
 * {@code $skipToken} of its nextLink holds. Were it an offset, an incident modified between two pages would leave its
 * place for the end of an oldest-modified-first listing, the incidents after it would move up by one, and the one at
 * the page boundary would land in the page already served: with the watermark simply moved to the newest incident
 * read, it would be behind it for good. Every incident's alert still reaches alerts.raw once.
 */
@ExtendWith(LocalClusterExtension.class)
class SentinelIngestPagingIT {

    /** Three pages of {@link #PAGE_SIZE}, and few enough that the connector's request budget never holds a poll up. */
    static final int INCIDENTS = 25;
    static final int PAGE_SIZE = 10;
    static final Duration WAIT = Duration.ofSeconds(60);
    static final SentinelWorkspace WORKSPACE = IngestTestKit.WORKSPACE;

    @TempDir
    Path dir;

    @Test
    void anIncidentOfTheFirstPageModifiedBeforeTheSecondShiftsNoIncidentPastIngestWhenArmPagesByOffset(
            LocalCluster cluster) {
        try (AzureEmulator azure = AzureEmulator.start(
                EmulatorOptions.defaults().withIncidentPaging(IncidentPaging.BY_OFFSET))) {
            List<String> items = addIncidents(azure);
            // Added first, so modified first: the first incident of the first page, oldest-modified first.
            String modified = items.get(0).substring(0, items.get(0).indexOf(':'));
            azure.beforeNextIncidentPage(() -> azure.incidents().change(WORKSPACE, modified,
                    JsonNodeFactory.instance.objectNode().put("status", "Active")));

            String connector = IngestTestKit.unique("spaging");
            ServiceContext context = IngestTestKit.context(cluster, settings(connector, azure));
            try (Service ingest = IngestApp.create(context);
                 IngestTestKit.Reader reader = new IngestTestKit.Reader(context,
                         List.of(Topics.ALERTS_RAW.name(), Topics.ALERT_ACTIONS.name()),
                         r -> r.key().startsWith(connector + ":"))) {
                ingest.start();
                boolean done = reader.readUntil(r -> missing(items, reader).isEmpty(), WAIT);
                assertThat(done).as("every incident's alert paged; never paged: %s", missing(items, reader)).isTrue();
                // Three more listings from their first page: an alert paged twice would show now.
                int polls = firstPages(azure);
                assertThat(reader.readUntil(r -> firstPages(azure) >= polls + 3, WAIT)).isTrue();

                assertThat(paged(reader)).as("every incident's alert paged once").hasSize(INCIDENTS)
                        .allSatisfy((item, n) -> assertThat(n).isOne());
                assertThat(reader.values(AlertAction.class)).as("the analyst's change").anySatisfy(a -> {
                    assertThat(a.getAlertKey()).startsWith(connector + ":" + modified + ":");
                    assertThat(a.getSourceStatus()).isEqualTo(SourceStatus.IN_PROGRESS);
                });
            }
        }
    }

    /** A Sentinel connector reading {@link #WORKSPACE}, {@link #PAGE_SIZE} incidents a page. */
    private Map<String, String> settings(String connector, AzureEmulator azure) {
        Map<String, String> settings = new HashMap<>(IngestTestKit.sentinelConnector(connector, azure, dir));
        settings.put(IngestConfig.GROUP_ID.name(), IngestTestKit.unique("ingest-spaging"));
        settings.put(IngestConfig.INSTANCE_ID.name(), "spaging");
        settings.put(IngestConfig.PAGE_SIZE.name(), Integer.toString(PAGE_SIZE));
        settings.put(IngestConfig.POLL_INTERVAL.name(), "300ms");
        return settings;
    }

    /** {@link #INCIDENTS} incidents of one alert each, in the order added; each as its item id, incident:alert. */
    private static List<String> addIncidents(AzureEmulator azure) {
        List<String> items = new ArrayList<>();
        for (int i = 0; i < INCIDENTS; i++) {
            ObjectNode incident = JsonNodeFactory.instance.objectNode();
            incident.putObject("properties").put("title", "Suspicious sign-ins " + i).put("severity", "Medium")
                    .put("status", "New");
            String name = azure.incidents().add(WORKSPACE, incident).get("name").asText();
            items.add(name + ":" + azure.incidents().addAlert(WORKSPACE, name, alert(i)).get("name").asText());
        }
        return items;
    }

    /** An alert entity shaped like the published sample ({@code sentinel-incident-alerts.response.json}). */
    private static ObjectNode alert(int i) {
        ObjectNode alert = ((ObjectNode) SampleAlerts.published("sentinel-incident-alerts.response.json")
                .get("value").get(0)).deepCopy();
        alert.remove(List.of("id", "name"));
        ((ObjectNode) alert.get("properties")).put("systemAlertId", UUID.randomUUID().toString())
                .put("alertDisplayName", "Sign-in from an unfamiliar location " + i)
                .put("timeGenerated", Instant.now().toString());
        return alert;
    }

    private static Set<String> missing(List<String> items, IngestTestKit.Reader reader) {
        Set<String> missing = new TreeSet<>(items);
        missing.removeAll(paged(reader).keySet());
        return missing;
    }

    /** Item id (incident:alert) → how often its alert reached alerts.raw. */
    private static Map<String, Long> paged(IngestTestKit.Reader reader) {
        return reader.values(SecurityAlert.class).stream().collect(Collectors.groupingBy(
                a -> a.getAlertKey().substring(a.getAlertKey().indexOf(':') + 1), Collectors.counting()));
    }

    /** How many listings ARM was asked for: the requests for a first page, which carry no {@code $skipToken}. */
    private static int firstPages(AzureEmulator azure) {
        return (int) azure.requests().of("sentinel.incidents.list").stream()
                .filter(r -> !r.query().contains("skipToken")).count();
    }
}
