package io.sentinelpager.enrich;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.sentinelpager.schemas.EnrichedAlert;
import io.sentinelpager.schemas.EnrichmentStatus;
import io.sentinelpager.schemas.RecordLimits;
import io.sentinelpager.schemas.SecurityAlert;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Whatever an alert holds, the record that goes on is bounded, and says what it left out. */
class EnrichedRecordsTest {

    static final Instant NOW = Instant.parse("2026-05-05T09:15:03Z");

    final EnrichedRecords records = new EnrichedRecords(EnrichConfig.defaults());

    @Test
    void aOneMegabyteDescriptionIsCutWithAMarkerAndTheSourceJsonReplacedByANote() throws Exception {
        String description = "x".repeat(1024 * 1024);
        SecurityAlert raw = SecurityAlert.newBuilder(Fixtures.defenderAlert("contoso")).setDescription(description)
                .setSourceJson("{\"description\":\"" + description + "\",\"evidence\":[]}").build();

        EnrichedAlert record = records.build(raw, Enrichment.notApplicable(null), 0, NOW, "alerts.raw partition 2 offset 7");

        assertThat(RecordLimits.utf8Length(record.getAlert().getDescription())).as("the bound, in bytes").isEqualTo(8000);
        assertThat(record.getAlert().getDescription()).startsWith("xxx").endsWith("… [cut: 1048576 bytes in all]");
        var note = new ObjectMapper().readTree(record.getAlert().getSourceJson());
        assertThat(note.get("truncated").asBoolean()).isTrue();
        assertThat(note.get("originalBytes").asInt()).isEqualTo(description.length() + 32);
        assertThat(note.get("original").asText()).isEqualTo("alerts.raw partition 2 offset 7");
        assertThat(record.getAlert().getTitle()).isEqualTo(raw.getTitle());
    }

    @Test
    void multiByteTextIsBoundedInBytesNotCharacters() {
        // 5,000 characters, under the old 8,000-character bound, but 15,000 bytes.
        SecurityAlert raw = SecurityAlert.newBuilder(Fixtures.sentinelAlert("contoso", "a"))
                .setDescription("\u20ac".repeat(5_000)).build();
        String face = "\uD83D\uDE00";
        Enrichment found = new Enrichment(EnrichmentStatus.FAILED, face.repeat(5_000), java.util.List.of(),
                face.repeat(1_000), null, null, null, null, null);

        EnrichedAlert record = records.build(raw, found, 0, NOW, "here");

        assertThat(RecordLimits.utf8Length(record.getAlert().getDescription())).isLessThanOrEqualTo(8000);
        assertThat(record.getAlert().getDescription()).endsWith("… [cut: 15000 bytes in all]");
        assertThat(RecordLimits.utf8Length(record.getDetail()))
                .isLessThanOrEqualTo(RecordLimits.DETAIL_BYTES);
        assertThat(RecordLimits.utf8Length(record.getRuleName())).isLessThanOrEqualTo(RecordLimits.TITLE_BYTES);
        assertThat(record.getRuleName()).startsWith(face).doesNotContain("\uFFFD");
    }

    @Test
    void tenThousandEvidenceItemsGiveTheSameShortSummary() {
        StringBuilder json = new StringBuilder("{\"evidence\":[");
        for (int i = 0; i < 10_000; i++) {
            json.append(i == 0 ? "" : ",").append("{\"@odata.type\":\"#microsoft.graph.security.deviceEvidence\","
                    + "\"deviceDnsName\":\"host-").append(i).append(".contoso.com\"}");
        }
        SecurityAlert raw = SecurityAlert.newBuilder(Fixtures.defenderAlert("contoso"))
                .setSourceJson(json.append("]}").toString()).build();

        EnrichedAlert record = records.build(raw, Enrichment.notApplicable(null), 0, NOW, "here");

        assertThat(record.getSummary()).hasSizeLessThanOrEqualTo(300).startsWith("host host-0.contoso.com, ")
                .contains("host-9.contoso.com").doesNotContain("host-10.contoso.com");
        assertThat(record.getAlert().getSourceJson()).as("988,904 characters, over the limit: a note instead")
                .isEqualTo("{\"truncated\":true,\"originalBytes\":" + raw.getSourceJson().length()
                        + ",\"original\":\"here\"}");
    }

