package io.sentinelpager.app;

import io.sentinelpager.emulator.AzureEmulator;
import io.sentinelpager.emulator.EmulatorOptions;
import io.sentinelpager.emulator.SampleAlerts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code pager emulator}: the Azure emulator on its own, for running services by hand against it. The connector
 * settings it accepts, secret included, go to a file readable only by its owner, never to the terminal.
 */
@Command(name = "emulator", mixinStandardHelpOptions = true,
        description = "Run the Azure emulator (Entra ID, Graph, Sentinel ARM, Log Analytics) over HTTPS.")
final class EmulatorCommand implements Callable<Integer> {

    @Option(names = "--port", defaultValue = "8443", description = "HTTPS port (default 8443; 0 picks a free one)")
    int port;

    @Option(names = "--connector-file", defaultValue = "emulator-connector.properties",
            description = "where to write the connector settings for pager --config (owner-only permissions)")
    Path connectorFile;

    @Option(names = "--certificate", defaultValue = "emulator-ca.pem", description = "where to write the certificate")
    Path certificate;

    @Override
    public Integer call() throws Exception {
        AzureEmulator azure = AzureEmulator.start(EmulatorOptions.defaults().withPort(port));
        azure.writeCertificatePem(certificate.toAbsolutePath());
        DemoConnector.seedWorkspace(azure);
        azure.alerts().add(SampleAlerts.defenderEndpoint());
        azure.alerts().add(DemoConnector.sentinelSampleAlert());
        Map<String, String> settings = DemoConnector.settings(azure, certificate.toAbsolutePath());
        Files.deleteIfExists(connectorFile);
        Files.createFile(connectorFile, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(connectorFile, settings.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining("\n", "", "\n")));
        System.out.printf("""
                Azure emulator on %s
                  Entra ID authority  %s
                  Graph               %s
                  certificate         %s
                  connector settings  %s (contains the client secret; readable only by you)
                admin API (plain JSON, no token), relative to %s:
                %s
                Ctrl-C stops it.
                """, azure.baseUrl(), azure.authorityHost(), azure.graphBaseUrl(),
                certificate.toAbsolutePath(), connectorFile.toAbsolutePath(), azure.baseUrl(),
                AzureEmulator.adminRoutes().stream().map(route -> "  " + route).collect(Collectors.joining("\n")));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            azure.close();
            stopped.countDown();
        }, "emulator-stop"));
        stopped.await();
        return 0;
    }
}
