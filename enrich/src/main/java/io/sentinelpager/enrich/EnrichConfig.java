package io.sentinelpager.enrich;

import io.sentinelpager.platform.config.ConfigKey;
import io.sentinelpager.platform.config.PagerConfig;

/** Settings of the enrich service. */
public record EnrichConfig(int maxSummaryLength) {

    public static final ConfigKey MAX_SUMMARY_LENGTH = ConfigKey.of("enrich.summary.max.length", "300",
            "longest evidence summary attached to a page, in characters (SMS-sized pages quote it)");

    public static EnrichConfig from(PagerConfig config) {
        return new EnrichConfig(config.integer(MAX_SUMMARY_LENGTH));
    }
}
