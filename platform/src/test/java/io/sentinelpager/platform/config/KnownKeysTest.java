package io.sentinelpager.platform.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KnownKeysTest {

    static final KnownKeys KNOWN = new KnownKeys(List.of(
            ConfigKey.of("escalate.closed.retention", "14d", "retention"),
            ConfigKey.secret("responder.session.key", "session key"),
            ConfigKey.of("responder.login.max-failures", "5", "failed logins"),
            ConfigKey.of("ingest.poll.interval", "30s", "poll"),
            ConfigKey.of("notify.email.smtp.host", null, "SMTP server"),
            ConfigKey.of("notify.email.from", null, "sender"),
            ConfigKey.required("connectors.*.tenant.id", "tenant of each connector"),
            ConfigKey.secret("connectors.*.client.secret", "secret of each connector"),
            ConfigKey.secret("notify.teams.secret.url.*", "Workflows URL per name"),
            ConfigKey.of("kafka.*", null, "Kafka client settings")), Set.of("PAGER_LOG_LEVEL"));

    @TempDir
    Path dir;

    @Test
    void typosInTheFileStopStartUpAllAtOnceWithWhereAndWhatWasMeant() throws Exception {
        Path file = dir.resolve("pager.yaml");
        Files.writeString(file, """
                escalate:
                  closed:
                    retenton: 30d
                responder:
                  sesion.key: hunter2-hunter2-hunter2-hunter2
                connectors:
                  contoso:
                    tenant.id: 00000000-0000-0000-0000-000000000000
                    tennant.id: 11111111-1111-1111-1111-111111111111
                zzz: 1
                """);
        List<String> warnings = new ArrayList<>();
        PagerConfig config = PagerConfig.load(Optional.of(file), Map.of("PAGER_INGEST_POL_INTERVAL", "10s"));

        assertThatThrownBy(() -> KNOWN.check(config, warnings::add))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("4 unknown setting(s) in the configuration file")
                .hasMessageContaining(file + ":3: escalate.closed.retenton (did you mean escalate.closed.retention?)")
                .hasMessageContaining(file + ":5: responder.sesion.key (did you mean responder.session.key?)")
                .hasMessageContaining(file + ":9: connectors.contoso.tennant.id"
                        + " (did you mean connectors.contoso.tenant.id?)")
                .hasMessageEndingWith(file + ":10: zzz")
                .message().doesNotContain("hunter2").doesNotContain("30d").doesNotContain("1111");
        assertThat(warnings).singleElement().asString().contains("PAGER_INGEST_POL_INTERVAL");
    }

    @Test
    void aLevelLeftOutOfTheYamlIsNearToo() {
        assertThat(KNOWN.nearest("notify.smtp.host")).contains("notify.email.smtp.host");
        assertThat(KNOWN.nearest("notify.email.host")).contains("notify.email.smtp.host");
        assertThat(KNOWN.nearest("tenant.id")).contains("connectors.*.tenant.id");
        assertThat(KNOWN.nearest("connectors.contoso.tenantid")).contains("connectors.contoso.tenant.id");
        assertThat(KNOWN.nearest("connector.contoso.tenant.id")).contains("connectors.*.tenant.id");
        assertThat(KNOWN.nearest("foo")).isEmpty();
        assertThat(KNOWN.nearest("require.browser")).isEmpty();
    }

    @Test
    void familiesOfKeysAndKafkaClientSettingsAreKnown() throws Exception {
        Path file = dir.resolve("pager.properties");
        Files.writeString(file, """
                connectors.contoso.tenant.id=t
                connectors.fabrikam-eu.client.secret=s
                notify.teams.secret.url.soc=https://example.invalid/workflow
                kafka.bootstrap.servers=kafka-1:9092
                kafka.sasl.jaas.config=x
                ingest.poll.interval=10s
                """);
        PagerConfig config = PagerConfig.load(Optional.of(file), Map.of("KAFKA_SECURITY_PROTOCOL", "SASL_SSL"));

        assertThat(warnings(config)).isEmpty();
        assertThat(KNOWN.contains("connectors.contoso")).isFalse();
        assertThat(KNOWN.contains("connectors.contoso.tenant.id.x")).isFalse();
        assertThat(KNOWN.contains("notify.teams.secret.url")).isFalse();
        assertThat(KNOWN.contains("kafka")).isFalse();
    }

    @Test
    void unknownPagerVariablesAreOnlyAWarningThatNamesNoValue() {
        PagerConfig config = PagerConfig.load(Optional.empty(), Map.of(
                "PAGER_RESPONDER_SESION_KEY", "hunter2-hunter2-hunter2-hunter2",
                "PAGER_REQUIRE_BROWSER", "1",
                "PAGER_LOG_LEVEL", "DEBUG",
                "PAGER_INGEST_POLL_INTERVAL", "10s",
                "PAGER_RESPONDER_LOGIN_MAX_FAILURES", "3",
                "HOME", "/root"));

        List<String> warnings = warnings(config);

        assertThat(warnings).containsExactly(
                "environment variable PAGER_REQUIRE_BROWSER is not a Sentinel Pager setting and is ignored",
                "environment variable PAGER_RESPONDER_LOGIN_MAX_FAILURES is not a Sentinel Pager setting and is"
                        + " ignored (responder.login.max-failures can be set only in the configuration file)",
                "environment variable PAGER_RESPONDER_SESION_KEY is not a Sentinel Pager setting and is ignored"
                        + " (did you mean PAGER_RESPONDER_SESSION_KEY, for responder.session.key?)");
        assertThat(String.join("\n", warnings)).doesNotContain("hunter2");
    }

    @Test
    void overridesInCodeAreTrusted() {
        assertThat(warnings(PagerConfig.empty().with("stat.dir", "/tmp/x"))).isEmpty();
    }

    private static List<String> warnings(PagerConfig config) {
        List<String> warnings = new ArrayList<>();
        KNOWN.check(config, warnings::add);
        return warnings;
    }

    @Test
    void editDistance() {
        assertThat(KnownKeys.distance("retenton", "retention")).isEqualTo(1);
        assertThat(KnownKeys.distance("kitten", "sitting")).isEqualTo(3);
        assertThat(KnownKeys.distance("", "abc")).isEqualTo(3);
    }
}
