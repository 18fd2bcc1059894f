package io.sentinelpager.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every metric the Grafana dashboard in ops/grafana queries is one that /metrics serves, by the name Prometheus sees:
 * a renamed meter, or a typo in the dashboard, would otherwise show as an empty panel on the day it is needed.
 *
 * <p>Our meters are found where the code registers them (a {@code Counter.builder("…")}, a {@code registry.counter(…)},
 * with the name written there or in a constant of the same file) and registered again, by kind, in a real Prometheus
 * registry, so that the suffixes ({@code _total}, {@code _seconds_bucket}) are the registry's, not this test's. Kafka's
 * client metrics come from real clients bound as the services bind theirs; they need no broker to register.
 */
class GrafanaDashboardTest {

    private static final Path DASHBOARD = Path.of("..", "ops", "grafana", "sentinel-pager.json");
    private static final Pattern BUILDER = Pattern.compile(
            "\\b(Counter|Timer|Gauge|DistributionSummary)\\.builder\\(\\s*(\"[^\"]+\"|[A-Z_]+)");
    private static final Pattern SHORTHAND = Pattern.compile(
            "\\.(counter|timer|gauge|summary)\\(\\s*(\"[^\"]+\"|[A-Z_]+)");
    private static final Pattern CONSTANT = Pattern.compile("static final String ([A-Z_]+) = \"([^\"]+)\";");

    @TempDir
    Path stateDir;

    @Test
    void everyMetricTheDashboardQueriesIsOneAServiceExposes() throws Exception {
        Set<String> queried = queriedNames();
        Set<String> exposed = exposedNames();

        assertThat(queried).as("the dashboard queries metrics").isNotEmpty()
                .contains("pager_time_to_page_seconds_bucket", "kafka_consumer_fetch_manager_records_lag_max");
        assertThat(exposed).as("names on /metrics").containsAll(queried);
    }

    @Test
    void everyPanelUsesTheDashboardsPrometheusDatasourceVariable() throws IOException {
        JsonNode dashboard = new ObjectMapper().readTree(DASHBOARD.toFile());
        assertThat(dashboard.at("/templating/list/0/type").asText()).isEqualTo("datasource");
        assertThat(dashboard.at("/templating/list/0/query").asText()).isEqualTo("prometheus");
        for (JsonNode panel : dashboard.get("panels")) {
            if (!panel.get("type").asText().equals("row")) {
                assertThat(panel.at("/datasource/uid").asText()).as(panel.get("title").asText())
                        .isEqualTo("${datasource}");
            }
        }
    }

    /** The metric names in the dashboard's expressions: not functions, labels, strings or Grafana's variables. */
    static Set<String> queriedNames() throws IOException {
        JsonNode dashboard = new ObjectMapper().readTree(DASHBOARD.toFile());
        Set<String> names = new TreeSet<>();
        for (JsonNode expr : dashboard.findValues("expr")) {
            String bare = expr.asText().replaceAll("\"[^\"]*\"", "\"\"").replaceAll("\\$\\w+", "");
            Matcher m = Pattern.compile("\\b([a-zA-Z_:][a-zA-Z0-9_:]*)\\b(?!\\s*(\\(|=|!=|=~|!~))").matcher(bare);
            while (m.find()) {
                String token = m.group(1);
                // A metric name has an underscore; by, sum, le and the other keywords and labels here have none.
                if (token.contains("_") && !token.equals("le")) {
                    names.add(token);
                }
            }
        }
        return names;
    }

    /** What /metrics would serve: our meters by kind, and Kafka's client metrics, scraped while the clients are open. */
    Set<String> exposedNames() throws IOException {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        for (Meter meter : registeredInCode()) {
            switch (meter.kind()) {
                case "counter" -> Counter.builder(meter.name()).register(registry);
                case "timer" -> Timer.builder(meter.name()).publishPercentileHistogram().register(registry);
                case "summary" -> DistributionSummary.builder(meter.name()).publishPercentileHistogram()
                        .register(registry);
                default -> Gauge.builder(meter.name(), () -> 0).register(registry);
            }
        }
        // Bound as a Streams service (StreamsService) and enrich's consumer (EnrichLoop) bind theirs.
        Properties streamsConfig = new Properties();
        streamsConfig.put(StreamsConfig.APPLICATION_ID_CONFIG, "pager-dashboard-test");
        streamsConfig.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "localhost:1");
        streamsConfig.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        StreamsBuilder builder = new StreamsBuilder();
        builder.stream("in").to("out");
        String scraped;
        try (KafkaStreams streams = new KafkaStreams(builder.build(), streamsConfig);
             KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                     ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, "localhost:1",
                     ConsumerConfig.GROUP_ID_CONFIG, "pager-enrich"),
                     new ByteArrayDeserializer(), new ByteArrayDeserializer());
             KafkaStreamsMetrics streamsMetrics = new KafkaStreamsMetrics(streams);
             KafkaClientMetrics consumerMetrics = new KafkaClientMetrics(consumer)) {
            streamsMetrics.bindTo(registry);
            consumerMetrics.bindTo(registry);
            scraped = registry.scrape();
            streams.close(Duration.ZERO);
        }
        registry.close();
        Set<String> names = new TreeSet<>();
        scraped.lines().filter(line -> !line.startsWith("#") && !line.isBlank())
                .map(line -> line.split("[{ ]", 2)[0]).forEach(names::add);
        return names;
    }

    private record Meter(String kind, String name) {
    }

    /** The meters registered in the main code of every module, by kind and name. */
    static List<Meter> registeredInCode() throws IOException {
        List<Meter> meters = new ArrayList<>();
        try (Stream<Path> files = Files.walk(Path.of(".."))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")
                    && f.toString().contains("/src/main/java/")).toList()) {
                String source = Files.readString(file);
                Map<String, String> constants = new HashMap<>();
                CONSTANT.matcher(source).results().forEach(r -> constants.put(r.group(1), r.group(2)));
                for (Pattern pattern : List.of(BUILDER, SHORTHAND)) {
                    Matcher m = pattern.matcher(source);
                    while (m.find()) {
                        String kind = m.group(1).toLowerCase().replace("distributionsummary", "summary");
                        String name = m.group(2).startsWith("\"") ? m.group(2).substring(1, m.group(2).length() - 1)
                                : constants.get(m.group(2));
                        if (name != null) {
                            meters.add(new Meter(kind, name));
                        }
                    }
                }
            }
        }
        return meters;
    }
}
