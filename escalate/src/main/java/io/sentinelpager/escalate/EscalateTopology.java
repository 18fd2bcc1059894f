package io.sentinelpager.escalate;

import io.sentinelpager.platform.kafka.AvroSerdes;
import io.sentinelpager.platform.kafka.GlobalTables;
import io.sentinelpager.platform.service.ServiceContext;
import io.sentinelpager.schemas.AlertLifecycle;
import io.sentinelpager.schemas.NotificationRequest;
import io.sentinelpager.schemas.PageForgotten;
import io.sentinelpager.schemas.RoutedAlert;
import io.sentinelpager.schemas.SyncCommand;
import io.sentinelpager.schemas.Topics;
import io.sentinelpager.schemas.Urgency;
import java.time.Clock;
import java.util.List;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.state.Stores;

/**
 * The escalate flow. Routed alerts and Azure-side changes arrive keyed by their alert; responder actions and delivery
 * receipts by their page. A first stage ({@link PageKeyProcessor}) re-keys each event to its page (the incident's
 * group key for alerts a policy groups) and a named repartition topic brings all events of a page to one task, in
 * order, where one processor keeps the page's lifecycle in a changelogged store: a crash loses no state. Teams,
 * users and schedules come from the compacted config topics as global tables, so a change applies without a restart;
 * a page that finds nobody because its team, chain or schedule is not configured is held until it is (see
 * {@link LifecycleProcessor}).
 * A closed page past its retention is deleted and tombstoned; the alerts of a deleted grouped page go back to the
 * first stage on {@code escalate.pages-forgotten}, so that its index forgets them too.
 */
public final class EscalateTopology {

    public static final String LIFECYCLE_STORE = "alert-lifecycle-store";
    public static final String TEAMS_STORE = GlobalTables.TEAMS_STORE;
    public static final String USERS_STORE = GlobalTables.USERS_STORE;
    public static final String SCHEDULES_STORE = GlobalTables.SCHEDULES_STORE;
    public static final String OVERRIDES_STORE = GlobalTables.OVERRIDES_STORE;
    public static final String CHAINS_STORE = GlobalTables.ESCALATIONS_STORE;
    public static final String TIMERS_STORE = "escalation-timers-store";
    /** Alert key → key of the grouped page the alert is on. */
    public static final String PAGE_INDEX_STORE = "alert-page-index-store";
    /**
     * {@code <kind>:<id>|<page key>} → page key, for each team, chain or schedule a held page waits for: the pages
     * that configuration releases are found by a prefix scan, not by reading every page.
     */
    public static final String HELD_STORE = "held-pages-store";
    /** Alert key → "epoch millis|status" of an Azure change that may have arrived before its alert. */
    public static final String EARLY_STATUS_STORE = "alert-early-status-store";
    /** The repartition topic between the two stages: {@code <application id>-page-events-repartition}. */
    public static final String PAGE_EVENTS = "page-events";
    /** The same for the events of high-urgency alerts, which the second stage reads first. */
    public static final String PAGE_EVENTS_URGENT = "page-events-urgent";

    private EscalateTopology() {
    }

    /** Whether pages at this urgency take the urgent lanes; an urgency this reader does not know counts as high. */
    static boolean urgent(Urgency urgency) {
        return urgency != Urgency.LOW;
    }

