package io.sentinelpager.oncall.config;

import io.sentinelpager.schemas.EscalationChainConfig;
import io.sentinelpager.schemas.PolicyConfig;
import io.sentinelpager.schemas.ScheduleConfig;
import io.sentinelpager.schemas.TeamConfig;
import io.sentinelpager.schemas.UserConfig;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every object read so far, by kind and id, in the order of the files: an id is defined once per kind, and each object
 * keeps where it was defined, so that a reference checked after the last file can still name the line it is on.
 */
final class Definitions {

    /** A record and where it was defined. */
    record Located<T>(T value, YamlFile file, String pointer) {
    }

    final Map<String, Located<UserConfig>> users = new LinkedHashMap<>();
    final Map<String, Located<TeamConfig>> teams = new LinkedHashMap<>();
    final Map<String, Located<ScheduleConfig>> schedules = new LinkedHashMap<>();
    final Map<String, Located<EscalationChainConfig>> escalations = new LinkedHashMap<>();
    final Map<String, Located<PolicyConfig>> policies = new LinkedHashMap<>();

    /** Defines the object, unless its id is already defined for its kind: then the second one is a problem. */
    static <T> void put(Map<String, Located<T>> map, Kind kind, String id, Item item, T value) {
        Located<T> previous = map.putIfAbsent(id, new Located<>(value, item.file, item.pointer));
        if (previous != null) {
            item.problem(item.pointer + "/id", kind.noun() + " '" + id + "' is defined twice; the other is in "
                    + previous.file().path.getFileName() + ":" + previous.file().line(previous.pointer()));
        }
    }

    ConfigSet configSet() {
        return new ConfigSet(values(users), values(teams), values(schedules), values(escalations), values(policies));
    }

    private static <T> List<T> values(Map<String, Located<T>> map) {
        return map.values().stream().map(Located::value).toList();
    }
}
