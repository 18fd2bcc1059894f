package io.sentinelpager.schemas;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The topic catalog: the only contract between services. Each constant says what a topic carries and
 * how it is created; provisioning, serdes and the tail tool all read it from here.
 *
 * <p>Alert topics share one partition count and one key (the alert key {@code connectorId:alertId}), also for
 * alerts a policy groups by incident: escalate reads routed alerts and Azure-side changes of one alert in one task,
 * looks up the page the alert is on there, and brings the events of a page together itself. Responder actions and
 * receipts name the page, whose key is its alert key, or its group key when grouped.
 */
public final class Topics {

    /**
     * Partitions of the alert flow's topics ({@link #ALERT_FLOW}) unless the setting topics.alert.partitions says
     * otherwise. They must stay equal for co-partitioning, so the setting applies to all of them at once, when they
     * are created.
     */
    public static final int ALERT_PARTITIONS = 3;

    private static final Map<String, String> DELETE_AFTER_14_DAYS =
            Map.of("cleanup.policy", "delete", "retention.ms", String.valueOf(14L * 24 * 3600 * 1000));
    private static final Map<String, String> COMPACTED = Map.of("cleanup.policy", "compact");

    public static final TopicSpec<String, SecurityAlert> ALERTS_RAW =
            new TopicSpec<>("alerts.raw", String.class, SecurityAlert.class, ALERT_PARTITIONS, DELETE_AFTER_14_DAYS);
    public static final TopicSpec<String, EnrichedAlert> ALERTS_ENRICHED =
            new TopicSpec<>("alerts.enriched", String.class, EnrichedAlert.class, ALERT_PARTITIONS, DELETE_AFTER_14_DAYS);
    public static final TopicSpec<String, RoutedAlert> ALERTS_ROUTED =
            new TopicSpec<>("alerts.routed", String.class, RoutedAlert.class, ALERT_PARTITIONS, DELETE_AFTER_14_DAYS);

    /**
     * What a {@code .urgent} twin's name ends with. Each twin carries what its topic does, for the alerts that must not
     * wait behind a storm of others; its reader takes it in the same task as the topic (same key, same partition
     * count), and picks its records first because they are timestamped a month earlier as they are read (the platform's
     * {@code LaneTimestampExtractor}). So the lanes share stores, transactions and each alert's order.
     */
    public static final String URGENT_SUFFIX = ".urgent";
    /** alerts.raw's twin: alerts whose severity ingest's setting ingest.urgent.severities names. */
    public static final TopicSpec<String, SecurityAlert> ALERTS_RAW_URGENT = urgent("alerts.raw.urgent", ALERTS_RAW);
    /** alerts.enriched's twin: every revision enrich publishes of an alert it read on alerts.raw.urgent. */
    public static final TopicSpec<String, EnrichedAlert> ALERTS_ENRICHED_URGENT =
            urgent("alerts.enriched.urgent", ALERTS_ENRICHED);
    /** alerts.routed's twin: alerts policy routed with high urgency, from either lane. */
    public static final TopicSpec<String, RoutedAlert> ALERTS_ROUTED_URGENT = urgent("alerts.routed.urgent", ALERTS_ROUTED);
    /** Alerts a policy suppressed, with the policy and its reason: kept for audit, never paged. */
    public static final TopicSpec<String, RoutedAlert> ALERTS_SUPPRESSED =
            new TopicSpec<>("alerts.suppressed", String.class, RoutedAlert.class, ALERT_PARTITIONS, DELETE_AFTER_14_DAYS);
    public static final TopicSpec<String, AlertAction> ALERT_ACTIONS =
            new TopicSpec<>("alert.actions", String.class, AlertAction.class, ALERT_PARTITIONS, DELETE_AFTER_14_DAYS);
    public static final TopicSpec<String, AlertLifecycle> ALERT_STATE =
            new TopicSpec<>("alert.state", String.class, AlertLifecycle.class, ALERT_PARTITIONS, COMPACTED);
    /**
     * Keyed by alert key: escalate telling itself that a grouped page past its retention is gone, from the stage that
     * deletes the page (partitioned by page key) to the stage that indexed its alerts (partitioned by alert key).
     */
    public static final TopicSpec<String, PageForgotten> PAGES_FORGOTTEN =
            new TopicSpec<>("escalate.pages-forgotten", String.class, PageForgotten.class, ALERT_PARTITIONS,
                    DELETE_AFTER_14_DAYS);

