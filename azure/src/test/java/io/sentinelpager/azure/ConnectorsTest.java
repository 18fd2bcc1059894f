package io.sentinelpager.azure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sentinelpager.platform.config.ConfigException;
import io.sentinelpager.platform.config.PagerConfig;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

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
        assertThat(contoso.clientSecret().reveal()).isEqualTo("very-secret-value");
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
    void noConnectorsConfiguredIsAnEmptyList() {
        assertThat(Connectors.from(PagerConfig.empty())).isEmpty();
    }
}
