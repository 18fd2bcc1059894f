package io.sentinelpager.app.bench;

import io.sentinelpager.app.EmbeddedPager;
import io.sentinelpager.app.Services;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code pager bench}: the demo's embedded default (broker, registry, emulated tenants, every service), without its
 * trace, under load, measured from record timestamps and receipts; then Kafka's own performance tools against the same
 * broker, so that each rate reads as a fraction of the broker's. Benchmarks, not tests: nothing here passes or fails.
 */
@Command(name = "bench",
        description = "Measure the pipeline on this machine: an alert storm, a steady rate, a high alert during a storm,"
                + " escalations coming due at once, and Kafka's ProducerPerformance and ConsumerPerformance beside"
                + " them.")
public final class BenchCommand implements Callable<Integer> {

    static final List<String> SCENARIOS = List.of("storm", "steady", "priority", "escalations", "yardstick");

    @Option(names = "--scenario", split = ",", description = "scenarios to run, of ${COMPLETION-CANDIDATES}"
            + " (default all)", completionCandidates = Scenarios.class)
    List<String> scenarios = SCENARIOS;

    @Option(names = "--quick", description = "a small version of every scenario, in a minute or two")
    boolean quick;

    @Option(names = "--alerts", description = "alerts in a storm, and in the priority scenario's (default 20000;"
            + " quick 500)")
    Integer alerts;

    @Option(names = "--connectors", defaultValue = "4", description = "connectors, each on an emulated tenant of its"
            + " own, the storm is spread over (default 4)")
    int connectors;

    @Option(names = "--rate", defaultValue = "100", description = "alerts a second in the steady scenario (default 100)")
    int rate;

    @Option(names = "--seconds", description = "how long the steady scenario runs (default 60; quick 5)")
    Integer seconds;

    @Option(names = "--escalations", description = "pages whose second step comes due at once in the escalations"
            + " scenario (default 100000; quick 2000)")
    Integer escalations;

    @Option(names = "--records", description = "records ProducerPerformance writes and ConsumerPerformance reads"
            + " (default 1000000; quick 50000)")
    Integer records;

    @Option(names = "--poll-interval", defaultValue = "PT2S", description = "ingest's poll interval (ISO-8601,"
            + " default PT2S as in the demo)")
    Duration pollInterval;

    @Option(names = "--page-size", defaultValue = "1000", description = "alerts per Graph page (default 1000)")
    int pageSize;

    @Option(names = {"-c", "--config"}, description = "extra settings (properties or YAML) under the bench's own")
    Path config;

    @Option(names = "--out", description = "directory to write bench.json and storm.html to")
    Path out;

    /** The choices --scenario offers, for its help. */
    static final class Scenarios extends java.util.ArrayList<String> {
        Scenarios() {
            super(SCENARIOS);
        }
    }

    @Override
    public Integer call() throws Exception {
        for (String s : scenarios) {
            if (!SCENARIOS.contains(s)) {
                System.err.println("unknown scenario '" + s + "'; scenarios are " + String.join(", ", SCENARIOS));
                return 2;
            }
        }
        int stormAlerts = alerts != null ? alerts : quick ? 500 : 20_000;
        int steadySeconds = seconds != null ? seconds : quick ? 5 : 60;
        int yardstickRecords = records != null ? records : quick ? 50_000 : 1_000_000;
        int escalationPages = escalations != null ? escalations : quick ? 2_000 : 100_000;
        Set<String> run = Set.copyOf(scenarios);

        System.out.println("Starting Kafka broker, schema registry, " + connectors + " emulated tenants and every"
                + " service...");
        Path work = Files.createTempDirectory("pager-bench-");
        SkippingClock clock = new SkippingClock();
        try (EmbeddedPager pager = EmbeddedPager.start(Services.settings(config), Map.of(
                "health.port", "0",
                "responder.port", "0",
                "notify.inbox.dir", work.resolve("inbox").toString(),
                "ingest.poll.interval", pollInterval.toMillis() + "ms",
                "ingest.page.size", String.valueOf(pageSize)), connectors, clock)) {
            if (!pager.apply(onCall(work), System.out, System.err)) {
                return 1;
            }
            pager.awaitReady();
            FlowWatch.stampOnAppend(pager.context());

            // Long enough for the slowest rate seen so far (about 20 alerts a second on two busy cores), plus start-up.
            Duration stormTimeout = Duration.ofSeconds(60 + stormAlerts / 20);
            StormScenario.Result storm = null;
            if (run.contains("storm")) {
                System.out.printf("storm: %,d alerts over %d connectors...%n", stormAlerts, connectors);
                storm = StormScenario.run(pager, stormAlerts, stormTimeout);
            }
            SteadyScenario.Result steady = null;
            if (run.contains("steady")) {
                System.out.printf("steady: %d alerts/s for %d s...%n", rate, steadySeconds);
                steady = SteadyScenario.run(pager, rate, steadySeconds, pollInterval,
                        Duration.ofSeconds(120 + steadySeconds));
            }
            PriorityScenario.Result priority = null;
            if (run.contains("priority")) {
                System.out.printf("priority: one high alert during a %,d-alert low storm...%n", stormAlerts);
                priority = PriorityScenario.run(pager, stormAlerts, stormTimeout);
            }
            // After the scenarios that time pages by the services' clock: this one skips it forward.
            EscalationsScenario.Result escalation = null;
            if (run.contains("escalations")) {
                System.out.printf("escalations: %,d pages whose second step comes due at once...%n", escalationPages);
                escalation = EscalationsScenario.run(pager, clock, escalationPages,
                        Duration.ofSeconds(60 + escalationPages / 20));
            }
            Yardstick.Result yardstick = null;
            if (run.contains("yardstick")) {
                System.out.printf("yardstick: ProducerPerformance and ConsumerPerformance, %,d records...%n",
                        yardstickRecords);
                yardstick = Yardstick.run(pager.context(), pager.context().platform().alertPartitions(),
                        yardstickRecords, work);
            }
            BenchReport report = new BenchReport(commit(), Runtime.getRuntime().availableProcessors(),
                    PeakMemory.machineMb(), quick, pollInterval.toMillis(), pageSize, storm, steady, priority,
                    escalation, yardstick, PeakMemory.peakRssMb(ProcessHandle.current().pid()),
                    PeakMemory.peakRssMb(pager.cluster().registryPid()));
            System.out.println();
            System.out.print(report.table());
            if (out != null) {
                report.write(out);
                System.out.println("\nWrote " + out.resolve("bench.json") + (storm == null ? ""
                        : " and " + out.resolve("storm.html")));
            }
            return 0;
        }
    }

    /** The bench's on-call configuration (one person, paged through the inbox for every alert), as files to apply. */
    private static Path onCall(Path work) throws IOException {
        Path dir = Files.createDirectories(work.resolve("oncall"));
        for (String file : List.of("people.yaml", "oncall.yaml", "policies.yaml")) {
            try (InputStream in = BenchCommand.class.getResourceAsStream("/bench/" + file)) {
                Files.copy(in, dir.resolve(file));
            }
        }
        return dir;
    }

    /** The checkout's commit, "-dirty" when it has changes; "unknown" outside a git checkout. */
    private static String commit() {
        try {
            Process git = new ProcessBuilder("git", "describe", "--always", "--dirty", "--abbrev=12")
                    .redirectErrorStream(true).start();
            String described = new String(git.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            return git.waitFor(10, TimeUnit.SECONDS) && git.exitValue() == 0 ? described : "unknown";
        } catch (IOException e) {
            return "unknown";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unknown";
        }
    }
}
