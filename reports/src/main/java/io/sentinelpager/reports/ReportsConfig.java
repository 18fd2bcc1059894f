package io.sentinelpager.reports;

import io.sentinelpager.platform.config.ConfigException;
import io.sentinelpager.platform.config.ConfigKey;
import io.sentinelpager.platform.config.PagerConfig;
import java.time.LocalTime;
import java.time.format.DateTimeParseException;
import java.util.List;

/** Settings of the reports service: which hours of a person's day count as night. */
public record ReportsConfig(NightHours night) {

    public static final ConfigKey NIGHT_START = ConfigKey.of("reports.night.start", "22:00",
            "when the night starts in each person's own time zone (HH:mm): a page sent to them from then on counts as a"
                    + " page at night");
    public static final ConfigKey NIGHT_END = ConfigKey.of("reports.night.end", "07:00",
            "when the night ends in each person's own time zone (HH:mm)");

    /** Every setting reports reads beyond the platform's. */
    public static final List<ConfigKey> KEYS = List.of(NIGHT_START, NIGHT_END);

    public static ReportsConfig from(PagerConfig config) {
        return new ReportsConfig(new NightHours(time(config, NIGHT_START), time(config, NIGHT_END)));
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
