package io.sentinelpager.reports;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.LocalTime;
import org.junit.jupiter.api.Test;

class NightHoursTest {

    @Test
    void nightIsTheHoursOfThePersonsOwnZoneAndMaySpanMidnight() {
        NightHours night = new NightHours(LocalTime.of(22, 0), LocalTime.of(7, 0));
        Instant utc2130 = Instant.parse("2026-12-06T21:30:00Z");
        assertThat(night.at(utc2130, "Europe/Berlin")).as("22:30 in Berlin").isTrue();
        assertThat(night.at(utc2130, "UTC")).as("21:30 in UTC").isFalse();
        assertThat(night.at(Instant.parse("2026-12-07T06:59:00Z"), "UTC")).isTrue();
        assertThat(night.at(Instant.parse("2026-12-07T07:00:00Z"), "UTC")).isFalse();
        assertThat(night.at(utc2130, "Not/AZone")).as("an unknown zone reads as UTC").isFalse();
        NightHours earlyHours = new NightHours(LocalTime.of(0, 0), LocalTime.of(6, 0));
        assertThat(earlyHours.at(Instant.parse("2026-12-07T05:00:00Z"), "UTC")).isTrue();
        assertThat(earlyHours.at(utc2130, "UTC")).isFalse();
    }
}
