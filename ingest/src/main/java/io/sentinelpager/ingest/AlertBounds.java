package io.sentinelpager.ingest;

import io.sentinelpager.schemas.RecordLimits;
import io.sentinelpager.schemas.SecurityAlert;
import java.util.ArrayList;
import java.util.List;

/**
 * Bounds every field of a normalized alert that Azure fills, in UTF-8 bytes, so that a record on alerts.raw has a
 * worst case whatever Azure sends (AlertBoundsTest adds it up): text is cut with a marker, a list keeps its first
 * items, a link that is too long is left out, and the source JSON keeps its beginning inside a JSON note. Both
 * normalizers end here, so a field is bounded in one place whichever API it came from.
 *
 * <p>Only the alert id is never cut: two alerts that differ past the cut would become one page, and syncback could
 * not name the alert to Azure. An id longer than {@link RecordLimits#ID_BYTES} makes the alert unusable.
 */
final class AlertBounds {

    private final int maxDescriptionBytes;
    private final int maxSourceJsonBytes;

    AlertBounds(int maxDescriptionBytes, int maxSourceJsonBytes) {
        this.maxDescriptionBytes = maxDescriptionBytes;
        this.maxSourceJsonBytes = maxSourceJsonBytes;
    }

    /** The bounds ingest runs with unless told otherwise. */
    static AlertBounds defaults() {
        return new AlertBounds(RecordLimits.DESCRIPTION_BYTES, RecordLimits.SOURCE_JSON_BYTES);
    }

    /** @throws IllegalArgumentException for an alert id too long to keep whole */
    SecurityAlert apply(SecurityAlert.Builder alert) {
        String id = alert.getAlertId();
        if (!RecordLimits.fits(id, RecordLimits.ID_BYTES)) {
            throw new IllegalArgumentException("its id is " + RecordLimits.utf8Length(id) + " bytes, more than the "
                    + RecordLimits.ID_BYTES + " an id may have");
        }
        return alert
                .setProviderAlertId(RecordLimits.cut(alert.getProviderAlertId(), RecordLimits.ID_BYTES))
                .setDetectorId(RecordLimits.cut(alert.getDetectorId(), RecordLimits.ID_BYTES))
                .setIncidentId(RecordLimits.cut(alert.getIncidentId(), RecordLimits.ID_BYTES))
                .setTenantId(RecordLimits.cut(alert.getTenantId(), RecordLimits.ID_BYTES))
                .setTitle(RecordLimits.cut(alert.getTitle(), RecordLimits.TITLE_BYTES))
                .setDescription(RecordLimits.cut(alert.getDescription(), maxDescriptionBytes))
                .setClassification(RecordLimits.cut(alert.getClassification(), RecordLimits.CLASSIFICATION_BYTES))
                .setDetermination(RecordLimits.cut(alert.getDetermination(), RecordLimits.CLASSIFICATION_BYTES))
                .setServiceSource(RecordLimits.cut(alert.getServiceSource(), RecordLimits.LABEL_BYTES))
                .setDetectionSource(RecordLimits.cut(alert.getDetectionSource(), RecordLimits.LABEL_BYTES))
                .setProductName(RecordLimits.cut(alert.getProductName(), RecordLimits.LABEL_BYTES))
                .setCategory(RecordLimits.cut(alert.getCategory(), RecordLimits.LABEL_BYTES))
                .setMitreTechniques(labels(alert.getMitreTechniques()))
                .setTags(labels(alert.getTags()))
                .setAssignedTo(RecordLimits.cut(alert.getAssignedTo(), RecordLimits.ID_BYTES))
                .setAlertWebUrl(link(alert.getAlertWebUrl()))
                .setIncidentWebUrl(link(alert.getIncidentWebUrl()))
                .setSourceJson(json(alert.getSourceJson(), maxSourceJsonBytes))
                .build();
    }

    /** The first {@link RecordLimits#LIST_ITEMS} labels, each cut; a last one says how many there were in all. */
    static List<String> labels(List<String> labels) {
        List<String> out = new ArrayList<>();
        for (String label : labels) {
            if (out.size() == RecordLimits.LIST_ITEMS - 1 && labels.size() > RecordLimits.LIST_ITEMS) {
                out.add("… [cut: " + labels.size() + " in all]");
                break;
            }
            out.add(RecordLimits.cut(label, RecordLimits.LABEL_BYTES));
        }
        return out;
    }

    private static String link(String url) {
        return RecordLimits.fits(url, RecordLimits.URL_BYTES) ? url : null;
    }

    /**
     * The source JSON, or, when it is over {@code maxBytes}, a JSON object that says so and keeps as much of its
     * beginning as fits, as a string: still valid JSON for whoever reads the audit copy, and at most {@code maxBytes}
     * with its escaping (a quote or a backslash takes two bytes, a control character six).
     */
    static String json(String json, int maxBytes) {
        if (RecordLimits.fits(json, maxBytes)) {
            return json;
        }
        String head = "{\"sentinelPagerTruncated\":true,\"originalBytes\":" + RecordLimits.utf8Length(json)
                + ",\"prefix\":\"";
        String tail = "\"}";
        int budget = maxBytes - head.length() - tail.length();
        StringBuilder out = new StringBuilder(head);
        int used = 0;
        for (int i = 0; i < json.length(); ) {
            int cp = json.codePointAt(i);
            String escaped = escaped(cp);
            int size = escaped != null ? escaped.length() : RecordLimits.utf8Length(Character.toString(cp));
            if (used + size > budget) {
                break;
            }
            if (escaped != null) {
                out.append(escaped);
            } else {
                out.appendCodePoint(cp);
            }
            used += size;
            i += Character.charCount(cp);
        }
        return out.append(tail).toString();
    }

    /** The JSON escape of a character, or null for one that stands for itself; a lone surrogate is escaped too. */
    private static String escaped(int cp) {
        if (cp == '"' || cp == '\\') {
            return "\\" + (char) cp;
        }
        if (cp < 0x20 || (cp <= 0xFFFF && Character.isSurrogate((char) cp))) {
            return String.format("\\u%04x", cp);
        }
        return null;
    }
}
