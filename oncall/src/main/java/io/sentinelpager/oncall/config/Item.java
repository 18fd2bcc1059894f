package io.sentinelpager.oncall.config;

import com.fasterxml.jackson.databind.JsonNode;
import io.sentinelpager.schemas.RecordLimits;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One object of a configuration file, with readers of its fields that report what is wrong with them. Every problem
 * starts with the object's label ("user ana contact method 2"), so that a reader knows which object the line is in.
 */
final class Item {

    private static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");

    final YamlFile file;
    final String pointer;
    final JsonNode node;
    private final List<Problem> problems;
    private String label;

    /** An object of a section, labelled by its position ("users[2]") until its id is known. */
    Item(List<Problem> problems, YamlFile file, String pointer, JsonNode node) {
        this(problems, file, pointer, node, pointer.substring(1).replace('/', '[') + "]");
    }

    private Item(List<Problem> problems, YamlFile file, String pointer, JsonNode node, String label) {
        this.problems = problems;
        this.file = file;
        this.pointer = pointer;
        this.node = node;
        this.label = label;
    }

    String label() {
        return label;
    }

    /** Checks that this is a mapping of only the allowed fields; false if it is no mapping at all. */
    boolean fields(Kind kind, String... allowed) {
        if (!node.isObject()) {
            report(null, kind.described() + " must be a mapping");
            return false;
        }
        JsonNode id = node.get("id");
        if (id != null && id.isValueNode() && kind.namedById()) {
            label = kind.noun() + " " + id.asText();
        }
        Set<String> known = Set.of(allowed);
        node.fieldNames().forEachRemaining(name -> {
            if (!known.contains(name)) {
                report(name, "unknown field '" + name + "'; fields are " + String.join(", ", allowed));
            }
        });
        return true;
    }

    String id(Kind kind) {
        String id = text("id", true);
        if (id != null && !ID.matcher(id).matches()) {
            problem(pointer + "/id", kind.noun() + " id '" + id + "' must be lower-case letters, digits, '.', '_'"
                    + " or '-', at most 64");
        }
        if (id != null) {
            label = kind.noun() + " " + id;
        }
        return id;
    }

    String text(String field, boolean required) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            if (required) {
                report(null, "'" + field + "' is required");
            }
            return null;
        }
        if (!value.isValueNode()) {
            report(field, "'" + field + "' must be a single value");
            return null;
        }
        return value.asText();
    }

    /** A free text that every routed alert carries: bounded, so that no policy can make a record too large. */
    String reason(String field) {
        String value = text(field, false);
        if (value != null && !RecordLimits.fits(value, RecordLimits.REASON_BYTES)) {
            report(field, "'" + field + "' is " + RecordLimits.utf8Length(value) + " bytes in UTF-8; the limit is "
                    + RecordLimits.REASON_BYTES);
        }
        return value; // reported, and so not published: kept only so that no other problem follows from it
    }

    List<String> texts(String field) {
        JsonNode value = node.get(field);
        List<String> out = new ArrayList<>();
        if (value == null || value.isNull()) {
            return out;
        }
        if (value.isValueNode()) {
            out.add(value.asText());
        } else if (value.isArray()) {
            value.forEach(v -> out.add(v.asText()));
        } else {
            report(field, "'" + field + "' must be a list of values");
        }
        return out;
    }

    int integer(String field, int fallback, int min, int max) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return fallback;
        }
        if (!value.canConvertToInt() || value.asInt() < min || value.asInt() > max) {
            report(field, "'" + field + "' must be a whole number from " + min + " to " + max + ", was "
                    + value.asText());
            return fallback;
        }
        return value.asInt();
    }

    String zone(String field, String fallback) {
        String zone = text(field, false);
        if (zone == null) {
            return fallback;
        }
        try {
            ZoneId.of(zone);
            return zone;
        } catch (DateTimeException e) {
            report(field, "time zone '" + zone + "' is not an IANA zone such as Europe/Berlin");
            return fallback;
        }
    }

    /** A date-time with its offset, e.g. 2026-12-24T18:00+01:00, so that a window means the same everywhere. */
    Instant instant(String field) {
        String text = text(field, true);
        if (text == null) {
            return null;
        }
        try {
            return OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeException e) {
            report(field, "'" + text + "' is not a date-time with offset such as 2026-12-24T18:00+01:00");
            return null;
        }
    }

    LocalDateTime localDateTime(String field) {
        String text = text(field, true);
        if (text == null) {
            return null;
        }
        try {
            return LocalDateTime.parse(text);
        } catch (DateTimeException e) {
            report(field, "'" + text + "' is not a local date-time such as 2026-01-05T09:00");
            return null;
        }
    }

    String localTime(String field) {
        String text = text(field, true);
        if (text == null) {
            return null;
        }
        try {
            return LocalTime.parse(text).toString();
        } catch (DateTimeException e) {
            report(field, "'" + text + "' is not a time of day such as 08:00");
            return null;
        }
    }

    /** A field that is a mapping of its own, whose problems carry this object's label. */
    Item child(String field) {
        return new Item(problems, file, pointer + "/" + field, node.get(field), label);
    }

    /** An element of this list, whose problems carry this list's label. */
    Item element(int index) {
        return new Item(problems, file, pointer + "/" + index, node.get(index), label);
    }

    /** An element of a list field, with a label of its own ("user ana contact method 2"). */
    Item element(String list, int index, String label) {
        return new Item(problems, file, pointer + "/" + list + "/" + index, node.get(list).get(index), label);
    }

    /** A problem with this object, or with one of its fields if {@code field} is not null. */
    void report(String field, String message) {
        problem(field == null ? pointer : pointer + "/" + field, label + ": " + message);
    }

    /** A problem at any pointer of this file, worded in full by the caller. */
    void problem(String at, String message) {
        problems.add(file.problem(at, message));
    }

    /** The constant of that name, case aside; null if there is none. */
    static <E extends Enum<E>> E enumValue(Class<E> type, String value) {
        if (value == null) {
            return null;
        }
        try {
            return Enum.valueOf(type, value.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
