package io.sentinelpager.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.IntPredicate;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The subset of OData {@code $filter} that the emulator understands for alerts_v2: clauses joined by
 * {@code and}, each either a date-time comparison or an equality on an enum field.
 *
 * <pre>
 *   lastUpdateDateTime ge 2024-05-01T10:00:00Z and status eq 'new' and severity eq 'high'
 * </pre>
 *
 * <p>Date-times are unquoted OData literals ({@code ge gt le lt} on lastUpdateDateTime and
 * createdDateTime); enum values are quoted ({@code eq} on status, severity, serviceSource). Anything
 * else ({@code or}, {@code not}, parentheses, functions, other fields) is rejected rather than
 * half-understood, so a client that relies on more than this finds out from a 400 instead of from
 * silently unfiltered data.
 */
final class AlertFilter implements Predicate<ObjectNode> {

    static final AlertFilter ALL = new AlertFilter("", List.of());

    private static final Pattern TOKEN = Pattern.compile("'(?:[^']|'')*'|\\S+");
    private static final Set<String> DATE_FIELDS = Set.of("lastUpdateDateTime", "createdDateTime");
    private static final Map<String, Set<String>> ENUM_FIELDS = Map.of(
            "status", GraphEnums.STATUS,
            "severity", GraphEnums.SEVERITY,
            "serviceSource", GraphEnums.SERVICE_SOURCE);

    private final String text;
    private final List<Predicate<ObjectNode>> clauses;

    private AlertFilter(String text, List<Predicate<ObjectNode>> clauses) {
        this.text = text;
        this.clauses = clauses;
    }

    /**
     * @throws IllegalArgumentException with a message fit for a Graph 400 response when the filter
     *     is malformed or uses anything outside the supported subset
     */
    static AlertFilter parse(String filter) {
        if (filter == null || filter.isBlank()) {
            return ALL;
        }
        List<String> tokens = new ArrayList<>();
        Matcher matcher = TOKEN.matcher(filter);
        while (matcher.find()) {
            tokens.add(matcher.group());
        }
        List<Predicate<ObjectNode>> clauses = new ArrayList<>();
        int i = 0;
        while (true) {
            if (i + 3 > tokens.size()) {
                throw new IllegalArgumentException("Invalid filter clause: expected '<property> <operator> <value>' in '"
                        + filter + "'");
            }
            clauses.add(clause(tokens.get(i), tokens.get(i + 1), tokens.get(i + 2)));
            i += 3;
            if (i == tokens.size()) {
                return new AlertFilter(filter, List.copyOf(clauses));
            }
            if (!tokens.get(i).equals("and")) {
                throw new IllegalArgumentException("Invalid filter clause: only 'and' may join clauses, found '"
                        + tokens.get(i) + "' in '" + filter + "'");
            }
            i++;
        }
    }

    @Override
    public boolean test(ObjectNode alert) {
        return clauses.stream().allMatch(clause -> clause.test(alert));
    }

    @Override
    public String toString() {
        return text;
    }

    private static Predicate<ObjectNode> clause(String field, String operator, String value) {
        if (DATE_FIELDS.contains(field)) {
            return dateClause(field, operator, value);
        }
        Set<String> members = ENUM_FIELDS.get(field);
        if (members != null) {
            return enumClause(field, members, operator, value);
        }
        throw new IllegalArgumentException("Invalid filter clause: filtering on '" + field
                + "' is not supported; supported properties: " + DATE_FIELDS + " (ge, gt, le, lt) and "
                + ENUM_FIELDS.keySet() + " (eq)");
    }

    private static Predicate<ObjectNode> dateClause(String field, String operator, String literal) {
        if (literal.startsWith("'")) {
            throw new IllegalArgumentException("Invalid filter clause: a " + field
                    + " value is an unquoted date-time literal, e.g. 2024-05-01T10:00:00Z, not " + literal);
        }
        Instant bound = GraphTime.parse(literal);
        IntPredicate comparison = switch (operator) {
            case "ge" -> order -> order >= 0;
            case "gt" -> order -> order > 0;
            case "le" -> order -> order <= 0;
            case "lt" -> order -> order < 0;
            default -> throw new IllegalArgumentException("Invalid filter clause: operator '" + operator
                    + "' is not supported on " + field + "; use ge, gt, le or lt");
        };
        // Every time the emulator writes is in Graph's fixed-width UTC form, which sorts as the instants do: a list call
        // compares each alert's text with the bound's instead of parsing it (parsing every alert's time on every page
        // of a 20,000-alert listing was a fifth of pager bench's CPU). A bound finer than Graph's 100 ns is compared
        // parsed, as is any time written in another form.
        String canonicalBound = GraphTime.parse(GraphTime.format(bound)).equals(bound) ? GraphTime.format(bound) : null;
        return alert -> {
            JsonNode value = alert.get(field);
            if (value == null || !value.isTextual()) {
                return false;
            }
            String text = value.asText();
            int order = canonicalBound != null && GraphTime.isCanonical(text) ? text.compareTo(canonicalBound)
                    : GraphTime.parse(text).compareTo(bound);
            return comparison.test(order);
        };
    }

    private static Predicate<ObjectNode> enumClause(String field, Set<String> members, String operator,
                                                    String literal) {
        if (!operator.equals("eq")) {
            throw new IllegalArgumentException("Invalid filter clause: operator '" + operator
                    + "' is not supported on " + field + "; use eq");
        }
        if (literal.length() < 2 || !literal.startsWith("'") || !literal.endsWith("'")) {
            throw new IllegalArgumentException("Invalid filter clause: the " + field
                    + " value must be a quoted string, e.g. '" + members.iterator().next() + "', not " + literal);
        }
        String wanted = literal.substring(1, literal.length() - 1).replace("''", "'");
        if (!members.contains(wanted)) {
            throw new IllegalArgumentException("The filter value '" + wanted + "' is not a member of the "
                    + field + " enumeration");
        }
        return alert -> alert.hasNonNull(field) && alert.get(field).asText().equals(wanted);
    }
}
