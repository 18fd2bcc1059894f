package io.sentinelpager.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.microsoft.graph.models.security.Alert;
import io.sentinelpager.azure.SentinelAlert;
import io.sentinelpager.azure.SentinelIncident;
import io.sentinelpager.azure.SourceAlert;
import io.sentinelpager.emulator.SampleAlerts;
import io.sentinelpager.platform.config.ConfigException;
import io.sentinelpager.platform.config.PagerConfig;
import io.sentinelpager.schemas.AlertSource;
import io.sentinelpager.schemas.RecordLimits;
import io.sentinelpager.schemas.SecurityAlert;
import io.sentinelpager.schemas.Severity;
import io.sentinelpager.schemas.SourceStatus;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Whatever text Azure sends, in whatever script, an alert on alerts.raw stays within its byte bounds. */
class AlertBoundsTest {

    static final Instant NOW = Instant.parse("2026-11-29T03:00:00Z");
    static final String EURO = "\u20ac"; // 3 bytes in UTF-8
    static final String FACE = "\uD83D\uDE00"; // 4 bytes in UTF-8, two chars in Java

    final AlertBounds bounds = AlertBounds.defaults();

    static int bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8).length;
    }

    /** What Azure sent survives a round trip through UTF-8: no character was split by a cut. */
    static void wholeCharacters(String text) {
        assertThat(new String(text.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8)).isEqualTo(text);
    }

    @Test
    void aGraphDescriptionOfFourByteCharactersIsCutAtTheByteBoundNotTheCharacterCount() {
        Alert alert = new Alert();
        alert.setId("a1");
        // 20,000 characters: under the old 32,768-character bound, but 80,000 bytes.
        alert.setDescription(FACE.repeat(10_000));
        alert.setTitle(EURO.repeat(1_000));

        SecurityAlert record = new AlertNormalizer("contoso", bounds).normalize(new SourceAlert(alert, "{}"), NOW);

        assertThat(bytes(record.getDescription())).isLessThanOrEqualTo(RecordLimits.DESCRIPTION_BYTES)
                .isGreaterThan(RecordLimits.DESCRIPTION_BYTES - 40);
        assertThat(record.getDescription()).startsWith(FACE).endsWith("… [cut: 40000 bytes in all]");
        wholeCharacters(record.getDescription());
        assertThat(bytes(record.getTitle())).isLessThanOrEqualTo(RecordLimits.TITLE_BYTES);
        assertThat(record.getTitle()).startsWith(EURO).endsWith("… [cut: 3000 bytes in all]");
    }

    @Test
    void aSentinelAlertsTextIsCutByBytesToo() {
        ObjectNode json = (ObjectNode) SampleAlerts.published("sentinel-incident-alerts.response.json")
                .get("value").get(0);
        ((ObjectNode) json.get("properties")).put("description", EURO.repeat(20_000))
                .put("productName", FACE.repeat(100));
        SentinelIncident incident = SentinelIncident.fromJson((ObjectNode) SampleAlerts
                .published("sentinel-incidents-list.response.json").get("value").get(0));

        SecurityAlert record = new SentinelNormalizer("contoso", "tenant-1", bounds)
                .normalize(incident, SentinelAlert.fromJson(json), NOW);

        assertThat(bytes(record.getDescription())).isLessThanOrEqualTo(RecordLimits.DESCRIPTION_BYTES);
        assertThat(record.getDescription()).endsWith("… [cut: 60000 bytes in all]");
        assertThat(bytes(record.getProductName())).isLessThanOrEqualTo(RecordLimits.LABEL_BYTES);
        wholeCharacters(record.getProductName());
        assertThat(bytes(record.getSourceJson())).as("60,000 bytes of description in the audit copy fit whole")
                .isLessThan(RecordLimits.SOURCE_JSON_BYTES);
    }

    @Test
    void anOversizedSourceJsonKeepsItsStartAsValidJsonWithinTheByteBoundEscapingIncluded() throws Exception {
        // Quotes and backslashes double when escaped, control characters take six bytes: each is its own worst case.
        for (String unit : List.of(FACE, EURO, "\"", "\\", "\u0001", "\n" + FACE + "\"\\")) {
            String source = "{\"description\":\"" + unit.repeat(300_000) + "\"}";

            String kept = AlertBounds.json(source, RecordLimits.SOURCE_JSON_BYTES);

            assertThat(bytes(kept)).as(unit).isLessThanOrEqualTo(RecordLimits.SOURCE_JSON_BYTES)
                    .isGreaterThan(RecordLimits.SOURCE_JSON_BYTES - 10);
            JsonNode note = new ObjectMapper().readTree(kept);
            assertThat(note.get("sentinelPagerTruncated").asBoolean()).isTrue();
            assertThat(note.get("originalBytes").asInt()).isEqualTo(bytes(source));
            assertThat(source).startsWith(note.get("prefix").asText());
        }
    }

    @Test
    void aSourceJsonWithinTheBoundIsKeptAsItIs() {
        String source = "{\"title\":\"" + FACE.repeat(1_000) + "\"}";
        assertThat(AlertBounds.json(source, RecordLimits.SOURCE_JSON_BYTES)).isSameAs(source);
    }

    @Test
    void listsKeepTheirFirstItemsAndSayHowManyThereWere() {
        List<String> tags = Collections.nCopies(500, FACE.repeat(1_000));

        List<String> kept = AlertBounds.labels(tags);

        assertThat(kept).hasSize(RecordLimits.LIST_ITEMS).last().isEqualTo("… [cut: 500 in all]");
        assertThat(kept).allSatisfy(tag -> assertThat(bytes(tag)).isLessThanOrEqualTo(RecordLimits.LABEL_BYTES));
        assertThat(AlertBounds.labels(List.of("a", "b"))).containsExactly("a", "b");
    }

    @Test
    void anIdTooLongToKeepWholeMakesTheAlertUnusableAndALinkTooLongIsLeftOut() {
        Alert alert = new Alert();
        alert.setId("x".repeat(RecordLimits.ID_BYTES + 1));
        assertThatThrownBy(() -> new AlertNormalizer("contoso", bounds).normalize(new SourceAlert(alert, "{}"), NOW))
                .isInstanceOf(AlertNormalizer.UnusableAlertException.class).hasMessageContaining("connector contoso")
                .hasMessageContaining("more than the 256 an id may have");

        alert.setId("a1");
        alert.setAlertWebUrl("https://security.microsoft.com/alerts/" + "x".repeat(RecordLimits.URL_BYTES));
        alert.setIncidentWebUrl("https://security.microsoft.com/incidents/1");
        SecurityAlert record = new AlertNormalizer("contoso", bounds).normalize(new SourceAlert(alert, "{}"), NOW);
        assertThat(record.getAlertWebUrl()).isNull();
        assertThat(record.getIncidentWebUrl()).isEqualTo("https://security.microsoft.com/incidents/1");
    }

    @Test
    void theByteBoundsCanBeLoweredButNotRaisedAboveRecordLimits() {
        IngestConfig lower = IngestConfig.from(PagerConfig.empty().with(Map.of("ingest.max.description.bytes", "4000",
                "ingest.instance.id", "i1")));
        assertThat(lower.maxDescriptionBytes()).isEqualTo(4000);
        assertThat(IngestConfig.from(PagerConfig.empty().with(Map.of("ingest.instance.id", "i1"))).maxSourceJsonBytes())
                .isEqualTo(RecordLimits.SOURCE_JSON_BYTES);
        assertThatThrownBy(() -> IngestConfig.from(PagerConfig.empty().with(Map.of("ingest.max.source.json.bytes",
                "600000", "ingest.instance.id", "i1"))))
                .isInstanceOf(ConfigException.class).hasMessageContaining("ingest.max.source.json.bytes")
                .hasMessageContaining("between 1000 and 262144");
    }

    /**
     * The largest alerts.raw record ingest can write: every field Azure fills far over its bound, in 4-byte
     * characters, through the bounds both normalizers end in; the connector id at the longest its config allows.
     */
    @Test
    void theWorstCaseSecurityAlertFitsInARecord() {
        String huge = FACE.repeat(400_000);
        List<String> many = Collections.nCopies(1_000, huge.substring(0, 2_000));
        String connectorId = "c".repeat(64);
        String alertId = FACE.repeat(RecordLimits.ID_BYTES / 4);
        SecurityAlert alert = bounds.apply(SecurityAlert.newBuilder()
                .setAlertKey(connectorId + ":" + alertId).setConnectorId(connectorId).setSource(AlertSource.GRAPH)
                .setAlertId(alertId).setProviderAlertId(huge).setIncidentId(huge).setTenantId(huge).setTitle(huge)
                .setDescription(huge).setSeverity(Severity.UNKNOWN).setStatus(SourceStatus.IN_PROGRESS)
                .setClassification(huge).setDetermination(huge).setServiceSource(huge).setDetectionSource(huge)
                .setProductName(huge).setCategory(huge).setMitreTechniques(many).setTags(many).setAssignedTo(huge)
                .setAlertWebUrl(huge.substring(0, RecordLimits.URL_BYTES / 2))
                .setIncidentWebUrl(huge.substring(0, RecordLimits.URL_BYTES / 2))
                .setCreatedAt(NOW).setLastUpdatedAt(NOW).setIngestedAt(NOW)
                .setSourceJson("{\"d\":\"" + huge + "\"}"));

        int size = avroBytes(alert);
        System.out.println("Worst-case SecurityAlert (alerts.raw): " + size + " bytes in Avro, "
                + (size + 5) + " in the Confluent wire format; the limit is " + RecordLimits.MAX_RECORD_BYTES);
        assertThat(bytes(alert.getAlertKey())).isLessThanOrEqualTo(RecordLimits.ALERT_KEY_BYTES);
        assertThat(alert.getAlertWebUrl()).as("at its bound, kept").hasSize(RecordLimits.URL_BYTES / 2);
        assertThat(size + 5).isLessThanOrEqualTo(RecordLimits.MAX_RECORD_BYTES);
    }

    /** The Avro body: toByteBuffer() adds a 10-byte single-object header, which the wire format does not have. */
    static int avroBytes(SecurityAlert alert) {
        try {
            return alert.toByteBuffer().remaining() - 10;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
