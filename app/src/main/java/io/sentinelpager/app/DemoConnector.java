package io.sentinelpager.app;

import io.sentinelpager.azure.Connectors;
import io.sentinelpager.emulator.AzureEmulator;
import io.sentinelpager.emulator.EmulatorOptions;
import io.sentinelpager.platform.config.Secret;
import java.nio.file.Path;
import java.util.Map;

/** The demo's one connector: the emulated tenant, reached through the same settings a real tenant uses. */
public final class DemoConnector {

    public static final String ID = "demo";

    private DemoConnector() {
    }

    public static Map<String, String> settings(AzureEmulator azure, Path trustedCertificate) {
        EmulatorOptions app = azure.options();
        return Connectors.settings(ID, app.tenantId(), app.clientId(), Secret.of(app.clientSecret()),
                azure.authorityHost(), azure.graphBaseUrl(), trustedCertificate);
    }
}
