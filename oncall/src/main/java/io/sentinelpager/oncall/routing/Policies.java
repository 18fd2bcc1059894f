package io.sentinelpager.oncall.routing;

import io.sentinelpager.oncall.TimeWindow;
import io.sentinelpager.schemas.ConditionNode;
import io.sentinelpager.schemas.EnrichedAlert;
import io.sentinelpager.schemas.PolicyConfig;
import io.sentinelpager.schemas.SecurityAlert;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Ordered first-match routing: the enabled policy with the lowest order whose condition holds takes the alert.
 * Text tests ignore case (an analyst writes "ransomware", Microsoft writes "Ransomware"); regexes are taken as written.
 */
public final class Policies {

    private static final ConcurrentHashMap<String, Pattern> PATTERNS = new ConcurrentHashMap<>();

    private Policies() {
    }

    public static Optional<PolicyConfig> firstMatch(Collection<PolicyConfig> policies, SecurityAlert alert) {
        return firstMatch(policies, AlertFields.of(alert));
    }

    /** With the enrichment, so that conditions can test what the rule's query found. */
    public static Optional<PolicyConfig> firstMatch(Collection<PolicyConfig> policies, EnrichedAlert alert) {
        return firstMatch(policies, AlertFields.of(alert));
    }

    private static Optional<PolicyConfig> firstMatch(Collection<PolicyConfig> policies, AlertFields alert) {
        return policies.stream()
                .filter(PolicyConfig::getEnabled)
                .sorted(Comparator.comparingInt(PolicyConfig::getOrder).thenComparing(PolicyConfig::getId))
                .filter(p -> matches(p.getCondition(), alert))
                .findFirst();
    }

    /** Whether the condition (a tree flattened into a list, root first) holds; an empty condition always holds. */
    static boolean matches(List<ConditionNode> condition, AlertFields alert) {
        return condition.isEmpty() || holds(condition, 0, alert, 0);
    }

    private static boolean holds(List<ConditionNode> nodes, int index, AlertFields alert, int depth) {
        // A malformed tree (an index out of range, a cycle) must not route alerts by accident, nor loop.
        if (index < 0 || index >= nodes.size() || depth > nodes.size()) {
            return false;
        }
        ConditionNode node = nodes.get(index);
        List<Integer> children = node.getChildren();
        return switch (node.getOp()) {
            case ALL -> children.stream().allMatch(c -> holds(nodes, c, alert, depth + 1));
            case ANY -> children.stream().anyMatch(c -> holds(nodes, c, alert, depth + 1));
            case NOT -> children.stream().noneMatch(c -> holds(nodes, c, alert, depth + 1));
            case MATCH -> test(node, alert.values(node.getField()));
            case TIME_WINDOW -> inWindow(node.getValues(), alert);
            // A condition kind this version does not know must not route alerts by accident.
            default -> false;
        };
    }

    /** values = [timeZone, from, to, days...]; tested at the moment the alert was created. */
    private static boolean inWindow(List<String> values, AlertFields alert) {
        if (values.size() < 3) {
            return false;
        }
        return TimeWindow.of(values.get(1), values.get(2), values.subList(3, values.size()))
                .contains(alert.createdAt().atZone(java.time.ZoneId.of(values.get(0))));
    }

    private static boolean atLeast(String actual, String wanted) {
        try {
            return Long.parseLong(actual) >= Long.parseLong(wanted);
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private static boolean test(ConditionNode condition, List<String> actual) {
        List<String> wanted = condition.getValues();
        for (String value : actual) {
            String v = value.toLowerCase(Locale.ROOT);
            boolean hit = switch (condition.getTest() == null ? io.sentinelpager.schemas.MatchTest.UNKNOWN
                    : condition.getTest()) {
                case EQUALS, IN -> wanted.stream().anyMatch(w -> w.toLowerCase(Locale.ROOT).equals(v));
                case CONTAINS -> wanted.stream().anyMatch(w -> v.contains(w.toLowerCase(Locale.ROOT)));
                case REGEX -> wanted.stream().anyMatch(w -> PATTERNS.computeIfAbsent(w, Pattern::compile)
                        .matcher(value).find());
                case AT_LEAST -> wanted.stream().anyMatch(w -> atLeast(value, w));
                default -> false;
            };
            if (hit) {
                return true;
            }
        }
        return false;
    }
}
