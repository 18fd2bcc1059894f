package io.sentinelpager.platform.config;

import java.time.LocalTime;
import java.time.format.DateTimeParseException;
import java.util.List;

/**
 * Which hours of each person's day count as night: the reports service counts night pages per person and day by them,
 * the responder its pages per shift. One key name each, so a deployment sets them once for both.
 */
public final class NightSettings {

    public static final ConfigKey START = ConfigKey.of("reports.night.start", "22:00",
            "when the night starts in each person's own time zone (HH:mm): a page sent to them from then on counts as a"
                    + " page at night");
    public static final ConfigKey END = ConfigKey.of("reports.night.end", "07:00",
            "when the night ends in each person's own time zone (HH:mm)");

    public static final List<ConfigKey> KEYS = List.of(START, END);

    private NightSettings() {
    }

    public static LocalTime start(PagerConfig config) {
        return time(config, START);
    }

    public static LocalTime end(PagerConfig config) {
        return time(config, END);
    }

    private static LocalTime time(PagerConfig config, ConfigKey key) {
        String value = config.string(key);
        try {
            return LocalTime.parse(value);
        } catch (DateTimeParseException e) {
            throw new ConfigException(key.name() + " is '" + value + "'; it must be a time of day as HH:mm, e.g. 22:00");
        }
    }
}
