package io.sentinelpager.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.sentinelpager.app.DemoConnector;
import io.sentinelpager.emulator.SampleAlerts;
import io.sentinelpager.platform.local.LocalCluster;
import io.sentinelpager.schemas.Topics;
import io.sentinelpager.testkit.LocalClusterExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Kafka's own console consumer, with Apicurio's deserializer pointed at the registry, decodes alerts.raw as the README
 * shows it: the proof that ordinary Kafka tooling can inspect the alert flow.
 */
@ExtendWith(LocalClusterExtension.class)
class ConsoleConsumerIT {

    @Test
    void pagerTailPrintsKeyHeadersAndTheDecodedValue(LocalCluster cluster) throws Exception {
        Pipeline pipeline = Pipeline.shared(cluster);
        String alertId = pipeline.azure.alerts().add(SampleAlerts.sentinelScheduled()).get("id").asText();
        String key = DemoConnector.ID + ":" + alertId;
        String output = "";
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!output.contains(key) && System.nanoTime() < deadline) {
            java.io.ByteArrayOutputStream buffer = new java.io.ByteArrayOutputStream();
            java.io.PrintStream original = System.out;
            System.setOut(new java.io.PrintStream(buffer, true, StandardCharsets.UTF_8));
            try {
                int exit = new picocli.CommandLine(new io.sentinelpager.app.PagerCommand()).execute("tail",
                        Topics.ALERTS_RAW.name(), "--bootstrap-server", cluster.bootstrapServers(),
                        "--registry-url", cluster.registryUrl(), "--timeout", "PT3S");
                assertThat(exit).isZero();
            } finally {
                System.setOut(original);
            }
            output = buffer.toString(StandardCharsets.UTF_8);
        }
        // The sample is of high severity, so it is on the urgent lane, which pager tail reads with alerts.raw.
        assertThat(output).containsPattern("alerts\\.raw\\.urgent-\\d+@\\d+ key=" + key)
                .contains("\"title\": \"Suspicious sign-in activity detected\"")
                .contains("\"source\": \"GRAPH\"");
    }

    @Test
    void kafkaConsoleConsumerDecodesAlertsRawThroughTheRegistry(LocalCluster cluster) throws Exception {
        Pipeline pipeline = Pipeline.shared(cluster);
        String alertId = pipeline.azure.alerts().add(SampleAlerts.defenderEndpoint()).get("id").asText();
        String key = DemoConnector.ID + ":" + alertId;

        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String output = "";
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        // The alert reaches alerts.raw at ingest's next poll; read until it is there.
        while (!output.contains(key) && System.nanoTime() < deadline) {
            Process process = new ProcessBuilder(List.of(java, "-cp", classpath,
                    "org.apache.kafka.tools.consumer.ConsoleConsumer",
                    "--bootstrap-server", cluster.bootstrapServers(),
                    "--include", "alerts\\.raw(\\.urgent)?", "--from-beginning", "--timeout-ms", "8000",
                    "--formatter-property", "print.key=true",
                    "--formatter-property", "value.deserializer=io.apicurio.registry.serde.avro.AvroKafkaDeserializer",
                    "--formatter-property", "value.deserializer.apicurio.registry.url=" + cluster.registryUrl()))
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        }

        String line = output.lines().filter(l -> l.startsWith(key)).findFirst().orElseThrow(
                () -> new AssertionError("console consumer did not print alert " + key));
        assertThat(line).contains("\"title\": \"Suspicious execution of hidden file\"")
                .contains("\"severity\": \"LOW\"")
                .contains("\"connectorId\": \"" + DemoConnector.ID + "\"");
    }
}