    /** Keyed by user id, so one person's notifications are delivered in order by one notify instance. */
    public static final TopicSpec<String, NotificationRequest> NOTIFICATIONS_OUT =
            new TopicSpec<>("notifications.out", String.class, NotificationRequest.class, ALERT_PARTITIONS, DELETE_AFTER_14_DAYS);
    /** notifications.out's twin, keyed by user id too: the high-urgency notifications, a timer's later steps as well. */
    public static final TopicSpec<String, NotificationRequest> NOTIFICATIONS_URGENT =
            urgent("notifications.urgent", NOTIFICATIONS_OUT);
    public static final TopicSpec<String, DeliveryReceipt> NOTIFICATIONS_RECEIPTS =
            new TopicSpec<>("notifications.receipts", String.class, DeliveryReceipt.class, ALERT_PARTITIONS, DELETE_AFTER_14_DAYS);
    /**
     * notify's sends started, keyed by delivery id; read back as a global store after a crash. Compacted, and deleted
     * with notifications.out's retention: a mark only matters while its request can still be replayed.
     */
    public static final TopicSpec<String, DeliveryStarted> NOTIFY_SENDS =
            new TopicSpec<>("notify.sends", String.class, DeliveryStarted.class, ALERT_PARTITIONS,
                    Map.of("cleanup.policy", "compact,delete", "retention.ms", String.valueOf(14L * 24 * 3600 * 1000)));
    public static final TopicSpec<String, SyncCommand> SYNC_COMMANDS =
            new TopicSpec<>("sync.commands", String.class, SyncCommand.class, ALERT_PARTITIONS, DELETE_AFTER_14_DAYS);
    public static final TopicSpec<String, SyncResult> SYNC_RESULTS =
            new TopicSpec<>("sync.results", String.class, SyncResult.class, ALERT_PARTITIONS, DELETE_AFTER_14_DAYS);
    /**
     * Keyed by alert key: what Azure has from us for each alert (applied, pending retry, rejected), the latest per
     * alert, which the responder reads as a global table. Compacted, and deleted with sync.commands' retention: after
     * that no write of the alert can still be pending.
     */
    public static final TopicSpec<String, SyncState> SYNC_STATE =
            new TopicSpec<>("sync.state", String.class, SyncState.class, ALERT_PARTITIONS,
                    Map.of("cleanup.policy", "compact,delete", "retention.ms", String.valueOf(14L * 24 * 3600 * 1000)));
    /**
     * Keyed by {@code <connector id>:<incident id>}: each change Azure took for an alert of an incident, re-keyed by
     * syncback so that the one task owning the incident's partition rolls the incident up from all its alerts.
     */
    public static final TopicSpec<String, IncidentMember> SYNC_INCIDENTS =
            new TopicSpec<>("sync.incidents", String.class, IncidentMember.class, ALERT_PARTITIONS,
                    DELETE_AFTER_14_DAYS);
    /**
     * Keyed by {@code <connector id>:<incident id>}: the incident as syncback last read it and where its roll-up
     * stands, the latest per incident, which the responder reads as a global table beside sync.state.
     */
    public static final TopicSpec<String, IncidentState> SYNC_INCIDENT_STATE =
            new TopicSpec<>("sync.incident.state", String.class, IncidentState.class, ALERT_PARTITIONS,
                    Map.of("cleanup.policy", "compact,delete", "retention.ms", String.valueOf(14L * 24 * 3600 * 1000)));
    /**
     * Partitions of ingest's own topics. A connector's records go to the partition its id hashes to on all three, and
     * the ingest instance that owns that partition of ingest.watermarks (through its consumer group) polls the
     * connector: this count bounds how many ingest instances share the work.
     */
    public static final int INGEST_PARTITIONS = 6;

