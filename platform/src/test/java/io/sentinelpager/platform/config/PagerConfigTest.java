package io.sentinelpager.platform.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PagerConfigTest {

    static final ConfigKey POLL = ConfigKey.of("ingest.poll.interval", "30s", "how often to poll");
    static final ConfigKey TOP = ConfigKey.of("ingest.page.size", "100", "alerts per page");

    @TempDir
    Path dir;

    @Test
    void environmentOverridesFileWhichOverridesDefaults() throws Exception {
        Path file = dir.resolve("pager.yaml");
        Files.writeString(file, "ingest:\n  poll:\n    interval: 10s\n  page:\n    size: 50\nkafka:\n  bootstrap.servers: a:9092\n");
        PagerConfig config = PagerConfig.load(Optional.of(file),
                Map.of("PAGER_INGEST_PAGE_SIZE", "25", "KAFKA_BOOTSTRAP_SERVERS", "b:9092", "HOME", "/root"));

        assertThat(config.duration(POLL)).isEqualTo(Duration.ofSeconds(10));
        assertThat(config.integer(TOP)).isEqualTo(25);
        assertThat(config.withPrefix("kafka")).containsEntry("bootstrap.servers", "b:9092");
        assertThat(PagerConfig.empty().duration(POLL)).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void aLaterFileWinsAndARelativePathInAFileIsRelativeToThatFile() throws Exception {
        ConfigKey inbox = ConfigKey.of("notify.inbox.dir", "pager-inbox", "inbox");
        Path cluster = Files.writeString(dir.resolve("pager.yaml"), "ingest.page.size: 50\nnotify.inbox.dir: inbox\n");
        Path connector = Files.writeString(Files.createDirectories(dir.resolve("secrets")).resolve("contoso.properties"),
                "ingest.page.size=70\n");

        PagerConfig config = PagerConfig.load(java.util.List.of(cluster, connector), Map.of());

        assertThat(config.integer(TOP)).isEqualTo(70);
        assertThat(config.origins().get(TOP.name()).toString()).isEqualTo("file " + connector + ":1");
        assertThat(config.path(inbox)).isEqualTo(dir.resolve("inbox"));
        // Given in the environment or as a default, a path stays as it is: relative to where the process runs.
        assertThat(PagerConfig.load(java.util.List.of(), Map.of("PAGER_NOTIFY_INBOX_DIR", "elsewhere")).path(inbox))
                .isEqualTo(Path.of("elsewhere"));
        assertThat(PagerConfig.empty().path(inbox)).isEqualTo(Path.of("pager-inbox"));
    }

    @Test
    void propertiesFilesWorkToo() throws Exception {
        Path file = dir.resolve("pager.properties");
        Files.writeString(file, "ingest.poll.interval=PT2M\n");
        assertThat(PagerConfig.load(Optional.of(file), Map.of()).duration(POLL)).isEqualTo(Duration.ofMinutes(2));
    }

    @Test
    void malformedValueNamesKeyOriginAndExpectation() {
        PagerConfig config = PagerConfig.load(Optional.empty(), Map.of("PAGER_INGEST_POLL_INTERVAL", "soon"));
        assertThatThrownBy(() -> config.duration(POLL))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("ingest.poll.interval")
                .hasMessageContaining("environment variable PAGER_INGEST_POLL_INTERVAL")
                .hasMessageContaining("'soon'")
                .hasMessageContaining("expected a duration");
    }

    @Test
    void eachSettingKnowsTheFileLineOrVariableItCameFrom() throws Exception {
        Path yaml = dir.resolve("pager.yaml");
        Files.writeString(yaml, "# pager\ningest:\n  poll:\n    interval: soon\n  page.size: 50\n");
        PagerConfig fromYaml = PagerConfig.load(Optional.of(yaml), Map.of("PAGER_INGEST_PAGE_SIZE", "25"));
        assertThat(fromYaml.origins().get("ingest.poll.interval"))
                .isEqualTo(new PagerConfig.Origin(PagerConfig.Origin.Layer.FILE, yaml.toString(), 4));
        assertThat(fromYaml.origins().get("ingest.page.size"))
                .isEqualTo(new PagerConfig.Origin(PagerConfig.Origin.Layer.ENVIRONMENT, "PAGER_INGEST_PAGE_SIZE", 0));
        assertThatThrownBy(() -> fromYaml.duration(POLL))
                .hasMessageContaining("setting ingest.poll.interval from file " + yaml + ":4 is 'soon'");

        Path properties = dir.resolve("pager.properties");
        Files.writeString(properties, "# a comment \\\ningest.page.size = 1\\\n  0\n\n! another\ningest.poll.interval: 1m\n");
        PagerConfig fromProperties = PagerConfig.load(Optional.of(properties), Map.of());
        assertThat(fromProperties.integer(TOP)).isEqualTo(10);
        assertThat(fromProperties.origins().get("ingest.page.size").line()).isEqualTo(2);
        assertThat(fromProperties.origins().get("ingest.poll.interval").line()).isEqualTo(6);
        assertThat(fromProperties.origins()).containsOnlyKeys("ingest.page.size", "ingest.poll.interval");
    }

    @Test
    void missingRequiredSettingSaysWhichVariableToSet() {
        ConfigKey tenant = ConfigKey.required("connectors.contoso.tenant.id", "Entra tenant id");
        assertThatThrownBy(() -> PagerConfig.empty().string(tenant))
                .hasMessageContaining("connectors.contoso.tenant.id")
                .hasMessageContaining("PAGER_CONNECTORS_CONTOSO_TENANT_ID");
    }

    @Test
    void secretsAreMaskedWhenDescribedAndInErrors() {
        ConfigKey secret = ConfigKey.secret("connectors.contoso.client.secret", "client secret");
        PagerConfig config = PagerConfig.empty().with(Map.of(secret.name(), "s3cr3t-value", "smtp.port", "x"));
        assertThat(config.describe()).containsEntry(secret.name(), "****");
        assertThat(config.secret(secret).toString()).isEqualTo("****").doesNotContain("s3cr3t");
        assertThat(config.secret(secret).reveal()).isEqualTo("s3cr3t-value");
        assertThatThrownBy(() -> config.integer(secret)).message().doesNotContain("s3cr3t");
    }

    @Test
    void missingFileIsAClearError() {
        assertThatThrownBy(() -> PagerConfig.load(Optional.of(dir.resolve("nope.yaml")), Map.of()))
                .hasMessageContaining("nope.yaml").hasMessageContaining("does not exist");
    }
}
