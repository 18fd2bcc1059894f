package io.sentinelpager.responder;

import io.sentinelpager.schemas.DurationSamples;
import io.sentinelpager.schemas.ReportBucket;
import io.sentinelpager.schemas.ReportBucketId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The rows of the reports, as the API answers them in JSON and CSV: one per bucket, with counts, rates and the p50
 * and p90 of its durations by nearest rank (the smallest sample with at least that share of the samples at or below
 * it), which is exact for the samples a bucket keeps.
 */
final class ReportViews {

    static final List<String> RESPONSE_COLUMNS = List.of("team", "dimension", "value", "period", "start", "pages",
            "acknowledged", "closed", "escalated", "escalationRate", "nightPages", "mttaP50Seconds", "mttaP90Seconds",
            "mttrP50Seconds", "mttrP90Seconds");
    static final List<String> RULE_NOISE_COLUMNS = List.of("team", "period", "start", "detection", "label", "pages",
            "closed", "noise", "noiseShare", "medianSecondsToClose");

    private ReportViews() {
    }

    static Map<String, Object> response(ReportBucket bucket) {
        ReportBucketId id = bucket.getBucket();
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("team", id.getTeamId());
        row.put("dimension", id.getDimension());
        row.put("value", id.getValue());
        row.put("period", id.getPeriod());
        row.put("start", id.getStart());
        long pages = count(bucket, "pages");
        row.put("pages", pages);
        row.put("acknowledged", count(bucket, "acknowledged"));
        row.put("closed", count(bucket, "closed"));
        row.put("escalated", count(bucket, "escalated"));
        row.put("escalationRate", share(count(bucket, "escalated"), pages));
        row.put("nightPages", count(bucket, "night"));
        row.put("mttaP50Seconds", percentileSeconds(bucket.getDurations().get("tta"), 0.5));
        row.put("mttaP90Seconds", percentileSeconds(bucket.getDurations().get("tta"), 0.9));
        row.put("mttrP50Seconds", percentileSeconds(bucket.getDurations().get("ttr"), 0.5));
        row.put("mttrP90Seconds", percentileSeconds(bucket.getDurations().get("ttr"), 0.9));
        return row;
    }

    static Map<String, Object> ruleNoise(ReportBucket bucket) {
        ReportBucketId id = bucket.getBucket();
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("team", id.getTeamId());
        row.put("period", id.getPeriod());
        row.put("start", id.getStart());
        row.put("detection", id.getValue());
        row.put("label", id.getLabel());
        row.put("pages", count(bucket, "pages"));
        row.put("closed", count(bucket, "closed"));
        row.put("noise", count(bucket, "noise"));
        row.put("noiseShare", share(count(bucket, "noise"), count(bucket, "closed")));
        row.put("medianSecondsToClose", percentileSeconds(bucket.getDurations().get("ttr"), 0.5));
        return row;
    }

    /**
     * Rule noise, the worst first within each period (the latest period first): most pages closed as false positive
     * or benign, then the largest share of them, then the most pages.
     */
    static List<Map<String, Object>> worstFirst(List<Map<String, Object>> rows) {
        List<Map<String, Object>> sorted = new ArrayList<>(rows);
        sorted.sort(Comparator.<Map<String, Object>, String>comparing(r -> (String) r.get("start")).reversed()
                .thenComparing(r -> -(long) r.get("noise"))
                .thenComparing(r -> r.get("noiseShare") == null ? 0.0 : -(double) r.get("noiseShare"))
                .thenComparing(r -> -(long) r.get("pages"))
                .thenComparing(r -> (String) r.get("team")).thenComparing(r -> (String) r.get("detection")));
        return sorted;
    }

    /** The rows as CSV (RFC 4180), with a header of these columns. */
    static String csv(List<String> columns, List<Map<String, Object>> rows) {
        StringBuilder out = new StringBuilder(String.join(",", columns)).append("\r\n");
        for (Map<String, Object> row : rows) {
            List<String> cells = new ArrayList<>();
            for (String column : columns) {
                cells.add(cell(row.get(column)));
            }
            out.append(String.join(",", cells)).append("\r\n");
        }
        return out.toString();
    }

    /**
     * One CSV cell. A text starting with =, +, - or @ is a formula to a spreadsheet, and a detection's label is an
     * alert title that whoever raised the alert chose: such a text is prefixed with ' so it stays text.
     */
    private static String cell(Object value) {
        if (value == null) {
            return "";
        }
        String text = value.toString();
        if (value instanceof String && !text.isEmpty() && "=+-@\t\r".indexOf(text.charAt(0)) >= 0) {
            text = "'" + text;
        }
        if (text.contains(",") || text.contains("\"") || text.contains("\n") || text.contains("\r")) {
            return "\"" + text.replace("\"", "\"\"") + "\"";
        }
        return text;
    }

    private static long count(ReportBucket bucket, String name) {
        return bucket.getCounts().getOrDefault(name, 0L);
    }

    private static Double share(long part, long whole) {
        return whole == 0 ? null : Math.round(1000.0 * part / whole) / 1000.0;
    }

    /** The nearest-rank percentile of the kept samples in seconds, or null when there are none. */
    static Double percentileSeconds(DurationSamples samples, double p) {
        if (samples == null || samples.getMillis().isEmpty()) {
            return null;
        }
        List<Long> sorted = samples.getMillis();
        int rank = (int) Math.ceil(p * sorted.size());
        return sorted.get(Math.max(rank, 1) - 1) / 1000.0;
    }
}