    /** Keyed by connector id; the latest record per connector is where its next poll starts. */
    public static final TopicSpec<String, IngestWatermark> INGEST_WATERMARKS =
            new TopicSpec<>("ingest.watermarks", String.class, IngestWatermark.class, INGEST_PARTITIONS, COMPACTED);
    /**
     * How long ingest.seen keeps an alert ingest has not read since, unless the ingest setting ingest.seen.retention
     * says otherwise: ingest sets the topic's retention.ms to that setting at start-up. A month outlasts what the
     * pipeline keeps of an alert otherwise (14 days of alerts.raw, alert.actions and sync.commands, and of a closed
     * page in escalate), so ingest tells changes and our own write-backs exactly for as long as anything downstream
     * can act on them; and a month of alerts, at thousands a day, is a few tens of MB per ingest instance.
     */
    public static final Duration INGEST_SEEN_RETENTION = Duration.ofDays(30);
    /**
     * Keyed by alert key, in the partition of the alert's connector: what ingest last saw of each alert. Compacted to
     * one record per alert, and deleted once an alert has not been read for the retention: every alert ever seen
     * would otherwise stay on it, and in each ingest instance's memory, forever. Every read of a changed alert
     * rewrites its record, so the alerts still changing in Azure stay.
     */
    public static final TopicSpec<String, IngestSeen> INGEST_SEEN =
            new TopicSpec<>("ingest.seen", String.class, IngestSeen.class, INGEST_PARTITIONS, Map.of("cleanup.policy",
                    "compact,delete", "retention.ms", String.valueOf(INGEST_SEEN_RETENTION.toMillis())));
    /** Keyed by connector id: each connector's latest poll outcome, for operators and for ingest after a restart. */
    public static final TopicSpec<String, ConnectorHealth> CONNECTOR_HEALTH =
            new TopicSpec<>("connector.health", String.class, ConnectorHealth.class, INGEST_PARTITIONS, COMPACTED);

    /**
     * Keyed by nonce: one-click links already used. Links live for hours, so a week of retention keeps every nonce
     * until long after its link expired, and compaction keeps one record per nonce.
     */
    public static final TopicSpec<String, UsedLink> RESPONDER_USED_LINKS =
            new TopicSpec<>("responder.used-links", String.class, UsedLink.class, 1, Map.of("cleanup.policy",
                    "compact,delete", "retention.ms", String.valueOf(7L * 24 * 3600 * 1000)));

    /**
     * How long responder.revoked-sessions keeps a logout, and so the longest a session may last
     * (responder.session.ttl): a logout must be remembered until its session would have expired anyway.
     */
    public static final Duration REVOKED_SESSIONS_RETENTION = Duration.ofDays(7);
    /**
     * Keyed by a session's nonce: sessions ended by a logout, which every responder instance reads as a global table.
     * Compaction keeps one record per nonce, and the retention drops it once its session has expired.
     */
    public static final TopicSpec<String, RevokedSession> RESPONDER_REVOKED_SESSIONS =
            new TopicSpec<>("responder.revoked-sessions", String.class, RevokedSession.class, 1, Map.of(
                    "cleanup.policy", "compact,delete", "retention.ms",
                    String.valueOf(REVOKED_SESSIONS_RETENTION.toMillis())));
    /**
     * Keyed by user id: the calendar feed whose signed URL is valid now, which every responder instance reads as a
     * global table; a tombstone revokes it everywhere, also after a restart.
     */
    public static final TopicSpec<String, CalendarFeed> RESPONDER_CALENDAR_FEEDS =
            new TopicSpec<>("responder.calendar-feeds", String.class, CalendarFeed.class, 1, COMPACTED);

