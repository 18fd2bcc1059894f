package io.sentinelpager.enrich;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.sentinelpager.schemas.EnrichedAlert;
import io.sentinelpager.schemas.RecordLimits;
import io.sentinelpager.schemas.SecurityAlert;
import java.time.Instant;
import java.util.List;

/**
 * Builds the records of alerts.enriched, bounded in UTF-8 bytes whatever the input holds: a description of a megabyte
 * is cut with a marker, a source JSON beyond the limit is replaced by a note saying where the whole one is (alerts.raw
 * keeps it for audit), and what enrichment adds (summary, rule, link, detail) is held to its {@link RecordLimits}
 * bound. The result tables alone are not bounded here: at the default 20 rows of 50 cells of 1,000 bytes, three tables
 * are 3 MB, so {@link EnrichLoop} publishes a record too large for the broker {@link #withoutRows without its rows}.
 * EnrichedRecordsSizeTest adds up both worst cases.
 */
final class EnrichedRecords {

    private final EnrichConfig config;
    private final EvidenceSummary summary;

    EnrichedRecords(EnrichConfig config) {
        this.config = config;
        this.summary = new EvidenceSummary(config.maxSummaryBytes());
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
        EnrichedAlert.Builder record = enrichment.applyTo(EnrichedAlert.newBuilder());
        return record
                .setAlert(bounded(raw, origin))
                .setSummary(evidence.line())
                .setRuleName(RecordLimits.cut(record.getRuleName(), RecordLimits.TITLE_BYTES))
                .setRuleId(RecordLimits.cut(record.getRuleId(), RecordLimits.ID_BYTES))
                // Cut, the link would open the wrong query: left out, the page still names the rule and window.
                .setLink(RecordLimits.fits(record.getLink(), RecordLimits.URL_BYTES) ? record.getLink() : null)
                .setDetail(detail(record.getDetail(), evidence.problem()))
                .setRevision(revision)
                .setEnrichedAt(now)
                .build();
    }

    /** The same record without result rows, saying why: for one that would exceed the broker's record size. */
    static EnrichedAlert withoutRows(EnrichedAlert record, int bytes) {
        String reason = "the query's rows were left out: with them the record was " + bytes + " bytes, too large to"
                + " publish; open the link to see them";
        return EnrichedAlert.newBuilder(record).setTables(List.of()).setDetail(detail(record.getDetail(), reason))
                .build();
    }

    /** A detail and one more reason (either may be null), within the bound of a detail. */
    private static String detail(String detail, String more) {
        String joined = more == null ? detail : detail == null ? more : detail + "; " + more;
        return RecordLimits.cut(joined, RecordLimits.DETAIL_BYTES);
    }

    SecurityAlert bounded(SecurityAlert raw, String origin) {
        String json = raw.getSourceJson();
        boolean jsonFits = RecordLimits.fits(json, config.maxSourceJsonBytes());
        if (jsonFits && RecordLimits.fits(raw.getTitle(), RecordLimits.TITLE_BYTES)
                && RecordLimits.fits(raw.getDescription(), config.maxDescriptionBytes())) {
            return raw;
        }
        SecurityAlert.Builder alert = SecurityAlert.newBuilder(raw)
                .setTitle(RecordLimits.cut(raw.getTitle(), RecordLimits.TITLE_BYTES))
                .setDescription(RecordLimits.cut(raw.getDescription(), config.maxDescriptionBytes()));
        if (!jsonFits) {
            alert.setSourceJson(JsonNodeFactory.instance.objectNode()
                    .put("truncated", true)
                    .put("originalBytes", RecordLimits.utf8Length(json))
                    .put("original", origin)
                    .toString());
        }
        return alert.build();
    }
}