    public static Topology build(ServiceContext context, EscalateConfig config) {
        AvroSerdes serdes = context.serdes();
        Clock clock = context.clock();
        EscalateMetrics metrics = new EscalateMetrics(context.metrics());
        StreamsBuilder builder = new StreamsBuilder();
        GlobalTables.add(builder, serdes, Topics.CONFIG_TEAMS, TEAMS_STORE);
        GlobalTables.add(builder, serdes, Topics.CONFIG_USERS, USERS_STORE);
        GlobalTables.add(builder, serdes, Topics.CONFIG_SCHEDULES, SCHEDULES_STORE);
        // Overrides made in the responder app, applied on top of the schedules at every decision.
        GlobalTables.add(builder, serdes, Topics.CONFIG_OVERRIDES, OVERRIDES_STORE);
        GlobalTables.add(builder, serdes, Topics.CONFIG_ESCALATIONS, CHAINS_STORE);
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(LIFECYCLE_STORE),
                serdes.key(), serdes.value(AlertLifecycle.class)));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(TIMERS_STORE),
                Serdes.String(), Serdes.String()));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(HELD_STORE),
                Serdes.String(), Serdes.String()));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(PAGE_INDEX_STORE),
                Serdes.String(), Serdes.String()));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(EARLY_STATUS_STORE),
                Serdes.String(), Serdes.String()));

        KStream<String, SpecificRecord> events = builder.stream(
                List.of(Topics.ALERTS_ROUTED.name(), Topics.ALERTS_ROUTED_URGENT.name(), Topics.ALERT_ACTIONS.name(),
                        Topics.NOTIFICATIONS_RECEIPTS.name(), Topics.PAGES_FORGOTTEN.name()),
                Consumed.with(serdes.key(), serdes.anyValue()).withName("alert-events"));

        // Each event to the page it belongs to, all of one page through one partition: a high-urgency alert through
        // a lane of its own, which the lifecycle task reads first (LaneTimestampExtractor).
        var lanes = events.process(() -> new PageKeyProcessor(clock), Named.as("page-key"), PAGE_INDEX_STORE,
                        EARLY_STATUS_STORE)
                .split(Named.as("page-lane-"))
                .branch((key, value) -> value instanceof RoutedAlert routed && urgent(routed.getUrgency()),
                        Branched.as("urgent"))
                .defaultBranch(Branched.as("other"));
        KStream<String, SpecificRecord> pageEvents = lanes.get("page-lane-other").repartition(
                        Repartitioned.with(serdes.key(), serdes.anyValue()).withName(PAGE_EVENTS)
                                .withNumberOfPartitions(context.platform().alertPartitions()))
                .merge(lanes.get("page-lane-urgent").repartition(
                        Repartitioned.with(serdes.key(), serdes.anyValue()).withName(PAGE_EVENTS_URGENT)
                                .withNumberOfPartitions(context.platform().alertPartitions())),
                        Named.as("page-events-merged"));
        pageEvents
                // One decision per event: new state, the notifications to send, what Azure should learn.
                .process(() -> new LifecycleProcessor(new Lifecycle(config), clock, config.closedRetention(), metrics),
                        Named.as("lifecycle"), LIFECYCLE_STORE, TIMERS_STORE, HELD_STORE)
                .split(Named.as("escalate-"))
                // A null value is the tombstone of a page past its retention.
                .branch((key, value) -> value == null || value instanceof AlertLifecycle, Branched.withConsumer(
                        s -> s.mapValues(v -> (AlertLifecycle) v, Named.as("as-state"))
                                .to(Topics.ALERT_STATE.name(), Produced.with(serdes.key(),
                                        serdes.value(AlertLifecycle.class)).withName("alert-state")), "state"))
                .branch((key, value) -> value instanceof NotificationRequest, Branched.withConsumer(
                        s -> s.mapValues(v -> (NotificationRequest) v, Named.as("as-notification"))
                                // notify delivers per person, in order: key by user id.
                                .selectKey((k, v) -> v.getUserId(), Named.as("key-by-user"))
                                // A high-urgency page, also a later step a timer fired, on the lane notify reads first.
                                .to((k, v, record) -> urgent(v.getUrgency()) ? Topics.NOTIFICATIONS_URGENT.name()
                                        : Topics.NOTIFICATIONS_OUT.name(), Produced.with(serdes.key(),
                                        serdes.value(NotificationRequest.class)).withName("notifications-out")), "notify"))
                .branch((key, value) -> value instanceof SyncCommand, Branched.withConsumer(
                        s -> s.mapValues(v -> (SyncCommand) v, Named.as("as-sync"))
                                .to(Topics.SYNC_COMMANDS.name(), Produced.with(serdes.key(),
                                        serdes.value(SyncCommand.class)).withName("sync-commands")), "sync"))
                .branch((key, value) -> value instanceof PageForgotten, Branched.withConsumer(
                        // Back to the first stage, keyed by alert: the page index forgets the alerts of a deleted page.
                        s -> s.mapValues(v -> (PageForgotten) v, Named.as("as-forgotten"))
                                .to(Topics.PAGES_FORGOTTEN.name(), Produced.with(serdes.key(),
                                        serdes.value(PageForgotten.class)).withName("pages-forgotten")), "forgotten"))
                .noDefaultBranch();
        return builder.build();
    }
}
