package io.sentinelpager.reports;

import io.sentinelpager.schemas.AlertLifecycle;
import io.sentinelpager.schemas.ReportBucketId;
import io.sentinelpager.schemas.ReportSample;
import io.sentinelpager.schemas.RoutedAlert;
import io.sentinelpager.schemas.TimelineEvent;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.apache.kafka.streams.KeyValue;

/**
 * What a page's facts not yet counted add to the report buckets, each fact once: the page itself, its escalation to
 * step 2 or later, its first acknowledgement (time to acknowledge, for the acknowledger), its first close (time to
 * resolve, for the owner, and noise for its detection), and each person paged (at night or not in their own zone).
 *
 * <p>Each goes to the buckets of the page's team: by team, policy, severity and connector, the person concerned, and
 * for the page and its close the detection; in the day and the week (UTC, weeks from Monday) of the page's creation,
 * so that a page acknowledged after midnight still counts on the day it paged. Durations run from the page's
 * creation to the event on its timeline.
 */
final class Contributions {

    static final String PAGE = "page";
    static final String ESCALATED = "escalated";
    static final String ACKNOWLEDGED = "acknowledged";
    static final String CLOSED = "closed";
    static final String PAGED = "paged:";

    /** Classifications of a close that say the page was not worth waking someone: Graph's and Sentinel's names. */
    private static final Set<String> NOISE = Set.of("falsepositive", "informationalexpectedactivity", "benignpositive");
    private static final List<String> PAGE_DIMENSIONS = List.of("team", "policy", "severity", "connector");

    private final NightHours night;
    private final Function<String, String> timeZones;

    /** @param timeZones a user's time zone by user id, or null when the user is not configured */
    Contributions(NightHours night, Function<String, String> timeZones) {
        this.night = night;
        this.timeZones = timeZones;
    }

    /**
     * The samples for the facts of this page state that {@code counted} does not hold yet; adds them to it. Nothing
     * for a state that is not a page (see {@link PageFacts}).
     */
    List<KeyValue<String, ReportSample>> count(AlertLifecycle page, Set<String> counted) {
        PageFacts facts = PageFacts.of(page);
        List<KeyValue<String, ReportSample>> out = new ArrayList<>();
        if (!facts.paged()) {
            return out;
        }
        RoutedAlert alert = page.getAlert();
        Detections.Detection detection = Detections.of(alert);
        if (counted.add(PAGE)) {
            for (String dimension : PAGE_DIMENSIONS) {
                add(out, page, dimension, value(alert, dimension), null, Map.of("pages", 1L), Map.of());
            }
            add(out, page, "detection", detection.id(), detection.label(), Map.of("pages", 1L), Map.of());
        }
        if (facts.escalated() && counted.add(ESCALATED)) {
            for (String dimension : PAGE_DIMENSIONS) {
                add(out, page, dimension, value(alert, dimension), null, Map.of("escalated", 1L), Map.of());
            }
        }
        if (facts.acknowledged().isPresent() && counted.add(ACKNOWLEDGED)) {
            TimelineEvent ack = facts.acknowledged().get();
            Map<String, Long> tta = Map.of("tta", since(page, ack.getAt()));
            for (String dimension : PAGE_DIMENSIONS) {
                add(out, page, dimension, value(alert, dimension), null, Map.of("acknowledged", 1L), tta);
            }
            add(out, page, "person", ack.getActor(), null, Map.of("acknowledged", 1L), tta);
        }
        if (facts.closed().isPresent() && counted.add(CLOSED)) {
            TimelineEvent close = facts.closed().get();
            Map<String, Long> ttr = Map.of("ttr", since(page, close.getAt()));
            for (String dimension : PAGE_DIMENSIONS) {
                add(out, page, dimension, value(alert, dimension), null, Map.of("closed", 1L), ttr);
            }
            String resolver = page.getOwner() != null ? page.getOwner() : close.getActor();
            if (resolver != null && timeZones.apply(resolver) != null) {
                // A person of the on-call config; a close from Azure names the connector, which is nobody's figure.
                add(out, page, "person", resolver, null, Map.of("closed", 1L), ttr);
            }
            boolean noise = page.getClassification() != null
                    && NOISE.contains(page.getClassification().toLowerCase(Locale.ROOT));
            add(out, page, "detection", detection.id(), detection.label(),
                    Map.of("closed", 1L, "noise", noise ? 1L : 0L), ttr);
        }
        facts.pagedUsers().forEach((user, at) -> {
            if (counted.add(PAGED + user)) {
                boolean atNight = night.at(at, timeZones.apply(user));
                add(out, page, "person", user, null, Map.of("pages", 1L, "night", atNight ? 1L : 0L), Map.of());
            }
        });
        return out;
    }

    private static String value(RoutedAlert alert, String dimension) {
        return switch (dimension) {
            case "team" -> alert.getTeamId();
            case "policy" -> alert.getPolicyId();
            case "severity" -> alert.getEnriched().getAlert().getSeverity().name().toLowerCase(Locale.ROOT);
            case "connector" -> alert.getEnriched().getAlert().getConnectorId();
            default -> throw new IllegalArgumentException("no page dimension " + dimension);
        };
    }

    private static long since(AlertLifecycle page, Instant at) {
        return Math.max(0, Duration.between(page.getCreatedAt(), at).toMillis());
    }

    private static void add(List<KeyValue<String, ReportSample>> out, AlertLifecycle page, String dimension,
                            String value, String label, Map<String, Long> counts, Map<String, Long> durations) {
        LocalDate day = LocalDate.ofInstant(page.getCreatedAt(), ZoneOffset.UTC);
        LocalDate monday = day.with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY));
        for (Map.Entry<String, LocalDate> period : List.of(Map.entry("day", day), Map.entry("week", monday))) {
            ReportBucketId bucket = ReportBucketId.newBuilder().setDimension(dimension)
                    .setTeamId(page.getAlert().getTeamId()).setPeriod(period.getKey())
                    .setStart(period.getValue().toString()).setValue(value).setLabel(label).build();
            out.add(KeyValue.pair(key(bucket), ReportSample.newBuilder().setBucket(bucket).setCounts(counts)
                    .setDurations(durations).build()));
        }
    }

    /** The bucket's key on the reports.* topics; the value comes last, so a value holding '|' is still one key. */
    static String key(ReportBucketId bucket) {
        return bucket.getDimension() + "|" + bucket.getTeamId() + "|" + bucket.getPeriod() + "|" + bucket.getStart()
                + "|" + bucket.getValue();
    }
}
