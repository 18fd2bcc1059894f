package io.sentinelpager.app.bench;

import io.sentinelpager.platform.service.ServiceContext;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;

/**
 * yardstick: Kafka's own ProducerPerformance and ConsumerPerformance against the bench's broker, as a user would run
 * them (child JVMs on the pager's class path), so that each pipeline rate can be read as a fraction of what the broker
 * does on this machine in the same run.
 */
final class Yardstick {

    /**
     * A topic of the bench's own, outside the catalog: the services never read it. As many partitions as the alert
     * flow's topics, so the producer spreads as they do.
     */
    static final String TOPIC = "bench.yardstick";
    static final int RECORD_BYTES = 1024;

    private static final Pattern PRODUCED = Pattern.compile("(\\d+) records sent, ([\\d.]+) records/sec \\(([\\d.]+) MB/sec\\)");

    record Result(int records, int recordBytes, double producerRecordsPerSecond, double producerMbPerSecond,
                  double consumerRecordsPerSecond) {
    }

    private Yardstick() {
    }

    static Result run(ServiceContext context, int partitions, int records, Path work) throws Exception {
        String bootstrap = context.platform().bootstrapServers();
        try (Admin admin = Admin.create(context.kafkaClientConfig())) {
            admin.createTopics(List.of(new NewTopic(TOPIC, partitions, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
        String produced = tool(work, "org.apache.kafka.tools.ProducerPerformance", "--bootstrap-server", bootstrap,
                "--topic", TOPIC, "--num-records", String.valueOf(records), "--record-size", String.valueOf(RECORD_BYTES),
                "--throughput", "-1", "--command-property", "acks=all");
        // It prints a line every few seconds while running; the last is the summary of the whole run.
        String recordsPerSecond = null;
        String mbPerSecond = null;
        for (Matcher m = PRODUCED.matcher(produced); m.find(); ) {
            recordsPerSecond = m.group(2);
            mbPerSecond = m.group(3);
        }
        if (recordsPerSecond == null) {
            throw new IllegalStateException("ProducerPerformance printed no summary:\n" + produced);
        }
        String consumed = tool(work, "org.apache.kafka.tools.ConsumerPerformance", "--bootstrap-server", bootstrap,
                "--topic", TOPIC, "--num-records", String.valueOf(records));
        return new Result(records, RECORD_BYTES, Double.parseDouble(recordsPerSecond), Double.parseDouble(mbPerSecond),
                consumerRate(consumed));
    }

    /**
     * The fetch phase's records per second from ConsumerPerformance's table: its overall rate also counts the
     * consumer group's join, which a pipeline that runs all along does not pay per scenario.
     */
    static double consumerRate(String output) {
        String[] lines = output.lines().map(String::strip).toArray(String[]::new);
        for (int i = 0; i + 1 < lines.length; i++) {
            if (lines[i].startsWith("start.time")) {
                List<String> header = List.of(lines[i].split(",\\s*"));
                String[] values = lines[i + 1].split(",\\s*");
                return Double.parseDouble(values[header.indexOf("fetch.nMsg.sec")]);
            }
        }
        throw new IllegalStateException("ConsumerPerformance printed no table:\n" + output);
    }

    private static String tool(Path work, String mainClass, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-cp", System.getProperty("java.class.path"), mainClass));
        command.addAll(List.of(args));
        Path output = Files.createTempFile(work, "yardstick-", ".out");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
        if (!process.waitFor(10, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new IllegalStateException(mainClass + " did not finish within 10 minutes");
        }
        String printed = Files.readString(output, StandardCharsets.UTF_8);
        if (process.exitValue() != 0) {
            throw new IllegalStateException(mainClass + " exited with " + process.exitValue() + ":\n" + printed);
        }
        return printed;
    }
}
