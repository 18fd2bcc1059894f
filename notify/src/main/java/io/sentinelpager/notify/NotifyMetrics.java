package io.sentinelpager.notify;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.sentinelpager.schemas.ContactMethodType;
import io.sentinelpager.schemas.NotificationRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;

/**
 * What an operator watches of notify on /metrics: every delivery's outcome per channel, and the time to page, from
 * the alert's creation in Azure to the first send of its first page, per urgency and connector. Labels are the
 * channel, the outcome, the urgency and the connector: each comes from configuration or a closed set, never an alert
 * or a person. Counted as the processor decides, so a crash before the commit counts a replayed delivery again.
 */
final class NotifyMetrics {

    static final String DELIVERIES = "pager_deliveries";
    static final String TIME_TO_PAGE = "pager_time_to_page";
    /** Where the histogram's buckets end, in seconds: from an idle system's second to a storm's minutes. */
    private static final Duration[] BUCKETS = {Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofSeconds(2),
        Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(15), Duration.ofSeconds(30),
        Duration.ofMinutes(1), Duration.ofMinutes(2), Duration.ofMinutes(5), Duration.ofMinutes(10),
        Duration.ofMinutes(30), Duration.ofHours(1)};

    /** What became of one delivery to one contact method. */
    enum Outcome {
        /** the channel took the message */
        SENT,
        /** a transient failure; tried again after a backoff */
        RETRIED,
        /** given up on this method (permanently failed, or out of retries); the user's next method is tried */
        FAILED,
        /** given up on this method because the provider kept refusing for its rate limit */
        RATE_LIMITED,
        /** not sent again after a crash cut its send short, as it may have arrived */
        UNKNOWN
    }

    private final MeterRegistry registry;

    NotifyMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    void delivery(ContactMethodType channel, Outcome outcome) {
        Counter.builder(DELIVERIES).tag("channel", DeliveryProcessor.name(channel))
                .tag("outcome", outcome.name().toLowerCase(Locale.ROOT))
                .description("deliveries to one contact method, by channel and what became of them")
                .register(registry).increment();
    }

    /** The first send of the first page of an alert; a request from before the creation time was carried has none. */
    void firstPage(NotificationRequest page, Instant sentAt) {
        if (page.getAlertCreatedAt() == null) {
            return;
        }
        // Azure's clock and ours differ by a little: an alert "created" after its page went out was paged at once.
        Duration took = Duration.between(page.getAlertCreatedAt(), sentAt);
        Timer.builder(TIME_TO_PAGE).tag("urgency", page.getUrgency().name().toLowerCase(Locale.ROOT))
                .tag("connector", page.getConnectorId() == null ? "unknown" : page.getConnectorId())
                .serviceLevelObjectives(BUCKETS)
                .description("from the alert's creation in Azure (createdDateTime) to the first send of its first page")
                .register(registry).record(took.isNegative() ? Duration.ZERO : took);
    }
}
