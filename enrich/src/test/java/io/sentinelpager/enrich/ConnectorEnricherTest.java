package io.sentinelpager.enrich;

import static org.assertj.core.api.Assertions.assertThat;

import io.sentinelpager.azure.LogQueryResult;
import io.sentinelpager.schemas.EnrichmentColumn;
import io.sentinelpager.schemas.EnrichmentStatus;
import io.sentinelpager.schemas.EnrichmentTable;
import io.sentinelpager.testkit.MutableClock;
import java.io.ByteArrayInputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ConnectorEnricherTest {

    final MutableClock clock = new MutableClock(Instant.parse("2026-11-28T09:05:00Z"));
    final List<String> queries = new ArrayList<>();
    Supplier<LogQueryResult> lookup = Fixtures::securityAlertRow;
    Supplier<LogQueryResult> rule = Fixtures::ruleRows;
    final ConnectorEnricher enricher = new ConnectorEnricher("contoso", Fixtures.TENANT, Fixtures.WORKSPACE,
            (query, start, end) -> {
                queries.add(query);
                return query.startsWith("SecurityAlert") ? lookup.get() : rule.get();
            }, EnrichConfig.defaults(), clock);

    @AfterEach
    void stop() {
        enricher.close();
    }

    @Test
    void aScheduledRuleAlertGetsItsQueryRowsWithColumnTypesTheRuleAndALink() throws Exception {
        Enrichment e = enricher.enrich(Fixtures.sentinelAlert("contoso", Fixtures.SYSTEM_ALERT_ID));

        assertThat(e.status()).isEqualTo(EnrichmentStatus.COMPLETE);
        assertThat(e.detail()).isNull();
        assertThat(e.ruleName()).isEqualTo("Brute force against Entra ID sign-ins");
        assertThat(e.ruleId()).isEqualTo("8a0d8e78-1c2b-4f1e-bb51-8b0f0d8a9c11");
        assertThat(e.queryStart()).isEqualTo(Instant.parse("2026-11-28T04:00:00Z"));
        assertThat(e.queryEnd()).isEqualTo(Instant.parse("2026-11-28T09:00:00Z"));
        assertThat(e.entities()).as("the row's Entities, for the evidence summary").isEqualTo(
                "[{\"$id\":\"3\",\"Name\":\"jdoe\",\"UPNSuffix\":\"contoso.com\",\"Type\":\"account\"},"
                        + "{\"$id\":\"4\",\"Address\":\"203.0.113.7\",\"Type\":\"ip\"}]");
        EnrichmentTable table = e.tables().get(0);
        assertThat(table.getColumns()).containsExactly(new EnrichmentColumn("UserPrincipalName", "string"),
                new EnrichmentColumn("IPAddress", "string"), new EnrichmentColumn("Failures", "long"));
        assertThat(table.getRows()).containsExactly(List.of("jdoe@contoso.com", "203.0.113.7", "412"),
                List.of("asmith@contoso.com", "203.0.113.7", "57"),
                List.of("svc-backup@contoso.com", "198.51.100.23", "23"));
        assertThat(table.getTotalRows()).isEqualTo(3);
        assertThat(table.getTruncated()).isFalse();
        assertThat(e.link()).startsWith("https://portal.azure.com/#@" + Fixtures.TENANT + "/blade/")
                .contains("/resourceId/%2Fsubscriptions%2Fd0cfe6b2-9ac0-4464-9919-dccaee2e48c0%2FresourceGroups%2Fsoc-rg"
                        + "%2Fproviders%2FMicrosoft.OperationalInsights%2Fworkspaces%2Fsoc-workspace/")
                .endsWith("/timespan/2026-11-28T04%3A00%3A00Z%2F2026-11-28T09%3A00%3A00Z");
        assertThat(linkedQuery(e.link())).isEqualTo(queries.get(1));
        assertThat(queries).hasSize(2);
        assertThat(queries.get(0)).contains("SystemAlertId in ('" + Fixtures.SYSTEM_ALERT_ID + "',");
        assertThat(queries.get(1)).startsWith("set query_now = datetime(2026-11-28T09:00:00.0000000Z);\nSigninLogs");
    }

    @Test
    void aPartialErrorKeepsTheRowsAndSaysWhy() {
        rule = () -> new LogQueryResult(Fixtures.ruleRows().tables(),
                Optional.of(new LogQueryResult.PartialError("PartialError", "Query result exceeded 64 MB")));

        Enrichment e = enricher.enrich(Fixtures.sentinelAlert("contoso", Fixtures.SYSTEM_ALERT_ID));

        assertThat(e.status()).isEqualTo(EnrichmentStatus.PARTIAL);
        assertThat(e.detail()).isEqualTo("Log Analytics returned part of the result: PartialError: Query result"
                + " exceeded 64 MB");
        assertThat(e.tables().get(0).getRows()).hasSize(3);
    }

    @Test
    void aQueryReturningHalfAMillionRowsIsCutToTwentyWithTheTotal() {
        rule = () -> Fixtures.manyRows(500_000);

        Enrichment e = enricher.enrich(Fixtures.sentinelAlert("contoso", Fixtures.SYSTEM_ALERT_ID));

        EnrichmentTable table = e.tables().get(0);
        assertThat(e.status()).isEqualTo(EnrichmentStatus.COMPLETE);
        assertThat(table.getRows()).hasSize(20);
        assertThat(table.getRows().get(19)).containsExactly("host-19", "19");
        assertThat(table.getTotalRows()).isEqualTo(500_000);
        assertThat(table.getTruncated()).isTrue();
    }

    @Test
    void extendedPropertiesThatIsNotJsonFailsWithTheReason() {
        lookup = () -> Fixtures.securityAlertRowWith("{\"Query\": \"SigninLogs\", oops");

        Enrichment e = enricher.enrich(Fixtures.sentinelAlert("contoso", Fixtures.SYSTEM_ALERT_ID));

        assertThat(e.status()).isEqualTo(EnrichmentStatus.FAILED);
        assertThat(e.detail()).startsWith("ExtendedProperties of the alert's SecurityAlert row is not JSON (");
        assertThat(queries).hasSize(1);
    }

    @Test
    void aRowWithoutARuleQueryIsNotApplicable() {
        lookup = () -> Fixtures.securityAlertRowWith("{\"Analytic Rule Name\": \"Fusion\"}");

        Enrichment e = enricher.enrich(Fixtures.sentinelAlert("contoso", Fixtures.SYSTEM_ALERT_ID));

        assertThat(e.status()).isEqualTo(EnrichmentStatus.NOT_APPLICABLE);
        assertThat(e.detail()).contains("has no Query");
        assertThat(e.entities()).as("a Fusion alert's row names its entities too").contains("203.0.113.7");
    }

    @Test
    void aWindowThatCannotBeReadFails() {
        lookup = () -> Fixtures.securityAlertRowWith("{\"Query\": \"SigninLogs\", \"Query Start Time UTC\": \"soon\","
                + " \"Query End Time UTC\": \"2026-11-28 09:00:00Z\"}");

        Enrichment e = enricher.enrich(Fixtures.sentinelAlert("contoso", Fixtures.SYSTEM_ALERT_ID));

        assertThat(e.status()).isEqualTo(EnrichmentStatus.FAILED);
        assertThat(e.detail()).isEqualTo("'Query Start Time UTC' in ExtendedProperties is not a time: 'soon'");
    }

    @Test
    void noRowForTheAlertFailsNamingTheIdsLookedFor() {
        Enrichment e = enricher.enrich(Fixtures.sentinelAlert("contoso", "some-other-id"));

        assertThat(e.status()).isEqualTo(EnrichmentStatus.FAILED);
        assertThat(e.detail()).startsWith("no SecurityAlert row with SystemAlertId or VendorOriginalId [some-other-id,"
                + " da637878227677560813_-334257894] in workspace soc-workspace");
        assertThat(queries).hasSize(1);
    }

    @Test
    void idsThatWouldChangeTheQueryAreNeverPutInIt() {
        Enrichment e = enricher.enrich(io.sentinelpager.schemas.SecurityAlert.newBuilder(
                        Fixtures.sentinelAlert("contoso", "x') | union SecretTable //"))
                .setAlertId("y' or 1 == 1").build());

        assertThat(e.status()).isEqualTo(EnrichmentStatus.FAILED);
        assertThat(e.detail()).isEqualTo("the alert has no id that can name its SecurityAlert row");
        assertThat(queries).isEmpty();
    }

    @Test
    void identicalRuleQueriesShareOneAnswerForTheCacheTime() {
        enricher.enrich(Fixtures.sentinelAlert("contoso", Fixtures.SYSTEM_ALERT_ID));
        clock.advance(Duration.ofSeconds(59));
        Enrichment cached = enricher.enrich(Fixtures.sentinelAlert("contoso", Fixtures.SYSTEM_ALERT_ID));

        assertThat(cached.tables().get(0).getTotalRows()).isEqualTo(3);
        assertThat(queries.stream().filter(q -> q.startsWith("set query_now"))).hasSize(1);

        clock.advance(Duration.ofSeconds(2));
        enricher.enrich(Fixtures.sentinelAlert("contoso", Fixtures.SYSTEM_ALERT_ID));
        assertThat(queries.stream().filter(q -> q.startsWith("set query_now"))).hasSize(2);
    }

    /** The query a portal link carries: URL-encoded base64 of its gzip. */
    static String linkedQuery(String link) throws Exception {
        String encoded = link.substring(link.indexOf("/q/") + 3, link.indexOf("/timespan/"));
        byte[] gzip = Base64.getDecoder().decode(URLDecoder.decode(encoded, StandardCharsets.UTF_8));
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gzip))) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void aFailedLookupFailsWithTheClassifiedErrorAndKeepsNoSecret() {
        lookup = () -> {
            throw new IllegalStateException("boom");
        };

        Enrichment e = enricher.enrich(Fixtures.sentinelAlert("contoso", Fixtures.SYSTEM_ALERT_ID));

        assertThat(e.status()).isEqualTo(EnrichmentStatus.FAILED);
        assertThat(e.detail()).isEqualTo("enrichment failed unexpectedly: IllegalStateException");
    }
}
