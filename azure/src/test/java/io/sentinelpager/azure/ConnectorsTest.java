package io.sentinelpager.azure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sentinelpager.platform.config.ConfigException;
import io.sentinelpager.platform.config.PagerConfig;
import io.sentinelpager.platform.config.Secret;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConnectorsTest {

    static final String TENANT = "b3c1b5fc-828c-45fa-a1e1-10d74f6d6e9c";
    static final String CLIENT = "2f1f0a4e-8c55-4d0a-9b59-0c8d27d7e6a1";

    @Test
    void connectorsComeFromTheEnvironmentWithTheSecretKeptHidden() {
        PagerConfig config = PagerConfig.load(Optional.empty(), Map.of(
                "PAGER_CONNECTORS_CONTOSO_TENANT_ID", TENANT,
                "PAGER_CONNECTORS_CONTOSO_CLIENT_ID", CLIENT,
                "PAGER_CONNECTORS_CONTOSO_CLIENT_SECRET", "very-secret-value"));

        List<ConnectorConfig> connectors = Connectors.from(config);

        assertThat(connectors).hasSize(1);
        ConnectorConfig contoso = connectors.get(0);
        assertThat(contoso.id()).isEqualTo("contoso");
        assertThat(contoso.graphBaseUrl()).hasToString(ConnectorConfig.PUBLIC_GRAPH_BASE_URL);
        assertThat(contoso.credential()).isEqualTo(new ClientCredential.ClientSecret(Secret.of("very-secret-value")));
        assertThat(contoso.toString()).doesNotContain("very-secret-value");
        assertThat(config.describe().toString()).doesNotContain("very-secret-value");
    }

    @Test
    void aMissingSettingNamesTheConnectorAndTheVariable() {
        PagerConfig config = PagerConfig.empty().with(Map.of("connectors.fabrikam.tenant.id", TENANT));
        assertThatThrownBy(() -> Connectors.from(config))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("connectors.fabrikam.client.id")
                .hasMessageContaining("PAGER_CONNECTORS_FABRIKAM_CLIENT_ID");
    }

    @Test
    void anInvalidValueNamesTheConnectorAndField() {
        PagerConfig config = PagerConfig.empty().with(Map.of("connectors.contoso.tenant.id", TENANT,
                "connectors.contoso.client.id", "not-a-guid", "connectors.contoso.client.secret", "s"));
        assertThatThrownBy(() -> Connectors.from(config))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("connector contoso").hasMessageContaining("clientId");
    }

    @Test
    void aSentinelConnectorReadsItsWorkspaceAndManagementEndpoint() {
        PagerConfig config = PagerConfig.empty().with(Map.of("connectors.soc.tenant.id", TENANT,
                "connectors.soc.client.id", CLIENT, "connectors.soc.client.secret", "s",
                "connectors.soc.source", "sentinel",
                "connectors.soc.subscription.id", "d0cfe6b2-9ac0-4464-9919-dccaee2e48c0",
                "connectors.soc.resource.group", "soc-rg",
                "connectors.soc.workspace.name", "soc-ws",
                "connectors.soc.workspace.id", "c8c99641-985d-4e4e-8e91-fb3466cd0e5b",
                "connectors.soc.management.url", "https://management.usgovcloudapi.net/"));

        ConnectorConfig soc = Connectors.from(config).get(0);

        assertThat(soc.source()).isEqualTo(ConnectorConfig.Source.SENTINEL);
        assertThat(soc.workspace()).contains(new AzureWorkspace("d0cfe6b2-9ac0-4464-9919-dccaee2e48c0", "soc-rg",
                "soc-ws", Optional.of("c8c99641-985d-4e4e-8e91-fb3466cd0e5b")));
        assertThat(soc.managementUrl()).hasToString("https://management.usgovcloudapi.net");
    }

    @Test
    void aSentinelConnectorWithoutItsWorkspaceFailsAtStartUp() {
        PagerConfig config = PagerConfig.empty().with(Map.of("connectors.soc.tenant.id", TENANT,
                "connectors.soc.client.id", CLIENT, "connectors.soc.client.secret", "s",
                "connectors.soc.source", "sentinel", "connectors.soc.workspace.name", "soc-ws"));

        assertThatThrownBy(() -> Connectors.from(config))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("connector soc").hasMessageContaining("subscriptionId");
        assertThatThrownBy(() -> Connectors.from(config.with("connectors.soc.source", "defender")))
                .hasMessageContaining("connectors.soc.source must be graph or sentinel");
    }

    @Test
    void aGraphConnectorNeedsNoWorkspace() {
        ConnectorConfig contoso = Connectors.from(PagerConfig.empty().with(Map.of("connectors.contoso.tenant.id", TENANT,
                "connectors.contoso.client.id", CLIENT, "connectors.contoso.client.secret", "s"))).get(0);

        assertThat(contoso.source()).isEqualTo(ConnectorConfig.Source.GRAPH);
        assertThat(contoso.workspace()).isEmpty();
        assertThat(contoso.managementUrl()).hasToString(ConnectorConfig.PUBLIC_MANAGEMENT_URL);
    }

    @Test
    void theCloudSetsTheEndpointsAndAnExplicitEndpointStillWins() {
        PagerConfig config = PagerConfig.empty().with(Map.of("connectors.gov.tenant.id", TENANT,
                "connectors.gov.client.id", CLIENT, "connectors.gov.client.secret", "s",
                "connectors.gov.cloud", "USGov",
                "connectors.gov.loganalytics.url", "https://127.0.0.1:8443"));

        ConnectorConfig gov = Connectors.from(config).get(0);

        assertThat(gov.cloud()).isEqualTo(Cloud.US_GOVERNMENT);
        assertThat(gov.authorityHost()).hasToString("https://login.microsoftonline.us/");
        assertThat(gov.graphBaseUrl()).hasToString("https://graph.microsoft.us/v1.0");
        assertThat(gov.managementUrl()).hasToString("https://management.usgovcloudapi.net");
        assertThat(gov.logAnalyticsUrl()).hasToString("https://127.0.0.1:8443");
        assertThatThrownBy(() -> Connectors.from(config.with("connectors.gov.cloud", "germany")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("connectors.gov.cloud must be one of public, usgov, china; got 'germany'");
    }

    @Test
    void aCertificateReplacesTheSecret(@TempDir Path dir) throws Exception {
        Path pfx = Files.writeString(dir.resolve("app.pfx"), "bytes");
        Map<String, String> base = Map.of("connectors.contoso.tenant.id", TENANT, "connectors.contoso.client.id", CLIENT);
        PagerConfig config = PagerConfig.empty().with(base).with(Map.of(
                "connectors.contoso.client.certificate", pfx.toString(),
                "connectors.contoso.client.certificate.password", "pfx-password"));

        ConnectorConfig contoso = Connectors.from(config).get(0);

        assertThat(contoso.credential()).isEqualTo(new ClientCredential.ClientCertificate(pfx,
                Optional.of(Secret.of("pfx-password"))));
        assertThat(config.describe().toString()).doesNotContain("pfx-password");
        assertThatThrownBy(() -> Connectors.from(config.with("connectors.contoso.client.secret", "s")))
                .hasMessageContaining("set either connectors.contoso.client.secret or"
                        + " connectors.contoso.client.certificate, not both");
        assertThatThrownBy(() -> Connectors.from(PagerConfig.empty().with(base)))
                .hasMessageContaining("missing required setting connectors.contoso.client.secret"
                        + " (environment variable PAGER_CONNECTORS_CONTOSO_CLIENT_SECRET) or"
                        + " connectors.contoso.client.certificate");
        assertThatThrownBy(() -> Connectors.from(PagerConfig.empty().with(base)
                .with("connectors.contoso.client.certificate", dir.resolve("app.der").toString())))
                .hasMessageContaining("connectors.contoso.client.certificate must be a .pem, .pfx or .p12 file");
        assertThatThrownBy(() -> Connectors.from(PagerConfig.empty().with(base)
                .with("connectors.contoso.client.certificate", dir.resolve("gone.pem").toString())))
                .hasMessageContaining("connector contoso").hasMessageContaining("clientCertificate file")
                .hasMessageContaining("gone.pem does not exist or cannot be read");
        assertThatThrownBy(() -> Connectors.from(PagerConfig.empty().with(base).with(Map.of(
                "connectors.contoso.client.secret", "s", "connectors.contoso.client.certificate.password", "p"))))
                .hasMessageContaining("connectors.contoso.client.certificate.password is set but"
                        + " connectors.contoso.client.certificate is not");
    }

    @Test
    void noConnectorsConfiguredIsAnEmptyList() {
        assertThat(Connectors.from(PagerConfig.empty())).isEmpty();
    }
}
