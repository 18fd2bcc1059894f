package io.sentinelpager.oncall.routing;

import static org.assertj.core.api.Assertions.assertThat;

import io.sentinelpager.oncall.config.ConfigLoader;
import io.sentinelpager.schemas.AlertSource;
import io.sentinelpager.schemas.PolicyConfig;
import io.sentinelpager.schemas.SecurityAlert;
import io.sentinelpager.schemas.Severity;
import io.sentinelpager.schemas.SourceStatus;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class PoliciesTest {

    static final List<PolicyConfig> EXAMPLES = ConfigLoader.load(Path.of("..", "examples", "config")).config().policies();

    static SecurityAlert alert(Severity severity, String title, String... techniques) {
        Instant t = Instant.parse("2026-11-29T03:00:00Z");
        return SecurityAlert.newBuilder().setAlertKey("c1:a").setConnectorId("c1").setSource(AlertSource.GRAPH)
                .setAlertId("a").setTitle(title).setSeverity(severity).setStatus(SourceStatus.NEW)
                .setMitreTechniques(List.of(techniques)).setCreatedAt(t).setLastUpdatedAt(t).setIngestedAt(t)
                .setSourceJson("{}").build();
    }

    @Test
    void firstMatchingPolicyInOrderDecides() {
        assertThat(Policies.firstMatch(EXAMPLES, alert(Severity.INFORMATIONAL, "Ransomware test file")))
                .get().extracting(PolicyConfig::getId).isEqualTo("informational-noise");
        assertThat(Policies.firstMatch(EXAMPLES, alert(Severity.LOW, "RANSOMWARE behavior detected")))
                .get().extracting(PolicyConfig::getId).isEqualTo("ransomware");
        assertThat(Policies.firstMatch(EXAMPLES, alert(Severity.LOW, "Files encrypted", "T1486")))
                .get().extracting(PolicyConfig::getId).isEqualTo("ransomware");
        assertThat(Policies.firstMatch(EXAMPLES, alert(Severity.MEDIUM, "Suspicious sign-in")))
                .get().extracting(PolicyConfig::getId).isEqualTo("high-and-medium");
        assertThat(Policies.firstMatch(EXAMPLES, alert(Severity.LOW, "Suspicious sign-in")))
                .get().extracting(PolicyConfig::getId).isEqualTo("everything-else");
    }

    @Test
    void disabledPoliciesAndNoPoliciesMatchNothing() {
        List<PolicyConfig> disabled = EXAMPLES.stream()
                .map(p -> PolicyConfig.newBuilder(p).setEnabled(false).build()).toList();
        assertThat(Policies.firstMatch(disabled, alert(Severity.HIGH, "x"))).isEmpty();
        assertThat(Policies.firstMatch(List.of(), alert(Severity.HIGH, "x"))).isEmpty();
    }
}