    public static final TopicSpec<String, PolicyConfig> CONFIG_POLICIES =
            new TopicSpec<>("config.policies", String.class, PolicyConfig.class, 1, COMPACTED);
    public static final TopicSpec<String, TeamConfig> CONFIG_TEAMS =
            new TopicSpec<>("config.teams", String.class, TeamConfig.class, 1, COMPACTED);
    public static final TopicSpec<String, UserConfig> CONFIG_USERS =
            new TopicSpec<>("config.users", String.class, UserConfig.class, 1, COMPACTED);
    public static final TopicSpec<String, ScheduleConfig> CONFIG_SCHEDULES =
            new TopicSpec<>("config.schedules", String.class, ScheduleConfig.class, 1, COMPACTED);
    public static final TopicSpec<String, EscalationChainConfig> CONFIG_ESCALATIONS =
            new TopicSpec<>("config.escalations", String.class, EscalationChainConfig.class, 1, COMPACTED);
    /**
     * Keyed by override id: schedule overrides made in the responder app ("cover this shift", "hand my shift to"),
     * applied by escalate and the responder on top of the YAML schedules. The responder writes them, not
     * {@code pager apply}, which never prunes them.
     */
    public static final TopicSpec<String, AppOverride> CONFIG_OVERRIDES =
            new TopicSpec<>("config.overrides", String.class, AppOverride.class, 1, COMPACTED);

    /**
     * Keyed by {@code userId/endpointHash}: the responder writes a subscription when a phone opts in, and a tombstone
     * when it opts out or notify learns from the push service (404/410) that it is gone. Notify reads it as a global
     * table. Its values are capability secrets, so no other topic copies them.
     */
    public static final TopicSpec<String, PushSubscription> PUSH_SUBSCRIPTIONS =
            new TopicSpec<>("push.subscriptions", String.class, PushSubscription.class, 1, COMPACTED);

    /**
     * How long a report bucket is kept after its last change: a year of days and weeks, so that this month compares
     * with the same month last year. The reports service forgets its own copy of a bucket after the same time.
     */
    public static final Duration REPORTS_RETENTION = Duration.ofDays(400);
    private static final Map<String, String> REPORTS_CONFIG = Map.of("cleanup.policy", "compact,delete",
            "retention.ms", String.valueOf(REPORTS_RETENTION.toMillis()));
    /**
     * Keyed by bucket ({@code <dimension>|<team>|<period>|<start>|<value>}): time to acknowledge and to resolve, pages,
     * escalations and night pages per team, person, policy, severity and connector, by day and by week; the latest per
     * bucket, which the responder reads as a global table.
     */
    public static final TopicSpec<String, ReportBucket> REPORTS_RESPONSE =
            new TopicSpec<>("reports.response", String.class, ReportBucket.class, ALERT_PARTITIONS, REPORTS_CONFIG);
    /** Keyed like reports.response, for the dimension detection: pages, noise and time to close per detection rule. */
    public static final TopicSpec<String, ReportBucket> REPORTS_RULE_NOISE =
            new TopicSpec<>("reports.rule-noise", String.class, ReportBucket.class, ALERT_PARTITIONS, REPORTS_CONFIG);

