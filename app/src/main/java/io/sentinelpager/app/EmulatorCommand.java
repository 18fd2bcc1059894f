package io.sentinelpager.app;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import io.sentinelpager.azure.Connectors;
import io.sentinelpager.emulator.AzureEmulator;
import io.sentinelpager.emulator.EmulatorOptions;
import io.sentinelpager.emulator.SampleAlerts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code pager emulator}: the Azure emulator on its own, for running services by hand against it. The connector
 * settings it accepts, secret included, go to a file readable only by its owner, never to the terminal: YAML or
 * Java properties as the file's name says, the two formats {@code --config} reads.
 */
@Command(name = "emulator", mixinStandardHelpOptions = true,
        description = "Run the Azure emulator (Entra ID, Graph, Sentinel ARM, Log Analytics) over HTTPS.")
final class EmulatorCommand implements Callable<Integer> {

    /** The first line of a connector file this command wrote: the only kind of file it overwrites. */
    static final String HEADER = "# Written by pager emulator: the connector settings of the emulated tenant.";
    /** Letters and digits as the environment variables of a connector need them, and dashes. */
    private static final Pattern CONNECTOR_ID = Pattern.compile("[a-z0-9][a-z0-9-]{0,39}");

    @Option(names = "--host", defaultValue = "127.0.0.1", description = "address to listen on (default 127.0.0.1;"
            + " 0.0.0.0 in a container, where the admin API, which takes no token, is then open to its network)")
    String host;

    @Option(names = "--hostname", defaultValue = "127.0.0.1", description = "name the services reach it by, in the"
            + " connector settings and its certificate besides localhost and 127.0.0.1 (default 127.0.0.1; in"
            + " docker-compose.yml its service name, emulator)")
    String hostname;

    @Option(names = "--port", defaultValue = "8443", description = "HTTPS port (default 8443; 0 picks a free one)")
    int port;

    @Option(names = "--connector-id", defaultValue = DemoConnector.ID,
            description = "id of the connector the file sets up; alert keys are <id>:<alertId> (default "
                    + DemoConnector.ID + ")")
    String connectorId;

    @Option(names = "--connector-file", defaultValue = "emulator-connector.properties",
            description = "where to write the connector settings for pager --config (owner-only permissions):"
                    + " YAML if it ends in .yaml or .yml, Java properties otherwise")
    Path connectorFile;

    @Option(names = "--certificate", defaultValue = "emulator-ca.pem", description = "where to write the certificate")
    Path certificate;

    @Override
    public Integer call() throws Exception {
        if (!CONNECTOR_ID.matcher(connectorId).matches()) {
            System.err.println("--connector-id '" + connectorId + "' must be 1 to 40 lower-case letters, digits or"
                    + " dashes, starting with a letter or digit (it is part of every alert key and setting name)");
            return 2;
        }
        if (Files.exists(connectorFile) && !writtenHere(connectorFile)) {
            System.err.println("--connector-file " + connectorFile.toAbsolutePath() + " exists and was not written by"
                    + " pager emulator; name another file (the cluster's settings go in a file of their own, and"
                    + " both are given: -c pager.yaml -c " + connectorFile.getFileName() + ")");
            return 2;
        }
        AzureEmulator azure = AzureEmulator.start(EmulatorOptions.defaults().withHost(host, hostname).withPort(port));
        azure.writeCertificatePem(certificate.toAbsolutePath());
        DemoConnector.seedWorkspace(azure);
        azure.alerts().add(SampleAlerts.defenderEndpoint());
        azure.alerts().add(DemoConnector.sentinelSampleAlert());
        Map<String, String> settings = DemoConnector.settings(connectorId, azure, certificate.toAbsolutePath());
        Files.deleteIfExists(connectorFile);
        Files.createFile(connectorFile, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(connectorFile, HEADER + "\n" + (yaml(connectorFile) ? asYaml(settings) : asProperties(settings)));
        System.out.printf("""
                Azure emulator on %s
                  Entra ID authority  %s
                  Graph               %s
                  certificate         %s
                  connector settings  %s (connector %s; contains the client secret; readable only by you)
                admin API (plain JSON, no token), relative to %s:
                %s
                Ctrl-C stops it.
                """, azure.baseUrl(), azure.authorityHost(), azure.graphBaseUrl(),
                certificate.toAbsolutePath(), connectorFile.toAbsolutePath(), connectorId, azure.baseUrl(),
                AzureEmulator.adminRoutes().stream().map(route -> "  " + route).collect(Collectors.joining("\n")));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            azure.close();
            stopped.countDown();
        }, "emulator-stop"));
        stopped.await();
        return 0;
    }

    private static boolean writtenHere(Path file) throws IOException {
        try (var lines = Files.lines(file)) {
            return lines.findFirst().map(HEADER::equals).orElse(false);
        }
    }

    static boolean yaml(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        return name.endsWith(".yaml") || name.endsWith(".yml");
    }

    static String asProperties(Map<String, String> settings) {
        return settings.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining("\n", "", "\n"));
    }

    /** {@code connectors: {<id>: {tenant.id: …}}}, as an operator writes a connector in pager.yaml. */
    static String asYaml(Map<String, String> settings) throws IOException {
        Map<String, Map<String, String>> byConnector = new LinkedHashMap<>();
        settings.forEach((key, value) -> {
            String[] parts = key.split("\\.", 3); // connectors, <id>, the rest
            byConnector.computeIfAbsent(parts[1], id -> new LinkedHashMap<>()).put(parts[2], value);
        });
        ObjectMapper yaml = new ObjectMapper(new YAMLFactory().disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER));
        return yaml.writeValueAsString(Map.of(Connectors.PREFIX, byConnector));
    }
}
