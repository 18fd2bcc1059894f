package io.sentinelpager.oncall.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.sentinelpager.schemas.EntraIdentity;
import io.sentinelpager.schemas.PolicyConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {

    @TempDir
    Path dir;

    @Test
    void theShippedExamplesAreValid() {
        ConfigLoader.Result result = ConfigLoader.load(Path.of("..", "examples", "config"));
        assertThat(result.problems()).isEmpty();
        assertThat(result.config().users()).extracting(u -> u.getId()).containsExactly("analyst", "lead", "manager");
        assertThat(result.config().escalations().get(0).getSteps()).hasSize(3);
        assertThat(result.config().users().get(1).getNotificationRules()).hasSize(3);
        assertThat(result.config().users().get(1).getEntra()).as("lead, as the emulator issues Lee's ID token")
                .isEqualTo(new EntraIdentity("6f1c1a3e-4b7d-4c55-9a0e-2d8b5f3c9e71",
                        "9d5a631e-1b52-33c9-b59a-27efdf5eb3f1"));
        assertThat(result.config().policies()).extracting(PolicyConfig::getId)
                .contains("informational-noise", "ransomware", "everything-else");
    }

    @Test
    void everyProblemNamesFileAndLine() throws Exception {
        Files.writeString(dir.resolve("people.yaml"), """
                users:
                  - id: ana
                    name: Ana
                    emial: ana@contoso.example
                    timeZone: Europe/Berln
                teams:
                  - id: soc
                    name: SOC
                    members: [ana, bob]
                    escalation: nope
                """);
        Files.writeString(dir.resolve("policies.yaml"), """
                policies:
                  - id: p1
                    name: one
                    order: 5
                    when: {severity: [high], titel: x}
                    route: {team: soc}
                  - id: p2
                    name: two
                    order: 5
                    when: {title: {regex: "(unclosed"}}
                    route: {team: red}
                """);

        List<String> problems = ConfigLoader.load(dir).problems().stream().map(Problem::toString).toList();

        assertThat(problems).containsExactlyInAnyOrder(
                "people.yaml:4: user ana: unknown field 'emial'; fields are id, name, email, entra, phone, timeZone, contactMethods, notificationRules",
                "people.yaml:5: user ana: time zone 'Europe/Berln' is not an IANA zone such as Europe/Berlin",
                "people.yaml:9: team soc: member 'bob' is not a defined user; defined: ana",
                "people.yaml:10: team soc: escalation 'nope' is not a defined escalation chain",
                "policies.yaml:5: policy p1: unknown alert field 'titel'; fields are [category, connector, description,"
                        + " detectionSource, enrichmentRows, mitreTechniques, productName, serviceSource, severity, source, status,"
                        + " tags, tenant, title], or all, any, not, timeOfDay",
                "policies.yaml:10: policy p2: regex '(unclosed' does not compile: Unclosed group",
                "policies.yaml:11: policy p2: team 'red' is not a defined team; defined: soc",
                "policies.yaml:9: policy p2: order 5 is also the order of policy p1; policies are tried in order, so"
                        + " each needs its own");
    }

    @Test
    void syntaxErrorsGiveTheLine() throws Exception {
        Files.writeString(dir.resolve("broken.yaml"), "users:\n  - id: ana\n    name: [unclosed\n");
        assertThat(ConfigLoader.load(dir).problems()).singleElement()
                .satisfies(p -> assertThat(p.toString()).startsWith("broken.yaml:").contains("not valid YAML"));
    }

    @Test
    void escalationStepsMustNameExactlyOneKnownTarget() throws Exception {
        Files.writeString(dir.resolve("chains.yaml"), """
                users:
                  - {id: ana, name: Ana}
                escalations:
                  - id: c1
                    name: chain
                    steps:
                      - notify: [{user: ana, team: soc}]
                        waitMinutes: 0
                      - notify: [{schedule: nightly}]
                """);
        assertThat(ConfigLoader.load(dir).problems()).extracting(Problem::toString).containsExactlyInAnyOrder(
                "chains.yaml:7: escalation chain c1 step 1: each target names exactly one of user, schedule, team",
                "chains.yaml:8: escalation chain c1 step 1: 'waitMinutes' must be a whole number from 1 to 1440, was 0",
                "chains.yaml:9: escalation chain c1 step 2: schedule 'nightly' is not a defined schedule");
    }

    @Test
    void layersRestrictionsAndOverridesAreReadAndOverlapsRejected() throws Exception {
        Files.writeString(dir.resolve("schedules.yaml"), """
                users:
                  - {id: ana, name: Ana}
                  - {id: ben, name: Ben}
                schedules:
                  - id: follow-the-sun
                    name: Follow the sun
                    timeZone: Europe/Berlin
                    layers:
                      - name: weekly
                        participants: [ana, ben]
                        shiftLength: P7D
                        handoffStart: 2026-01-05T09:00
                      - name: weekend nights
                        participants: [ben]
                        shiftLength: P1D
                        handoffStart: 2026-01-05T20:00
                        restriction: {days: [saturday, sunday], from: "20:00", to: "08:00"}
                    overrides:
                      - {user: ana, from: 2026-12-24T18:00, to: 2026-12-27T09:00}
                      - {user: ben, from: 2026-12-26T18:00, to: 2026-12-28T09:00}
                """);
        ConfigLoader.Result result = ConfigLoader.load(dir);
        assertThat(result.problems()).extracting(Problem::toString).containsExactly(
                "schedules.yaml:20: schedule follow-the-sun override 2: overlaps another override of this schedule (ana)");
        var schedule = result.config().schedules().get(0);
        assertThat(schedule.getLayers()).hasSize(2);
        assertThat(schedule.getLayers().get(1).getRestriction().getTo()).isEqualTo("08:00");
        assertThat(schedule.getOverrides().get(0).getStart()).hasToString("2026-12-24T17:00:00Z");
    }

    @Test
    void aNotificationRuleMustUseOneOfTheUsersContactMethods() throws Exception {
        Files.writeString(dir.resolve("people.yaml"), """
                users:
                  - id: ana
                    name: Ana
                    contactMethods: [{type: inbox, address: ana}]
                    notificationRules:
                      high: [{method: inbox, afterMinutes: 0}, {method: sms, afterMinutes: 2}]
                      medium: []
                """);
        assertThat(ConfigLoader.load(dir).problems()).extracting(Problem::toString).containsExactlyInAnyOrder(
                "people.yaml:6: user ana high-urgency rule 2: method 'sms' is not one of this user's contact methods [inbox]",
                "people.yaml:7: user ana: unknown field 'medium'; fields are high, low");
    }

    @Test
    void aWebhookNtfyOrTeamsAddressIsANameNeverAUrl() throws Exception {
        Files.writeString(dir.resolve("people.yaml"), """
                users:
                  - id: ana
                    name: Ana
                    contactMethods:
                      - {type: webhook, address: soc-automation}
                      - {type: ntfy, address: Ana.Phone_2}
                      - {type: webhook, address: "https://hooks.example/services/T0/B0/s3cr3t"}
                      - type: ntfy
                        address: ntfy.sh/soc-q8v2m7x4
                      - {type: teams, address: "soc channel"}
                      - {type: email, address: ana@contoso.example}
                """);

        ConfigLoader.Result result = ConfigLoader.load(dir);

        assertThat(result.problems()).extracting(Problem::toString).containsExactly(
                "people.yaml:7: user ana contact method 3: address must be a name, not a URL (the URL is a secret);"
                        + " put the URL in notify.webhook.secret.url.<name> and the name here",
                "people.yaml:9: user ana contact method 4: address must be a name, not a URL (the URL is a secret);"
                        + " put the topic URL (https://ntfy.sh/<topic>) in notify.ntfy.secret.url.<name> and the name"
                        + " here",
                "people.yaml:10: user ana contact method 5: address must be a name (letters, digits, '.', '_' or '-',"
                        + " at most 64) for the Workflows URL in notify.teams.secret.url.<name>");
        assertThat(result.problems()).extracting(Problem::message)
                .noneMatch(m -> m.contains("s3cr3t") || m.contains("soc-q8v2m7x4"));
    }

    @Test
    void maintenanceWindowsNeedAnOffsetAndAKnownMode() throws Exception {
        Files.writeString(dir.resolve("teams.yaml"), """
                users: [{id: ana, name: Ana}]
                teams:
                  - id: soc
                    name: SOC
                    members: [ana]
                    maintenance:
                      - {from: "2026-12-24T18:00+01:00", to: "2026-12-27T09:00+01:00", mode: hold, reason: holidays}
                      - {from: "2026-12-31T18:00", to: "2027-01-01T09:00+01:00"}
                      - {from: "2027-02-01T18:00+01:00", to: "2027-02-02T09:00+01:00", mode: snooze}
                """);
        ConfigLoader.Result result = ConfigLoader.load(dir);
        assertThat(result.problems()).extracting(Problem::toString).containsExactly(
                "teams.yaml:8: team soc maintenance window 2: '2026-12-31T18:00' is not a date-time with offset such as"
                        + " 2026-12-24T18:00+01:00",
                "teams.yaml:9: team soc maintenance window 3: mode 'snooze' is not hold (page when the window ends) or"
                        + " suppress");
        assertThat(result.config().teams().get(0).getMaintenance()).singleElement()
                .satisfies(w -> assertThat(w.getStart()).hasToString("2026-12-24T17:00:00Z"));
    }

    @Test
    void aReasonOrAListOfWindowsTooLargeForEveryRoutedAlertToCarryIsAProblem() throws Exception {
        StringBuilder windows = new StringBuilder();
        for (int i = 0; i < 21; i++) {
            windows.append("      - {from: \"2027-01-").append(String.format("%02d", i + 1))
                    .append("T18:00+01:00\", to: \"2027-01-").append(String.format("%02d", i + 2))
                    .append("T09:00+01:00\"}\n");
        }
        Files.writeString(dir.resolve("policies.yaml"), """
                policies:
                  - id: noisy
                    name: Noisy
                    order: 1
                    suppress: %s
                  - id: busy
                    name: Busy
                    order: 2
                    suppress: reviewed in the morning
                    maintenance:
                %s""".formatted("\u20ac".repeat(400), windows));
        ConfigLoader.Result result = ConfigLoader.load(dir);
        assertThat(result.problems()).extracting(Problem::toString).containsExactly(
                "policies.yaml:5: policy noisy: 'suppress' is 1200 bytes in UTF-8; the limit is 1000",
                "policies.yaml:10: policy busy: 'maintenance' has 21 windows; the limit is 20 (remove the windows that"
                        + " are over)");
    }

    @Test
    void aPartOfAnObjectIsNamedAfterItsObjectEvenWithAnIdOfItsOwn() throws Exception {
        Files.writeString(dir.resolve("people.yaml"), """
                users:
                  - id: ana
                    name: Ana
                    contactMethods: [{id: pager, type: inbox, address: ana}]
                  - {id: bob, name: Bob, nickname: b}
                """);
        assertThat(ConfigLoader.load(dir).problems()).extracting(Problem::toString).containsExactlyInAnyOrder(
                "people.yaml:4: user ana contact method 1: unknown field 'id'; fields are type, address",
                "people.yaml:5: user bob: unknown field 'nickname'; fields are id, name, email, entra, phone, timeZone,"
                        + " contactMethods, notificationRules");
    }

    @Test
    void anEntraIdentityIsTwoGuidsThatNoOtherUserHas() throws Exception {
        Files.writeString(dir.resolve("people.yaml"), """
                users:
                  - id: ana
                    name: Ana
                    entra: {tenant: 6F1C1A3E-4B7D-4C55-9A0E-2D8B5F3C9E71, object: 9d5a631e-1b52-33c9-b59a-27efdf5eb3f1}
                  - id: bob
                    name: Bob
                    entra: {tenant: contoso.onmicrosoft.com, objekt: 9d5a631e}
                  - id: cy
                    name: Cy
                    entra: {tenant: 6f1c1a3e-4b7d-4c55-9a0e-2d8b5f3c9e71, object: 9D5A631E-1B52-33C9-B59A-27EFDF5EB3F1}
                  - {id: dee, name: Dee, entra: 9d5a631e-1b52-33c9-b59a-27efdf5eb3f1}
                """);
        ConfigLoader.Result result = ConfigLoader.load(dir);
        assertThat(result.problems()).extracting(Problem::toString).containsExactlyInAnyOrder(
                "people.yaml:7: user bob: unknown field 'objekt'; fields are tenant, object",
                "people.yaml:7: user bob: entra tenant 'contoso.onmicrosoft.com' must be the directory (tenant) id,"
                        + " the ID token's tid, a GUID such as 3f2504e0-4f89-41d3-9a0c-0305e82c3301",
                "people.yaml:7: user bob: 'object' is required",
                "people.yaml:10: user cy: entra {tenant: 6f1c1a3e-4b7d-4c55-9a0e-2d8b5f3c9e71,"
                        + " object: 9d5a631e-1b52-33c9-b59a-27efdf5eb3f1} is also user ana's; one person signs in as"
                        + " one user",
                "people.yaml:11: user dee: entra must be a mapping");
        assertThat(result.config().users().get(0).getEntra().getTenantId())
                .as("compared as Entra issues it").isEqualTo("6f1c1a3e-4b7d-4c55-9a0e-2d8b5f3c9e71");
    }
}
