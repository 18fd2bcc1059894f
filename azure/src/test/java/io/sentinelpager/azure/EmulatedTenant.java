package io.sentinelpager.azure;

import io.sentinelpager.emulator.AzureEmulator;
import io.sentinelpager.emulator.EmulatorOptions;
import io.sentinelpager.platform.config.Secret;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;

/** A connector pointed at every API of a running emulator, the way production points one at Azure. */
final class EmulatedTenant {

    private EmulatedTenant() {
    }

    /** Writes the emulator's certificate into {@code dir} and trusts it besides the JDK's CAs. */
    static ConnectorConfig connector(AzureEmulator emulator, Path dir) {
        EmulatorOptions options = emulator.options();
        Path pem = dir.resolve("emulator.pem");
        emulator.writeCertificatePem(pem);
        return ConnectorConfig.of("contoso", options.tenantId(), options.clientId(), Secret.of(options.clientSecret()))
                .withAuthorityHost(URI.create(emulator.authorityHost()))
                .withGraphBaseUrl(URI.create(emulator.graphBaseUrl()))
                .withManagementUrl(URI.create(emulator.managementUrl()))
                .withLogAnalyticsUrl(URI.create(emulator.logAnalyticsUrl()))
                .withExtraTrustedCertificate(pem)
                .withRequestTimeout(Duration.ofSeconds(10));
    }
}
