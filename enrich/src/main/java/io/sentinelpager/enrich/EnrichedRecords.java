package io.sentinelpager.enrich;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.sentinelpager.schemas.EnrichedAlert;
import io.sentinelpager.schemas.SecurityAlert;
import java.time.Instant;
import java.util.List;

/**
 * Builds the records of alerts.enriched, bounded whatever the input holds: a description of a megabyte is cut with a
 * marker, a source JSON beyond the limit is replaced by a note saying where the whole one is (alerts.raw keeps it for
 * audit), titles and summaries are short. A record that would still be too big for the broker loses its rows, with
 * the reason, before it loses the page.
 */
final class EnrichedRecords {

    static final int MAX_TITLE_LENGTH = 1000;

    private final EnrichConfig config;
    private final EvidenceSummary summary;

    EnrichedRecords(EnrichConfig config) {
        this.config = config;
        this.summary = new EvidenceSummary(config.maxSummaryLength());
    }

    /**
     * @param revision 0 for the first record of an alert, 1 for the update that follows a timed-out one
     * @param origin   where the raw alert is, named in the note that replaces an oversized source JSON
     */
    EnrichedAlert build(SecurityAlert raw, Enrichment enrichment, int revision, Instant now, String origin) {
        EvidenceSummary.Summary evidence = summary.summarize(raw.getSourceJson());
        if (evidence.line() == null) {
            // A Sentinel alert, from the incidents API above all, has no Graph evidence: its SecurityAlert row has.
            evidence = evidence.or(summary.summarizeEntities(enrichment.entities()));
        }
        EnrichedAlert.Builder record = enrichment.applyTo(EnrichedAlert.newBuilder())
                .setAlert(bounded(raw, origin))
                .setSummary(evidence.line())
                .setRevision(revision)
                .setEnrichedAt(now);
        if (evidence.problem() != null) {
            record.setDetail(record.getDetail() == null ? evidence.problem()
                    : record.getDetail() + "; " + evidence.problem());
        }
        return record.build();
    }

    /** The same record without result rows, saying why: for one that would exceed the broker's record size. */
    static EnrichedAlert withoutRows(EnrichedAlert record, int bytes) {
        String reason = "the query's rows were left out: with them the record was " + bytes + " bytes, too large to"
                + " publish; open the link to see them";
        return EnrichedAlert.newBuilder(record).setTables(List.of())
                .setDetail(record.getDetail() == null ? reason : record.getDetail() + "; " + reason).build();
    }

    SecurityAlert bounded(SecurityAlert raw, String origin) {
        String description = raw.getDescription();
        String json = raw.getSourceJson();
        boolean fits = raw.getTitle().length() <= MAX_TITLE_LENGTH
                && (description == null || description.length() <= config.maxDescriptionLength())
                && json.length() <= config.maxSourceJsonLength();
        if (fits) {
            return raw;
        }
        SecurityAlert.Builder alert = SecurityAlert.newBuilder(raw)
                .setTitle(Text.cut(raw.getTitle(), MAX_TITLE_LENGTH))
                .setDescription(Text.cutNoting(description, config.maxDescriptionLength()));
        if (json.length() > config.maxSourceJsonLength()) {
            alert.setSourceJson(JsonNodeFactory.instance.objectNode()
                    .put("truncated", true)
                    .put("originalLength", json.length())
                    .put("original", origin)
                    .toString());
        }
        return alert.build();
    }
}
