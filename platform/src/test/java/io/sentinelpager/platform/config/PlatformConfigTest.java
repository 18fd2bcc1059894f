package io.sentinelpager.platform.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The settings every service shares, refused with the setting and the value when they cannot work. */
class PlatformConfigTest {

    @Test
    void anInstanceIdKafkaCannotTakeIsRefusedNamingTheSetting() {
        assertThatThrownBy(() -> PlatformConfig.from(PagerConfig.empty().with("instance.id", "soc pager/1")))
                .isInstanceOf(ConfigException.class)
                .hasMessage("setting instance.id must be 1-100 letters, digits, '.', '_' or '-', was 'soc pager/1'");
        assertThat(PlatformConfig.from(PagerConfig.empty().with("instance.id", "pager-2.eu_west")).instanceId())
                .isEqualTo("pager-2.eu_west");
        assertThat(PlatformConfig.from(PagerConfig.empty()).instanceId())
                .as("unset: no static membership for a service run alone").isEmpty();
    }

    @Test
    void alertPartitionsBelowOneAreRefused() {
        assertThatThrownBy(() -> PlatformConfig.from(PagerConfig.empty().with("topics.alert.partitions", "0")))
                .isInstanceOf(ConfigException.class)
                .hasMessage("setting topics.alert.partitions must be at least 1, was 0");
        assertThat(PlatformConfig.from(PagerConfig.empty().with("topics.alert.partitions", "6")).topics())
                .filteredOn(topic -> topic.name().equals("alert.state")).singleElement()
                .satisfies(topic -> assertThat(topic.partitions()).isEqualTo(6));
    }
}