    @Test
    void malformedSourceJsonStillGoesOnAndSaysWhyThereIsNoSummary() {
        SecurityAlert raw = SecurityAlert.newBuilder(Fixtures.defenderAlert("contoso")).setSourceJson("{\"evidence\": [")
                .build();

        EnrichedAlert record = records.build(raw, Enrichment.timedOut("Log Analytics did not answer"), 0, NOW, "here");

        assertThat(record.getStatus()).isEqualTo(EnrichmentStatus.TIMED_OUT);
        assertThat(record.getSummary()).isNull();
        assertThat(record.getDetail()).isEqualTo("Log Analytics did not answer; the alert's source JSON is not JSON,"
                + " so its evidence cannot be summarized");
        assertThat(record.getAlert().getSourceJson()).isEqualTo("{\"evidence\": [");
    }

    @Test
    void aSentinelAlertWithoutGraphEvidenceIsSummarizedFromItsRowsEntities() {
        Enrichment rows = Enrichment.notApplicable(null).withEntities("[{\"$id\":\"2\",\"HostName\":\"srv01\","
                + "\"DnsDomain\":\"contoso.com\",\"Type\":\"host\"},{\"$id\":\"3\",\"Name\":\"jdoe\","
                + "\"UPNSuffix\":\"contoso.com\",\"Type\":\"account\"},{\"$ref\":\"2\"}]");

        EnrichedAlert record = records.build(Fixtures.sentinelAlert("contoso", "a"), rows, 0, NOW, "here");

        assertThat(record.getSummary()).isEqualTo("host srv01.contoso.com; user jdoe@contoso.com");
        assertThat(record.getDetail()).isNull();
        assertThat(records.build(Fixtures.defenderAlert("contoso"), rows, 0, NOW, "here").getSummary())
                .as("Graph evidence, where there is some, is the line").startsWith("host tempDns;");
    }

    @Test
    void malformedEntitiesStillGoOnAndSayWhyThereIsNoSummary() {
        EnrichedAlert record = records.build(Fixtures.sentinelAlert("contoso", "a"),
                Enrichment.failed("the rule's query failed").withEntities("[{\"HostName\":"), 0, NOW, "here");

        assertThat(record.getStatus()).isEqualTo(EnrichmentStatus.FAILED);
        assertThat(record.getSummary()).isNull();
        assertThat(record.getDetail()).isEqualTo("the rule's query failed; the Entities of the alert's SecurityAlert"
                + " row are not JSON, so they cannot be summarized");
    }

    @Test
    void unknownServiceSourcesAreNotMistakenForSentinel() {
        SecurityAlert alert = SecurityAlert.newBuilder(Fixtures.sentinelAlert("contoso", "a"))
                .setServiceSource("unknownFutureValue").build();

        assertThat(SentinelRuleAlert.fromSentinel(alert)).isFalse();
        assertThat(SentinelRuleAlert.fromSentinel(SecurityAlert.newBuilder(alert).setServiceSource(null).build()))
                .isFalse();
        assertThat(SentinelRuleAlert.fromSentinel(SecurityAlert.newBuilder(alert).setServiceSource("MicrosoftSentinel")
                .build())).isTrue();
    }

    @Test
    void aRecordTooLargeForTheBrokerLosesItsRowsWithTheReason() {
        EnrichedAlert record = records.build(Fixtures.sentinelAlert("contoso", "a"), new Enrichment(
                EnrichmentStatus.COMPLETE, null, java.util.List.of(QueryAnswer.of(Fixtures.manyRows(50), 20, 100)
                .tables().get(0)), "rule", "id", null, null, null, null), 0, NOW, "here");

        EnrichedAlert smaller = EnrichedRecords.withoutRows(record, 1_200_000);

        assertThat(smaller.getTables()).isEmpty();
        assertThat(smaller.getStatus()).isEqualTo(EnrichmentStatus.COMPLETE);
        assertThat(smaller.getDetail()).isEqualTo("the query's rows were left out: with them the record was 1200000"
                + " bytes, too large to publish; open the link to see them");
    }
}
