package io.sentinelpager.app.bench;

import io.sentinelpager.app.EmbeddedPager;
import io.sentinelpager.platform.service.ServiceContext;
import io.sentinelpager.schemas.AlertSource;
import io.sentinelpager.schemas.EnrichedAlert;
import io.sentinelpager.schemas.EnrichmentStatus;
import io.sentinelpager.schemas.RoutedAlert;
import io.sentinelpager.schemas.SecurityAlert;
import io.sentinelpager.schemas.Severity;
import io.sentinelpager.schemas.SourceStatus;
import io.sentinelpager.schemas.Topics;
import io.sentinelpager.schemas.Urgency;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * escalations: N pages whose second step comes due at the same moment. The bench writes the pages to alerts.routed
 * itself, as policy would have routed them to the chain {@value #CHAIN}, so that what is measured is escalate's
 * timers, not the ingest path. Once every first page was sent and escalate has recorded its receipt, the services'
 * clock skips past every second step's due time at once; from then on, in real time:
 * <ul>
 *   <li>each page's lateness is how long after the skip escalate appended its second page to notifications.out (the
 *       broker's append time, the clock every stage time of the bench is read on); all fired is the largest;</li>
 *   <li>the readable lateness is how long after the skip the bench, reading committed records only as notify does,
 *       read each one: escalate writes in transactions, so a page appended early in a long punctuation is only
 *       readable at its commit (an upper bound: the bench's own reading is in it);</li>
 *   <li>all sent is the last second page's SENT receipt, notify's inbox included.</li>
 * </ul>
 */
final class EscalationsScenario {

    /** The chain of the bench's on-call configuration whose second step comes due. */
    static final String CHAIN = "bench-escalations";

    /**
     * @param firstPagesMs how long writing the pages took until every first page was sent and recorded
     * @param skippedMinutes how far the clock skipped, whole minutes
     */
    record Result(int due, int fired, int sent, long firstPagesMs, long skippedMinutes, Lateness appended,
                  Lateness readable, long allSentMs) {

        double allFiredSeconds() {
            return appended.maxMs() / 1000.0;
        }
    }

    /** Milliseconds after the skip, over every second page. */
    record Lateness(long p50Ms, long p99Ms, long maxMs) {

        static Lateness since(long skippedAt, Collection<Long> times) {
            List<Long> late = new ArrayList<>(times.size());
            times.forEach(at -> late.add(at - skippedAt));
            late.sort(null);
            return new Lateness(SteadyScenario.percentile(late, 50), SteadyScenario.percentile(late, 99),
                    late.isEmpty() ? 0 : late.get(late.size() - 1));
        }
    }

    private EscalationsScenario() {
    }

    static Result run(EmbeddedPager pager, SkippingClock clock, int pages, Duration timeout) {
        ServiceContext context = pager.context();
        // Keys of their own in every run, so that no page of an earlier run is taken for one of these.
        String run = Long.toString(System.currentTimeMillis(), 36);
        List<String> keys = new ArrayList<>(pages);
        for (int i = 0; i < pages; i++) {
            keys.add("bench-escalations:" + run + "-" + i);
        }
        try (EscalationWatch watch = new EscalationWatch(context, keys)) {
            long writeStart = System.nanoTime();
            write(context, clock, keys);
            watch.await(watch::firstStepsRecorded, timeout);
            long firstPagesMs = Duration.ofNanos(System.nanoTime() - writeStart).toMillis();

            // Every second step is due at or before the latest due time: skipping there makes them all due at once.
            long skippedAt = System.currentTimeMillis();
            Duration before = clock.offset();
            clock.skipTo(watch.latestDue().orElse(clock.instant()));
            long skippedMinutes = clock.offset().minus(before).toMinutes();
            watch.await(watch::secondStepsSent, timeout);

            return new Result(pages, watch.secondPagesAppended().size(), watch.secondPagesSent(), firstPagesMs,
                    skippedMinutes, Lateness.since(skippedAt, watch.secondPagesAppended()),
                    Lateness.since(skippedAt, watch.secondPagesRead()),
                    watch.lastSecondPageSent().map(at -> at - skippedAt).orElse(0L));
        }
    }

    /** Writes one routed alert per key to alerts.routed, each a page of its own on the chain; waits for the acks. */
    private static void write(ServiceContext context, SkippingClock clock, List<String> keys) {
        Map<String, Object> config = new HashMap<>(context.producerConfig());
        // A bulk write: let the producer batch, unlike the services' producers, which send each page at once.
        config.put(ProducerConfig.LINGER_MS_CONFIG, 20);
        AtomicReference<Exception> failed = new AtomicReference<>();
        try (KafkaProducer<String, RoutedAlert> producer = new KafkaProducer<>(config, new StringSerializer(),
                context.serdes().value(RoutedAlert.class).serializer())) {
            for (String key : keys) {
                producer.send(new ProducerRecord<>(Topics.ALERTS_ROUTED.name(), key, routed(key, clock.instant())),
                        (metadata, e) -> {
                            if (e != null) {
                                failed.compareAndSet(null, e);
                            }
                        });
            }
            producer.flush();
        }
        if (failed.get() != null) {
            throw new IllegalStateException("writing the escalations scenario's pages failed", failed.get());
        }
    }

    /**
     * A page as policy routes one: a medium alert of the bench's team on the chain, at low urgency as the storm's.
     * Raised by the pager itself (source PAGER), so that escalate never writes anything of it back to Azure.
     */
    private static RoutedAlert routed(String key, Instant now) {
        SecurityAlert alert = SecurityAlert.newBuilder().setAlertKey(key).setConnectorId("bench-escalations")
                .setSource(AlertSource.PAGER).setAlertId(key.substring(key.indexOf(':') + 1))
                .setTitle("Bench escalation").setSeverity(Severity.MEDIUM).setStatus(SourceStatus.NEW)
                .setCreatedAt(now).setLastUpdatedAt(now).setIngestedAt(now).setSourceJson("{}").build();
        EnrichedAlert enriched = EnrichedAlert.newBuilder().setAlert(alert).setStatus(EnrichmentStatus.NOT_APPLICABLE)
                .setEnrichedAt(now).build();
        return RoutedAlert.newBuilder().setEnriched(enriched).setTeamId("bench").setEscalationChainId(CHAIN)
                .setUrgency(Urgency.LOW).setPolicyId("bench-escalations").setPolicyVersion(1).setRoutedAt(now).build();
    }
}
