package io.sentinelpager.azure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.sentinelpager.emulator.AppCertificate;
import io.sentinelpager.emulator.AzureEmulator;
import io.sentinelpager.emulator.AzureEmulatorExtension;
import io.sentinelpager.emulator.LoggedRequest;
import io.sentinelpager.emulator.SampleAlerts;
import io.sentinelpager.platform.config.Secret;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * azure-identity's ClientCertificateCredential against the emulated token endpoint, which checks
 * the client assertion's signature against the certificate registered for the app.
 */
@ExtendWith(AzureEmulatorExtension.class)
class CertificateCredentialIT {

    /** The .pfx file's password; LogGrepIT looks for it in the logs. */
    static final String PFX_PASSWORD = "pfx-Pa55word";

    private static final Instant T0 = Instant.parse("2020-01-01T00:00:00Z");
    private static final AppCertificate REGISTERED = AppCertificate.generate("sentinel-pager");

    @BeforeAll
    static void registerTheCertificate(AzureEmulator emulator) {
        emulator.registerClientCertificate(REGISTERED.certificate());
        emulator.alerts().add(SampleAlerts.defenderEndpoint());
    }

    @Test
    void aPemCertificateGetsATokenAndReadsAlerts(AzureEmulator emulator, @TempDir Path dir) {
        Path pem = dir.resolve("app.pem");
        REGISTERED.writePem(pem);
        ConnectorConfig config = EmulatedTenant.connector(emulator, dir)
                .withCredential(new ClientCredential.ClientCertificate(pem, Optional.empty()));

        try (GraphAlertsClient client = GraphAlertsClient.create(config)) {
            assertThat(client.listUpdatedSince(T0, 10).alerts()).isNotEmpty();
        }
        assertThat(emulator.requests().of("token")).extracting(LoggedRequest::status).contains(200);
    }

    @Test
    void aPasswordProtectedPfxWorksForSentinelAndLogAnalyticsToo(AzureEmulator emulator, @TempDir Path dir) throws Exception {
        Path pfx = dir.resolve("app.pfx");
        REGISTERED.writePfx(pfx, PFX_PASSWORD.toCharArray());
        assertThat(Files.getPosixFilePermissions(pfx)).as("owner-only").hasSize(2);
        emulator.logAnalytics().seedSecurityAlerts("c8c99641-985d-4e4e-8e91-fb3466cd0e5b");
        ConnectorConfig config = EmulatedTenant.connector(emulator, dir)
                .withCredential(new ClientCredential.ClientCertificate(pfx, Optional.of(Secret.of(PFX_PASSWORD))))
                .withSentinelWorkspace(new AzureWorkspace("d0cfe6b2-9ac0-4464-9919-dccaee2e48c0", "myRg", "myWorkspace",
                        Optional.of("c8c99641-985d-4e4e-8e91-fb3466cd0e5b")));

        try (SentinelIncidentsClient sentinel = SentinelIncidentsClient.create(config);
             LogAnalyticsClient logs = LogAnalyticsClient.create(config)) {
            assertThat(sentinel.listModifiedSince(T0, 10).incidents()).isEmpty();
            assertThat(logs.query("SecurityAlert", T0, Instant.now()).primary().rows()).hasSize(2);
        }
    }

    @Test
    void aCertificateTheAppDoesNotHaveIsRefusedOnceAndClearly(AzureEmulator emulator, @TempDir Path dir) {
        Path pem = dir.resolve("other.pem");
        AppCertificate.generate("not-uploaded").writePem(pem);
        ConnectorConfig config = EmulatedTenant.connector(emulator, dir)
                .withCredential(new ClientCredential.ClientCertificate(pem, Optional.empty()));

        GraphCallException failure;
        try (GraphAlertsClient client = GraphAlertsClient.create(config)) {
            failure = catchThrowableOfType(GraphCallException.class, () -> client.listUpdatedSince(T0, 10));
        }

        assertThat(failure.errorCode()).contains("AADSTS700027");
        assertThat(failure.retriable()).isFalse();
        assertThat(failure.getMessage()).contains("Entra ID refused a token for app")
                .contains("The certificate with identifier used to sign the client assertion is not registered");
        StringWriter trace = new StringWriter();
        failure.printStackTrace(new PrintWriter(trace));
        assertThat(trace.toString()).doesNotContain("PRIVATE KEY");
    }
}