    public static final List<TopicSpec<String, ?>> ALL = List.of(
            ALERTS_RAW, ALERTS_ENRICHED, ALERTS_ROUTED, ALERTS_RAW_URGENT, ALERTS_ENRICHED_URGENT, ALERTS_ROUTED_URGENT,
            ALERTS_SUPPRESSED, ALERT_ACTIONS, ALERT_STATE, PAGES_FORGOTTEN, NOTIFICATIONS_OUT, NOTIFICATIONS_URGENT,
            NOTIFICATIONS_RECEIPTS, NOTIFY_SENDS, SYNC_COMMANDS, SYNC_RESULTS, SYNC_STATE,
            SYNC_INCIDENTS, SYNC_INCIDENT_STATE, INGEST_WATERMARKS,
            INGEST_SEEN, CONNECTOR_HEALTH, RESPONDER_USED_LINKS, RESPONDER_REVOKED_SESSIONS, CONFIG_POLICIES, CONFIG_TEAMS, CONFIG_USERS,
            CONFIG_SCHEDULES, CONFIG_ESCALATIONS, PUSH_SUBSCRIPTIONS, CONFIG_OVERRIDES, RESPONDER_CALENDAR_FEEDS,
            REPORTS_RESPONSE, REPORTS_RULE_NOISE);

    /**
     * The topics an alert flows through, keyed by alert, page, person or incident: they share one partition count,
     * which bounds how many instances of each alert service get work, and which an operator sets for them all
     * (topics.alert.partitions) when the cluster's topics are created.
     */
    public static final List<TopicSpec<String, ?>> ALERT_FLOW = List.of(
            ALERTS_RAW, ALERTS_ENRICHED, ALERTS_ROUTED, ALERTS_RAW_URGENT, ALERTS_ENRICHED_URGENT, ALERTS_ROUTED_URGENT,
            ALERTS_SUPPRESSED, ALERT_ACTIONS, ALERT_STATE, PAGES_FORGOTTEN, NOTIFICATIONS_OUT, NOTIFICATIONS_URGENT,
            NOTIFICATIONS_RECEIPTS, NOTIFY_SENDS, SYNC_COMMANDS, SYNC_RESULTS, SYNC_STATE,
            SYNC_INCIDENTS, SYNC_INCIDENT_STATE);

    /** Each topic of the alert flow that has an urgent twin, with it. */
    private static final Map<String, String> URGENT_TWINS = Map.of(
            ALERTS_RAW.name(), ALERTS_RAW_URGENT.name(),
            ALERTS_ENRICHED.name(), ALERTS_ENRICHED_URGENT.name(),
            ALERTS_ROUTED.name(), ALERTS_ROUTED_URGENT.name(),
            NOTIFICATIONS_OUT.name(), NOTIFICATIONS_URGENT.name());

    /**
     * The urgent twin of a topic, if it has one: half of what flows past that point, so a person reading the topic
     * (with {@code pager tail}, say) reads its twin too.
     */
    public static Optional<String> urgentTwin(String topic) {
        return Optional.ofNullable(URGENT_TWINS.get(topic));
    }

    private Topics() {
    }

    /** The urgent twin of an alert-flow topic: its key, value, partitions and retention, under a .urgent name. */
    private static <V> TopicSpec<String, V> urgent(String name, TopicSpec<String, V> topic) {
        if (!name.endsWith(URGENT_SUFFIX)) {
            throw new IllegalArgumentException("an urgent lane's name ends with " + URGENT_SUFFIX + ": " + name);
        }
        return new TopicSpec<>(name, String.class, topic.valueType(), topic.partitions(), topic.config());
    }

    /** The catalog with the alert flow's topics at {@code alertPartitions} partitions, as a cluster creates them. */
    public static List<TopicSpec<String, ?>> withAlertPartitions(int alertPartitions) {
        return ALL.stream().<TopicSpec<String, ?>>map(t -> ALERT_FLOW.contains(t) ? t.withPartitions(alertPartitions) : t)
                .toList();
    }

    /** The catalog entry of a topic name, or of the topic whose dead letters a {@code .dlq} name holds. */
    public static Optional<TopicSpec<String, ?>> byName(String name) {
        String base = name.endsWith(TopicSpec.DLQ_SUFFIX)
                ? name.substring(0, name.length() - TopicSpec.DLQ_SUFFIX.length()) : name;
        return ALL.stream().filter(t -> t.name().equals(base)).findFirst();
    }
}
