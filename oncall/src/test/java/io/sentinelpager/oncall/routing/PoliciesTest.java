package io.sentinelpager.oncall.routing;

import static org.assertj.core.api.Assertions.assertThat;

import io.sentinelpager.oncall.config.ConfigLoader;
import io.sentinelpager.schemas.PolicyConfig;
import io.sentinelpager.schemas.SecurityAlert;
import io.sentinelpager.schemas.Severity;
import io.sentinelpager.testkit.Alerts;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class PoliciesTest {

    static final List<PolicyConfig> EXAMPLES = ConfigLoader.load(Path.of("..", "examples", "config")).config().policies();

    static SecurityAlert alert(Severity severity, String title, String... techniques) {
        Instant t = Instant.parse("2026-11-29T03:00:00Z");
        return Alerts.alert("c1:a", t).setTitle(title).setSeverity(severity).setMitreTechniques(List.of(techniques))
                .build();
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

    @Test
    void timeOfDayWindowsAreTestedInTheirTimeZoneAtTheAlertsCreation() throws Exception {
        java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("policies");
        java.nio.file.Files.writeString(dir.resolve("p.yaml"), """
                users: [{id: ana, name: Ana}]
                teams: [{id: soc, name: SOC, members: [ana]}]
                policies:
                  - id: weekend-nights
                    name: Weekend nights
                    order: 1
                    when: {timeOfDay: {from: "20:00", to: "08:00", timeZone: Europe/Berlin, days: [saturday]}}
                    route: {team: soc, urgency: low, groupBy: incident}
                """);
        var result = ConfigLoader.load(dir);
        assertThat(result.problems()).isEmpty();
        List<PolicyConfig> policies = result.config().policies();
        assertThat(policies.get(0).getGroupByIncident()).isTrue();
        // Saturday 2026-11-28 21:00 Berlin = 20:00Z; Sunday 07:00 Berlin = 06:00Z still belongs to Saturday night.
        assertThat(Policies.firstMatch(policies, created("2026-11-28T20:00:00Z"))).isPresent();
        assertThat(Policies.firstMatch(policies, created("2026-11-29T06:59:00Z"))).isPresent();
        assertThat(Policies.firstMatch(policies, created("2026-11-29T07:00:00Z"))).isEmpty();
        assertThat(Policies.firstMatch(policies, created("2026-11-29T20:00:00Z"))).isEmpty(); // Sunday night
    }

    static SecurityAlert created(String instant) {
        return SecurityAlert.newBuilder(alert(Severity.HIGH, "x")).setCreatedAt(Instant.parse(instant)).build();
    }

    @Test
    void tagsAreTestedLikeAnyListField() throws Exception {
        java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("tags");
        java.nio.file.Files.writeString(dir.resolve("p.yaml"), """
                users: [{id: ana, name: Ana}]
                teams: [{id: soc, name: SOC, members: [ana]}]
                policies:
                  - {id: crown-jewels, name: Crown jewels, order: 1, when: {tags: [crown-jewel]}, route: {team: soc}}
                """);
        List<PolicyConfig> policies = ConfigLoader.load(dir).config().policies();
        SecurityAlert tagged = SecurityAlert.newBuilder(alert(Severity.LOW, "x")).setTags(List.of("Crown-Jewel", "prod"))
                .build();
        assertThat(Policies.firstMatch(policies, tagged)).isPresent();
        assertThat(Policies.firstMatch(policies, alert(Severity.LOW, "x"))).isEmpty();
    }

    @Test
    void aPolicyCanTestHowManyRowsTheRulesQueryFound() throws Exception {
        java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("rows");
        java.nio.file.Files.writeString(dir.resolve("p.yaml"), """
                users: [{id: ana, name: Ana}]
                teams: [{id: soc, name: SOC, members: [ana]}]
                policies:
                  - {id: many-hits, name: Many hits, order: 1, when: {enrichmentRows: {atLeast: 100}}, route: {team: soc}}
                """);
        List<PolicyConfig> policies = ConfigLoader.load(dir).config().policies();
        assertThat(Policies.firstMatch(policies, enriched(150))).isPresent();
        assertThat(Policies.firstMatch(policies, enriched(99))).isEmpty();
    }

    static io.sentinelpager.schemas.EnrichedAlert enriched(long rows) {
        return io.sentinelpager.schemas.EnrichedAlert.newBuilder().setAlert(alert(Severity.HIGH, "Brute force"))
                .setStatus(io.sentinelpager.schemas.EnrichmentStatus.COMPLETE).setEnrichedAt(Instant.now())
                .setTables(List.of(io.sentinelpager.schemas.EnrichmentTable.newBuilder().setName("PrimaryResult")
                        .setColumns(List.of()).setRows(List.of()).setTotalRows(rows).build())).build();
    }
}
