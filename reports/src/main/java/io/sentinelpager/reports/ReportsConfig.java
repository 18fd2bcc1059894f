package io.sentinelpager.reports;

import io.sentinelpager.oncall.NightHours;
import io.sentinelpager.platform.config.ConfigKey;
import io.sentinelpager.platform.config.NightSettings;
import io.sentinelpager.platform.config.PagerConfig;
import java.util.List;

/** Settings of the reports service: which hours of a person's day count as night (shared with the responder). */
public record ReportsConfig(NightHours night) {

    /** Every setting reports reads beyond the platform's. */
    public static final List<ConfigKey> KEYS = NightSettings.KEYS;

    public static ReportsConfig from(PagerConfig config) {
        return new ReportsConfig(new NightHours(NightSettings.start(config), NightSettings.end(config)));
    }
}
