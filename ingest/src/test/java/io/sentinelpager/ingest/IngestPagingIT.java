package io.sentinelpager.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sentinelpager.emulator.AlertListing;
import io.sentinelpager.emulator.AzureEmulator;
import io.sentinelpager.emulator.EmulatorOptions;
import io.sentinelpager.emulator.SampleAlerts;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Graph documents no order for alerts_v2, and a listing of several pages is no snapshot: a tenant that changes between
 * two pages shifts the alerts of the pages still to come. Whatever the order and whatever changes, every alert reaches
 * alerts.raw once. Each test makes a change that, with the watermark simply moved to the newest alert read, would leave
 * one alert behind it for good.
 */
@ExtendWith(LocalClusterExtension.class)
class IngestPagingIT {

    static final int ALERTS = 254;
    static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    /** The case: an analyst updates an alert of the first page; the alert at the page boundary moves up. */
    @Test
    void anUpdateOfAnAlertAlreadyReadShiftsNoAlertPastIngest(LocalCluster cluster) throws Exception {
        AlertListing listing = AlertListing.OLDEST_UPDATE_FIRST_BY_OFFSET;
        try (AzureEmulator azure = AzureEmulator.start(EmulatorOptions.defaults().withAlertListing(listing))) {
            addAlerts(azure);
            String updated = listed(azure, listing).get(0);
            azure.beforeNextAlertPage(() -> analyst(azure, updated));

            Paged paged = ingestUntilAllPaged(cluster, azure);

            assertThat(paged.times()).as("every alert paged once").hasSize(ALERTS)
                    .allSatisfy((id, n) -> assertThat(n).isOne());
            assertThat(paged.actions()).as("the analyst's change").anySatisfy(a -> {
                assertThat(a.getAlertKey()).endsWith(":" + updated);
                assertThat(a.getSourceStatus()).isEqualTo(SourceStatus.IN_PROGRESS);
            });
        }
    }

    /** Newest first: a new alert lands in front of the cursor, and an update read later lifts the watermark past it. */
    @Test
    void aNewAlertInFrontOfTheCursorIsPagedInNewestFirstOrder(LocalCluster cluster) throws Exception {
        aNewAlertInFrontOfTheCursorIsPaged(cluster, AlertListing.NEWEST_FIRST);
    }

    /** An order unrelated to time: the same, with the new alert wherever its id puts it, here in front. */
    @Test
    void aNewAlertInFrontOfTheCursorIsPagedInAnOrderUnrelatedToTime(LocalCluster cluster) throws Exception {
        aNewAlertInFrontOfTheCursorIsPaged(cluster, AlertListing.SCRAMBLED);
    }

    private void aNewAlertInFrontOfTheCursorIsPaged(LocalCluster cluster, AlertListing listing) throws Exception {
        try (AzureEmulator azure = AzureEmulator.start(EmulatorOptions.defaults().withAlertListing(listing))) {
            addAlerts(azure);
            List<String> order = listed(azure, listing);
            String lastServed = order.get(order.size() - 1);
            ObjectNode first = azure.alerts().all().stream().min(listing.order()).orElseThrow();
            String inserted = idListedBefore(first, listing);
            azure.beforeNextAlertPage(() -> {
                azure.alerts().add(SampleAlerts.random(new Random(7)).put("id", inserted));
                analyst(azure, lastServed);
            });

            Paged paged = ingestUntilAllPaged(cluster, azure);

            assertThat(paged.times()).as("every alert paged once, the new one too").hasSize(ALERTS + 1).containsKey(inserted)
                    .allSatisfy((id, n) -> assertThat(n).isOne());
        }
    }

    /** How often each alert id (at the source) reached alerts.raw, and the actions on alert.actions. */
    record Paged(Map<String, Long> times, List<AlertAction> actions) {
    }

    /** Runs ingest (100 alerts a page) until every alert the tenant has is on alerts.raw. */
    private Paged ingestUntilAllPaged(LocalCluster cluster, AzureEmulator azure) {
        String connector = IngestTestKit.unique("paging");
        Map<String, String> settings = new HashMap<>(IngestTestKit.connector(connector, azure, dir));
        settings.put(IngestConfig.GROUP_ID.name(), IngestTestKit.unique("ingest-paging"));
        settings.put(IngestConfig.INSTANCE_ID.name(), "paging");
        settings.put(IngestConfig.PAGE_SIZE.name(), "100");
        settings.put(IngestConfig.POLL_INTERVAL.name(), "300ms");
        ServiceContext context = IngestTestKit.context(cluster, settings);
        try (Service ingest = IngestApp.create(context);
             IngestTestKit.Reader reader = new IngestTestKit.Reader(context,
                     List.of(Topics.ALERTS_RAW.name(), Topics.ALERT_ACTIONS.name()),
                     r -> r.key().startsWith(connector + ":"))) {
            ingest.start();
            boolean done = reader.readUntil(r -> missing(azure, reader).isEmpty(), WAIT);
            assertThat(done).as("every alert paged; never paged: %s", missing(azure, reader)).isTrue();
            // A few more polls: a second page of an alert, or a late action, would show now.
            reader.readUntil(r -> false, Duration.ofSeconds(1));
            return new Paged(paged(reader), reader.values(AlertAction.class));
        }
    }

    private static Set<String> missing(AzureEmulator azure, IngestTestKit.Reader reader) {
        Set<String> missing = azure.alerts().all().stream().map(a -> a.get("id").asText())
                .collect(Collectors.toCollection(TreeSet::new));
        missing.removeAll(paged(reader).keySet());
        return missing;
    }

    /** Alert id (at the source) → how often it reached alerts.raw. */
    private static Map<String, Long> paged(IngestTestKit.Reader reader) {
        return reader.values(SecurityAlert.class).stream().collect(Collectors.groupingBy(
                a -> a.getAlertKey().substring(a.getAlertKey().indexOf(':') + 1), Collectors.counting()));
    }

    private static void addAlerts(AzureEmulator azure) {
        Random random = new Random(11);
        for (int i = 0; i < ALERTS; i++) {
            azure.alerts().add(SampleAlerts.random(random));
        }
    }

    /** The ids in the order the emulator lists them. */
    private static List<String> listed(AzureEmulator azure, AlertListing listing) {
        return azure.alerts().all().stream().sorted(listing.order()).map(a -> a.get("id").asText()).toList();
    }

    /** An id that the listing puts before {@code first}, for an alert created now. */
    private static String idListedBefore(ObjectNode first, AlertListing listing) {
        String now = Instant.now().toString();
        Function<String, ObjectNode> alert = id -> first.deepCopy().put("id", id).put("createdDateTime", now)
                .put("lastUpdateDateTime", now);
        for (int i = 0; ; i++) {
            String id = "da-inserted-" + i;
            if (listing.order().compare(alert.apply(id), first) < 0) {
                return id;
            }
        }
    }

    private static void analyst(AzureEmulator azure, String id) {
        azure.alerts().changeAsAnalyst(id, "soc-lead@contoso.example",
                JsonNodeFactory.instance.objectNode().put("status", "inProgress"), null);
    }
}
