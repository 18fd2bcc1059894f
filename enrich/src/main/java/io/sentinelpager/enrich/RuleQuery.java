package io.sentinelpager.enrich;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sentinelpager.azure.LogTable;
import io.sentinelpager.schemas.RecordLimits;
import java.io.IOException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Optional;

/**
 * What a scheduled (or NRT) analytics rule ran to raise an alert, read from the alert's {@code SecurityAlert} row:
 * the rule's KQL {@code Query} and the window it ran over ({@code Query Start Time UTC} to {@code Query End Time UTC}),
 * both inside {@code ExtendedProperties}, a JSON object encoded as a string; and the rule's name and id.
 */
record RuleQuery(String query, Instant start, Instant end, String ruleName, String ruleId) {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** The older Sentinel format of the window, e.g. {@code 7/24/2023 3:23:59 PM}. */
    private static final DateTimeFormatter US_TIME = DateTimeFormatter.ofPattern("M/d/yyyy h:mm:ss a", Locale.US);

    /** Why a row gives no query to run; {@code applicable} false when the alert simply is not a query rule's. */
    static final class Unusable extends Exception {
        private final boolean applicable;

        Unusable(String reason, boolean applicable) {
            super(reason);
            this.applicable = applicable;
        }

        boolean applicable() {
            return applicable;
        }
    }

    /**
     * Reads the rule's query from a SecurityAlert row.
     *
     * @throws Unusable not applicable when the row has no rule query (a Fusion, ML or Microsoft-product alert);
     *                  applicable (a failure) when the row is malformed: ExtendedProperties not a JSON object, or
     *                  no readable window
     */
    static RuleQuery from(LogTable.Row row) throws Unusable {
        String extended = text(row, "ExtendedProperties");
        if (extended == null || extended.isBlank()) {
            throw new Unusable("the alert's SecurityAlert row has no ExtendedProperties, so no rule query", false);
        }
        JsonNode properties;
        try {
            properties = JSON.readTree(extended);
        } catch (JsonProcessingException e) {
            throw new Unusable("ExtendedProperties of the alert's SecurityAlert row is not JSON ("
                    + RecordLimits.cut(firstLine(e.getOriginalMessage()), 200) + ")", true);
        }
        if (properties == null || !properties.isObject()) {
            throw new Unusable("ExtendedProperties of the alert's SecurityAlert row is not a JSON object", true);
        }
        String query = properties.path("Query").asText("");
        if (query.isBlank()) {
            throw new Unusable("the alert's rule has no Query in ExtendedProperties (not a scheduled or NRT"
                    + " analytics rule)", false);
        }
        Instant start = time(properties, "Query Start Time UTC");
        Instant end = time(properties, "Query End Time UTC");
        if (!start.isBefore(end)) {
            throw new Unusable("the rule's query window ends (" + end + ") before it starts (" + start + ")", true);
        }
        String ruleName = Optional.ofNullable(nonBlank(properties.path("Analytic Rule Name").asText(null)))
                .orElse(nonBlank(text(row, "AlertName")));
        return new RuleQuery(query, start, end, ruleName, ruleId(properties, text(row, "AlertType")));
    }

    /** The first of "Analytic Rule Ids" (a JSON array in a string), else the GUID that AlertType ends with. */
    private static String ruleId(JsonNode properties, String alertType) {
        String ids = properties.path("Analytic Rule Ids").asText("");
        try {
            JsonNode array = ids.isBlank() ? null : JSON.readTree(ids);
            if (array != null && array.isArray() && !array.isEmpty() && !array.get(0).asText("").isBlank()) {
                return array.get(0).asText();
            }
        } catch (IOException notAnArray) {
            // fall through to AlertType, {workspaceId}_{ruleId}
        }
        if (alertType != null && alertType.contains("_")) {
            return nonBlank(alertType.substring(alertType.lastIndexOf('_') + 1));
        }
        return null;
    }

    private static Instant time(JsonNode properties, String name) throws Unusable {
        String value = properties.path(name).asText("").trim();
        if (value.isEmpty()) {
            throw new Unusable("ExtendedProperties has no '" + name + "', so the rule's window is unknown", true);
        }
        try {
            // "2023-07-24 15:23:59Z", as Sentinel writes it today; ISO 8601 too.
            return Instant.parse(value.replace(' ', 'T'));
        } catch (DateTimeParseException notIso) {
            try {
                return LocalDateTime.parse(value, US_TIME).toInstant(ZoneOffset.UTC);
            } catch (DateTimeParseException notUs) {
                throw new Unusable("'" + name + "' in ExtendedProperties is not a time: '"
                        + RecordLimits.cut(value, 60) + "'", true);
            }
        }
    }

    private static String text(LogTable.Row row, String column) {
        Object value = row.values().get(column);
        return value == null ? null : value.toString();
    }

    private static String nonBlank(String text) {
        return text == null || text.isBlank() ? null : text;
    }

    private static String firstLine(String text) {
        if (text == null) {
            return "unreadable";
        }
        int newline = text.indexOf('\n');
        return newline < 0 ? text : text.substring(0, newline);
    }
}
