package io.sentinelpager.enrich;

import io.sentinelpager.schemas.EnrichedAlert;
import io.sentinelpager.schemas.EnrichmentStatus;
import io.sentinelpager.schemas.EnrichmentTable;
import java.time.Instant;
import java.util.List;

/**
 * What enrichment found for one alert, before it is put on a record: a status, the reason when not complete, and for
 * a Sentinel rule's alert the rule, its query window, the result tables and a link to run the query; and the
 * {@code Entities} of the alert's SecurityAlert row (JSON text, or null), which the evidence summary reads when the
 * alert itself names no evidence.
 */
record Enrichment(EnrichmentStatus status, String detail, List<EnrichmentTable> tables, String ruleName,
                  String ruleId, Instant queryStart, Instant queryEnd, String link, String entities) {

    Enrichment {
        tables = List.copyOf(tables);
    }

    static Enrichment notApplicable(String reason) {
        return new Enrichment(EnrichmentStatus.NOT_APPLICABLE, reason, List.of(), null, null, null, null, null, null);
    }

    static Enrichment timedOut(String reason) {
        return new Enrichment(EnrichmentStatus.TIMED_OUT, reason, List.of(), null, null, null, null, null, null);
    }

    static Enrichment failed(String reason) {
        return new Enrichment(EnrichmentStatus.FAILED, reason, List.of(), null, null, null, null, null, null);
    }

    /** The same rule details with another status and reason (a failure after the rule was known). */
    Enrichment with(EnrichmentStatus newStatus, String newDetail) {
        return new Enrichment(newStatus, newDetail, tables, ruleName, ruleId, queryStart, queryEnd, link, entities);
    }

    /** The same with the Entities of the alert's SecurityAlert row. */
    Enrichment withEntities(String rowEntities) {
        return new Enrichment(status, detail, tables, ruleName, ruleId, queryStart, queryEnd, link, rowEntities);
    }

    /** Copies what was found onto a record being built. */
    EnrichedAlert.Builder applyTo(EnrichedAlert.Builder record) {
        return record.setStatus(status).setDetail(detail).setTables(tables).setRuleName(ruleName).setRuleId(ruleId)
                .setQueryStart(queryStart).setQueryEnd(queryEnd).setLink(link);
    }
}
