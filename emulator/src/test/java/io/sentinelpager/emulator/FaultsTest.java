package io.sentinelpager.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class FaultsTest {

    /** Real time as the storms see it, advanced by hand. */
    private final AtomicLong nanos = new AtomicLong();
    private final Faults faults = new Faults(nanos::get);

    FaultsTest() {
        faults.register("graph.alerts.list");
        faults.register("token");
    }

    @Test
    void aCountedFaultHitsExactlyTheNextCallsInOrder() {
        faults.inject("graph.alerts.list", Fault.reset());
        faults.inject("graph.alerts.list", Fault.throttle(Duration.ofSeconds(1)).times(2));

        assertThat(faults.next("graph.alerts.list")).contains(Fault.reset());
        assertThat(faults.next("graph.alerts.list")).contains(Fault.throttle(Duration.ofSeconds(1)).times(2));
        assertThat(faults.next("graph.alerts.list")).isPresent();
        assertThat(faults.next("graph.alerts.list")).isEmpty();
        assertThat(faults.next("token")).as("other routes untouched").isEmpty();
    }

    @Test
    void aPercentageHitsAboutThatShareUntilCleared() {
        faults.inject("token", Fault.serverError().percent(30));

        long hits = IntStream.range(0, 1000).filter(i -> faults.next("token").isPresent()).count();
        assertThat(hits).isBetween(250L, 350L);

        faults.clear();
        assertThat(faults.next("token")).isEmpty();
    }

    @Test
    void aStormHitsEveryCallOfEveryRouteUntilItsPeriodEnds() {
        Fault storm = Fault.throttle(Duration.ofSeconds(8)).during(Duration.ofSeconds(30));
        faults.injectEverywhere(storm);

        nanos.addAndGet(Duration.ofSeconds(29).toNanos());
        for (int i = 0; i < 100; i++) {
            assertThat(faults.next("graph.alerts.list")).contains(storm);
        }
        assertThat(faults.next("token")).contains(storm);
        nanos.addAndGet(Duration.ofSeconds(1).toNanos());
        assertThat(faults.next("graph.alerts.list")).isEmpty();
        assertThat(faults.next("token")).isEmpty();
    }

    @Test
    void revokingAndGrantingAPermission() {
        faults.revoke("token");
        assertThat(faults.isRevoked("token")).isTrue();
        faults.grant("token");
        assertThat(faults.isRevoked("token")).isFalse();
    }

    @Test
    void aTypoInARouteNameFailsListingTheRoutes() {
        assertThatThrownBy(() -> faults.inject("graph.alert.list", Fault.reset()))
                .hasMessage("no route 'graph.alert.list'; routes: [graph.alerts.list, token]");
    }

    @Test
    void aFaultIsEitherCountedOrAPercentageOrAStorm() {
        assertThatThrownBy(() -> new Fault(Fault.Kind.RESET, Duration.ZERO, 0, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Fault(Fault.Kind.RESET, Duration.ZERO, 1, 0, Duration.ofSeconds(1)))
                .hasMessageContaining("every call for a period");
        assertThatThrownBy(() -> Fault.throttle(Duration.ofMillis(1500))).hasMessageContaining("whole seconds");
    }
}
