package io.sentinelpager.app.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/**
 * What one run of {@code pager bench} measured: the table on stdout and bench.json. A scenario that was not run is
 * absent from both, never shown as zero.
 */
record BenchReport(String commit, int cores, long memoryMb, boolean quick, long pollIntervalMs, int pageSize,
                   StormScenario.Result storm, SteadyScenario.Result steady, PriorityScenario.Result priority,
                   EscalationsScenario.Result escalations, Yardstick.Result yardstick, long pagerPeakRssMb, long registryPeakRssMb) {

    String table() {
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "pager bench%s at %s on %d cores, %,d MB; poll interval %d ms, page size %d%n",
                quick ? " --quick" : "", commit, cores, memoryMb, pollIntervalMs, pageSize));
        out.append(String.format(Locale.ROOT, "%-11s %-58s %22s  %s%n", "scenario", "measure", "value",
                yardstick == null ? "" : "vs ProducerPerformance"));
        if (storm != null) {
            row(out, "storm", String.format(Locale.ROOT, "%,d alerts over %d connectors, paged %,d (appeared in %.1f s)",
                    storm.alerts(), storm.connectors(), storm.paged(), storm.addMs() / 1000.0), "", null);
            row(out, "", "end to end, Graph to the inbox's send", rate(storm.alertsPerSecond(), "alerts/s"),
                    storm.alertsPerSecond());
            for (StageRate s : storm.stages()) {
                row(out, "", String.format(Locale.ROOT, "  %-24s %,7d records, %6.1f s to %6.1f s", s.topic(),
                        s.records(), s.firstMs() / 1000.0, s.lastMs() / 1000.0), rate(s.recordsPerSecond(), "records/s"),
                        s.recordsPerSecond());
            }
        }
        if (steady != null) {
            row(out, "steady", String.format(Locale.ROOT, "%d alerts/s for %d s, paged %,d of %,d", steady.perSecond(),
                    steady.seconds(), steady.paged(), steady.alerts()), rate(steady.perSecond(), "alerts/s"),
                    (double) steady.perSecond());
            row(out, "", "time to page p50 / p95 / p99 / max", String.format(Locale.ROOT, "%,d / %,d / %,d / %,d ms",
                    steady.p50Ms(), steady.p95Ms(), steady.p99Ms(), steady.maxMs()), null);
            row(out, "", "poll interval", String.format(Locale.ROOT, "%,d ms", steady.pollIntervalMs()), null);
        }
        if (priority != null) {
            row(out, "priority", String.format(Locale.ROOT, "one high alert during a %,d-alert low storm%s",
                    priority.stormAlerts(), priority.ownTenant() ? ", in another tenant" : ", same tenant"),
                    priority.paged() ? String.format(Locale.ROOT, "%,d ms to page", priority.timeToPageMs()) : "not paged",
                    null);
            StringBuilder stages = new StringBuilder();
            priority.stagesMs().forEach((topic, ms) -> stages.append(String.format(Locale.ROOT, "%s %.1f s, ",
                    topic, ms / 1000.0)));
            if (!stages.isEmpty()) {
                row(out, "", "  reached " + stages.substring(0, stages.length() - 2), "", null);
            }
        }
        if (escalations != null) {
            row(out, "escalations", String.format(Locale.ROOT, "%,d second steps due at once (clock +%d min), fired %,d", escalations.due(), escalations.skippedMinutes(), escalations.fired()),
                    String.format(Locale.ROOT, "%.1f s to fire all", escalations.allFiredSeconds()), null);
            row(out, "", "  lateness, appended to notifications.out p50 / p99 / max",
                    lateness(escalations.appended()), null);
            row(out, "", "  lateness, readable there (committed) p50 / p99 / max",
                    lateness(escalations.readable()), null);
            row(out, "", "  until the last second page was sent", String.format(Locale.ROOT, "%.1f s",
                    escalations.allSentMs() / 1000.0), null);
            row(out, "", String.format(Locale.ROOT, "  first pages written, sent and recorded in %.1f s",
                    escalations.firstPagesMs() / 1000.0), "", null);
        }
        if (yardstick != null) {
            row(out, "yardstick", String.format(Locale.ROOT, "ProducerPerformance, %,d records of %d B, acks=all",
                    yardstick.records(), yardstick.recordBytes()), rate(yardstick.producerRecordsPerSecond(), "records/s"),
                    null);
            row(out, "", "ConsumerPerformance, fetch phase", rate(yardstick.consumerRecordsPerSecond(), "records/s"),
                    yardstick.consumerRecordsPerSecond());
        }
        row(out, "memory", "peak RSS: pager JVM (broker, emulators, services) / registry",
                String.format(Locale.ROOT, "%,d / %,d MB", pagerPeakRssMb, registryPeakRssMb), null);
        return out.toString();
    }

    private void row(StringBuilder out, String scenario, String measure, String value, Double rate) {
        String ratio = rate == null || yardstick == null ? "" : ratio(rate);
        out.append(String.format(Locale.ROOT, "%-11s %-58s %22s  %s", scenario, measure, value, ratio).stripTrailing())
                .append('\n');
    }

    private static String lateness(EscalationsScenario.Lateness late) {
        return String.format(Locale.ROOT, "%,d / %,d / %,d ms", late.p50Ms(), late.p99Ms(), late.maxMs());
    }

    private static String rate(double perSecond, String unit) {
        return String.format(Locale.ROOT, "%,.0f %s", perSecond, unit);
    }

    /** A rate as a fraction of the producer's: "1/280" below it, "x1.4" above. */
    private String ratio(double rate) {
        double producer = yardstick.producerRecordsPerSecond();
        if (rate <= 0 || producer <= 0) {
            return "-";
        }
        return rate < producer ? String.format(Locale.ROOT, "1/%,.0f", producer / rate)
                : String.format(Locale.ROOT, "x%.1f", rate / producer);
    }

    ObjectNode json() {
        ObjectMapper mapper = new ObjectMapper();
        ObjectNode root = mapper.createObjectNode();
        root.put("commit", commit);
        root.put("quick", quick);
        root.putObject("machine").put("cores", cores).put("memoryMb", memoryMb);
        root.putObject("settings").put("pollIntervalMs", pollIntervalMs).put("pageSize", pageSize);
        if (storm != null) {
            ObjectNode s = root.putObject("storm").put("alerts", storm.alerts()).put("connectors", storm.connectors())
                    .put("paged", storm.paged()).put("alertsPerSecond", round(storm.alertsPerSecond()))
                    .put("seconds", (storm.lastSentMillis() - storm.startMillis()) / 1000.0);
            ObjectNode stages = s.putObject("stages");
            for (StageRate r : storm.stages()) {
                stages.putObject(r.topic()).put("records", r.records()).put("firstMs", r.firstMs())
                        .put("lastMs", r.lastMs()).put("recordsPerSecond", round(r.recordsPerSecond()));
            }
        }
        if (steady != null) {
            root.putObject("steady").put("alertsPerSecond", steady.perSecond()).put("seconds", steady.seconds())
                    .put("alerts", steady.alerts()).put("paged", steady.paged()).put("p50Ms", steady.p50Ms())
                    .put("p95Ms", steady.p95Ms()).put("p99Ms", steady.p99Ms()).put("maxMs", steady.maxMs())
                    .put("pollIntervalMs", steady.pollIntervalMs());
        }
        if (priority != null) {
            ObjectNode p = root.putObject("priority").put("stormAlerts", priority.stormAlerts())
                    .put("paged", priority.paged()).put("ownTenant", priority.ownTenant());
            if (priority.paged()) {
                p.put("timeToPageMs", priority.timeToPageMs());
            }
            ObjectNode stages = p.putObject("stagesMs");
            priority.stagesMs().forEach(stages::put);
        }
        if (escalations != null) {
            root.putObject("escalations").put("due", escalations.due()).put("fired", escalations.fired())
                    .put("sent", escalations.sent()).put("skippedMinutes", escalations.skippedMinutes())
                    .put("allFiredSeconds", escalations.allFiredSeconds())
                    .put("p50LatenessMs", escalations.appended().p50Ms())
                    .put("p99LatenessMs", escalations.appended().p99Ms())
                    .put("maxLatenessMs", escalations.appended().maxMs())
                    .put("p50ReadableLatenessMs", escalations.readable().p50Ms())
                    .put("p99ReadableLatenessMs", escalations.readable().p99Ms())
                    .put("maxReadableLatenessMs", escalations.readable().maxMs())
                    .put("allSentSeconds", escalations.allSentMs() / 1000.0)
                    .put("firstPagesSeconds", escalations.firstPagesMs() / 1000.0);
        }
        if (yardstick != null) {
            root.putObject("yardstick").put("records", yardstick.records()).put("recordBytes", yardstick.recordBytes())
                    .put("producerRecordsPerSecond", round(yardstick.producerRecordsPerSecond()))
                    .put("producerMbPerSecond", yardstick.producerMbPerSecond())
                    .put("consumerRecordsPerSecond", round(yardstick.consumerRecordsPerSecond()));
            if (storm != null && yardstick.producerRecordsPerSecond() > 0) {
                // The storm's end-to-end rate as a fraction of the broker's: the figure the target is set in.
                root.put("ratio", storm.alertsPerSecond() / yardstick.producerRecordsPerSecond());
            }
        }
        root.putObject("memory").put("pagerPeakRssMb", pagerPeakRssMb).put("registryPeakRssMb", registryPeakRssMb);
        return root;
    }

    /** Writes bench.json and, after a storm, its chart. */
    void write(Path directory) throws IOException {
        Files.createDirectories(directory);
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
                .writeValue(directory.resolve("bench.json").toFile(), json());
        if (storm != null) {
            Files.writeString(directory.resolve("storm.html"), StormChart.html(storm, Map.of("commit", commit,
                    "machine", cores + " cores, " + memoryMb + " MB")));
        }
    }

    private static double round(double value) {
        return Math.round(value * 10) / 10.0;
    }
}
