package io.sentinelpager.platform.config;

import io.sentinelpager.platform.config.PagerConfig.Origin;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * The settings the product reads, so that one it does not read is refused instead of silently ignored: an operator
 * who writes {@code escalate.closed.retenton} believes a retention is in effect that is not.
 *
 * <p>A key's name may hold {@link ConfigKey#ANY} where the operator chooses a name: between dots it stands for one
 * segment (the connector id in {@code connectors.*.tenant.id}), at the end for the rest of the key (any Kafka client
 * setting under {@code kafka.*}).
 */
public final class KnownKeys {

    private final Set<String> exact = new TreeSet<>();
    private final List<String[]> patterns = new ArrayList<>();
    private final Set<String> otherVariables;

    /**
     * @param keys           every setting the product reads
     * @param otherVariables {@code PAGER_*} environment variables that are ours but not settings, e.g. the log level
     */
    public KnownKeys(Collection<ConfigKey> keys, Set<String> otherVariables) {
        for (ConfigKey key : keys) {
            String[] segments = key.name().split("\\.");
            if (Arrays.asList(segments).contains(ConfigKey.ANY)) {
                patterns.add(segments);
            } else {
                exact.add(key.name());
            }
        }
        this.otherVariables = Set.copyOf(otherVariables);
    }

    public boolean contains(String key) {
        return exact.contains(key) || patterns.stream().anyMatch(p -> matches(p, key.split("\\.", -1)));
    }

    /**
     * The known key nearest to this unknown one, if one is near enough to be the key that was meant: a few letters
     * apart ({@code escalate.closed.retenton}), or with a level left out, as happens when nesting YAML
     * ({@code notify.smtp.host} for {@code notify.email.smtp.host}).
     */
    public Optional<String> nearest(String key) {
        String[] segments = key.split("\\.", -1);
        int tolerance = Math.max(2, key.length() / 3);
        return Stream.concat(exact.stream(), patterns.stream().map(p -> fill(p, segments)))
                .map(known -> new Candidate(known, missesOnlyLevels(segments, known), distance(key, known)))
                .filter(c -> c.levelsLeftOut() || c.distance() <= tolerance)
                .min(Comparator.comparing((Candidate c) -> !c.levelsLeftOut()).thenComparingInt(Candidate::distance)
                        .thenComparing(Candidate::key))
                .map(Candidate::key);
    }

    private record Candidate(String key, boolean levelsLeftOut, int distance) {
    }

    /** The key holds two or more of the candidate's segments, in order, and lacks some others. */
    private static boolean missesOnlyLevels(String[] segments, String candidate) {
        String[] known = candidate.split("\\.");
        int found = 0;
        for (String segment : known) {
            if (found < segments.length && segment.equals(segments[found])) {
                found++;
            }
        }
        return segments.length > 1 && segments.length < known.length && found == segments.length;
    }

    /**
     * Refuses the settings from the file that no service reads, all of them at once, each with where it is and the
     * key that was probably meant. {@code PAGER_*} variables that no service reads only earn a warning, given first:
     * the environment is shared with other tools. Neither names a value, which may be a secret.
     */
    public void check(PagerConfig config, Consumer<String> warnings) {
        Map<String, Origin> origins = config.origins();
        List<String> unknown = origins.keySet().stream().filter(key -> !contains(key))
                .sorted(Comparator.comparing((String key) -> origins.get(key).line()).thenComparing(key -> key))
                .toList();
        List<String> errors = new ArrayList<>();
        for (String key : unknown) {
            Origin origin = origins.get(key);
            Optional<String> meant = nearest(key);
            if (origin.layer() == Origin.Layer.FILE) {
                errors.add(origin.name() + (origin.line() > 0 ? ":" + origin.line() : "") + ": " + key
                        + meant.map(k -> " (did you mean " + k + "?)").orElse(""));
            } else if (origin.layer() == Origin.Layer.ENVIRONMENT && !otherVariables.contains(origin.name())) {
                warnings.accept("environment variable " + origin.name() + " is not a Sentinel Pager setting and is"
                        + " ignored" + meant.map(k -> suggestion(origin.name(), k)).orElse(""));
            }
            // An override is set in code (the demo, tests), not by an operator.
        }
        if (!errors.isEmpty()) {
            throw new ConfigException(errors.size() + " unknown setting(s) in the configuration file; no service"
                    + " reads them, so they would have no effect:\n  " + String.join("\n  ", errors));
        }
    }

    private static String suggestion(String variable, String key) {
        String meant = ConfigKey.environmentVariable(key);
        return meant.equals(variable)
                ? " (" + key + " can be set only in the configuration file)"
                : " (did you mean " + meant + ", for " + key + "?)";
    }

    private static boolean matches(String[] pattern, String[] key) {
        boolean restOfKey = pattern[pattern.length - 1].equals(ConfigKey.ANY);
        if (restOfKey ? key.length < pattern.length : key.length != pattern.length) {
            return false;
        }
        for (int i = 0; i < pattern.length; i++) {
            if (key[i].isEmpty() || (!pattern[i].equals(ConfigKey.ANY) && !pattern[i].equals(key[i]))) {
                return false;
            }
        }
        return true;
    }

    /**
     * The pattern with the unknown key's own names in place of ANY where the key begins as the pattern does, i.e. the
     * key as it would have been spelled: {@code connectors.contoso.tenant.idd} gives connectors.contoso.tenant.id.
     */
    private static String fill(String[] pattern, String[] key) {
        String[] out = pattern.clone();
        for (int i = 0; i < Math.min(pattern.length - 1, key.length); i++) {
            if (pattern[i].equals(ConfigKey.ANY)) {
                out[i] = key[i];
            } else if (!pattern[i].equals(key[i])) {
                break;
            }
        }
        return String.join(".", out);
    }

    /** Levenshtein distance: the fewest inserted, deleted or replaced characters that turn a into b. */
    static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int replace = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(replace, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}
