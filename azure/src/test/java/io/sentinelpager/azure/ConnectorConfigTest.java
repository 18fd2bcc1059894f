package io.sentinelpager.azure;

import io.sentinelpager.platform.config.Secret;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConnectorConfigTest {

    private static final String TENANT = "b3c1b5fc-828c-45fa-a1e1-10d74f6d6e9c";
    private static final String CLIENT = "3d2e5c8a-7b14-4f0e-b6a9-91c4d7e2f058";
    private static final Secret SECRET = Secret.of("Xk48Q~super-secret-value");

    @Test
    void defaultsToThePublicCloud() {
        ConnectorConfig config = ConnectorConfig.of("contoso", TENANT, CLIENT, SECRET);

        assertThat(config.authorityHost()).isEqualTo(URI.create("https://login.microsoftonline.com/"));
        assertThat(config.graphBaseUrl()).isEqualTo(URI.create("https://graph.microsoft.com/v1.0"));
        assertThat(config.requestTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(config.extraTrustedCertificate()).isEmpty();
        assertThat(config.knownAuthorityHost()).isTrue();
    }

    @Test
    void normalizesUrlsAndRecognizesPrivateAuthorityHosts() {
        ConnectorConfig config = ConnectorConfig.of("contoso", "contoso.onmicrosoft.com", CLIENT, SECRET)
                .withAuthorityHost(URI.create("https://127.0.0.1:8443"))
                .withGraphBaseUrl(URI.create("https://127.0.0.1:8443/v1.0/"))
                .withExtraTrustedCertificate(Path.of("emulator.pem"))
                .withRequestTimeout(Duration.ofSeconds(5));

        assertThat(config.authorityHost()).isEqualTo(URI.create("https://127.0.0.1:8443/"));
        assertThat(config.graphBaseUrl()).isEqualTo(URI.create("https://127.0.0.1:8443/v1.0"));
        assertThat(config.extraTrustedCertificate()).contains(Path.of("emulator.pem"));
        assertThat(config.knownAuthorityHost()).isFalse();
    }

    @Test
    void namesTheConnectorAndTheFieldInEveryValidationMessage() {
        assertThatThrownBy(() -> ConnectorConfig.of("bad:id", TENANT, CLIENT, SECRET))
                .hasMessageContaining("connector id").hasMessageContaining("'bad:id'");
        assertThatThrownBy(() -> ConnectorConfig.of("contoso", "common", CLIENT, SECRET))
                .hasMessage("connector 'contoso': tenantId must be the directory (tenant) id, a GUID, or a verified"
                        + " domain such as contoso.onmicrosoft.com; got 'common'");
        assertThatThrownBy(() -> ConnectorConfig.of("contoso", TENANT, "my-app", SECRET))
                .hasMessageStartingWith("connector 'contoso': clientId must be the application (client) id");
        assertThatThrownBy(() -> ConnectorConfig.of("contoso", TENANT, CLIENT, null))
                .hasMessage("connector 'contoso': clientSecret is required (or a clientCertificate)");
        ConnectorConfig valid = ConnectorConfig.of("contoso", TENANT, CLIENT, SECRET);
        assertThatThrownBy(() -> valid.withAuthorityHost(URI.create("http://login.example/")))
                .hasMessageStartingWith("connector 'contoso': authorityHost must be an absolute https URL");
        assertThatThrownBy(() -> valid.withAuthorityHost(URI.create("https://login.example/tenant")))
                .hasMessageStartingWith("connector 'contoso': authorityHost must be a host without a path");
        assertThatThrownBy(() -> valid.withGraphBaseUrl(URI.create("https://graph.microsoft.com/")))
                .hasMessageStartingWith("connector 'contoso': graphBaseUrl must include the API version");
        assertThatThrownBy(() -> valid.withRequestTimeout(Duration.ZERO))
                .hasMessageStartingWith("connector 'contoso': requestTimeout must be positive");
    }

    @Test
    void neverShowsTheSecret() {
        ConnectorConfig config = ConnectorConfig.of("contoso", TENANT, CLIENT, SECRET);

        assertThat(SECRET.toString()).isEqualTo("****");
        assertThat(config.toString()).contains("credential=ClientSecret[secret=****]").doesNotContain(SECRET.reveal());
        assertThat(Secret.of("a")).isEqualTo(Secret.of("a")).isNotEqualTo(Secret.of("b"));
        assertThatThrownBy(() -> Secret.of(" ")).hasMessage("a secret must not be blank");
    }

    @Test
    void theCloudSetsEveryEndpointAndTheTokenScopes() {
        ConnectorConfig gov = ConnectorConfig.of("contoso", TENANT, CLIENT, SECRET).withCloud(Cloud.US_GOVERNMENT);
        assertThat(gov.authorityHost()).hasToString("https://login.microsoftonline.us/");
        assertThat(gov.graphBaseUrl()).hasToString("https://graph.microsoft.us/v1.0");
        assertThat(gov.managementUrl()).hasToString("https://management.usgovcloudapi.net");
        assertThat(gov.logAnalyticsUrl()).hasToString("https://api.loganalytics.us");
        assertThat(gov.knownAuthorityHost()).isTrue();

        ConnectorConfig china = gov.withCloud(Cloud.CHINA);
        assertThat(china.authorityHost()).hasToString("https://login.chinacloudapi.cn/");
        assertThat(china.graphBaseUrl()).hasToString("https://microsoftgraph.chinacloudapi.cn/v1.0");
        assertThat(china.managementUrl()).hasToString("https://management.chinacloudapi.cn");
        assertThat(china.logAnalyticsUrl()).hasToString("https://api.loganalytics.azure.cn");
        assertThat(china.cloud().graphScope()).isEqualTo("https://microsoftgraph.chinacloudapi.cn/.default");
        assertThat(china.cloud().managementScope()).isEqualTo("https://management.chinacloudapi.cn/.default");

        ConnectorConfig publicCloud = ConnectorConfig.of("contoso", TENANT, CLIENT, SECRET);
        assertThat(publicCloud.logAnalyticsUrl()).hasToString("https://api.loganalytics.io");
        assertThat(publicCloud.cloud().graphScope()).isEqualTo("https://graph.microsoft.com/.default");
    }

    @Test
    void anOverriddenEndpointKeepsTheCloudsTokenScope() {
        ConnectorConfig emulated = ConnectorConfig.of("contoso", TENANT, CLIENT, SECRET).withCloud(Cloud.US_GOVERNMENT)
                .withGraphBaseUrl(URI.create("https://127.0.0.1:8443/v1.0"))
                .withManagementUrl(URI.create("https://127.0.0.1:8443"));

        assertThat(emulated.graphBaseUrl()).hasToString("https://127.0.0.1:8443/v1.0");
        assertThat(emulated.authorityHost()).as("not overridden").hasToString("https://login.microsoftonline.us/");
        assertThat(emulated.cloud().graphScope()).isEqualTo("https://graph.microsoft.us/.default");
        assertThat(emulated.cloud().managementScope()).isEqualTo("https://management.usgovcloudapi.net/.default");
    }

    @Test
    void aCertificateCredentialNeedsAReadablePemOrPfxFile(@TempDir Path dir) throws Exception {
        Path pfx = Files.writeString(dir.resolve("app.pfx"), "not checked here");
        ConnectorConfig config = ConnectorConfig.of("contoso", TENANT, CLIENT, SECRET)
                .withCredential(new ClientCredential.ClientCertificate(pfx, Optional.of(Secret.of("pfx-password"))));

        ClientCredential.ClientCertificate certificate = (ClientCredential.ClientCertificate) config.credential();
        assertThat(certificate.format()).isEqualTo(ClientCredential.ClientCertificate.Format.PKCS12);
        assertThat(config.toString()).doesNotContain("pfx-password");
        assertThat(config.redact("echo pfx-password")).isEqualTo("echo ****");
        assertThatThrownBy(() -> config.withCredential(
                new ClientCredential.ClientCertificate(dir.resolve("missing.pem"), Optional.empty())))
                .hasMessageStartingWith("connector 'contoso': clientCertificate file ")
                .hasMessageEndingWith("missing.pem does not exist or cannot be read");
        assertThatThrownBy(() -> new ClientCredential.ClientCertificate(dir.resolve("app.crt"), Optional.empty()))
                .hasMessageStartingWith("must be a .pem, .pfx or .p12 file");
    }

    @Test
    void aSentinelSourceNeedsAWorkspace() {
        ConnectorConfig graph = ConnectorConfig.of("contoso", TENANT, CLIENT, SECRET);
        assertThatThrownBy(() -> new ConnectorConfig(graph.id(), TENANT, CLIENT, graph.credential(), null, null, null,
                null, null, Optional.empty(), null, ConnectorConfig.Source.SENTINEL, Optional.empty()))
                .hasMessageStartingWith("connector 'contoso': workspace is required when the source is sentinel");
        assertThatThrownBy(() -> SentinelIncidentsClient.create(graph))
                .hasMessageStartingWith("connector 'contoso': workspace is not configured");
    }

    @Test
    void redactsTheSecretFromAnyText() {
        ConnectorConfig config = ConnectorConfig.of("contoso", TENANT, CLIENT, SECRET);
        assertThat(config.redact("echo: Xk48Q~super-secret-value!")).isEqualTo("echo: ****!");
    }
}
