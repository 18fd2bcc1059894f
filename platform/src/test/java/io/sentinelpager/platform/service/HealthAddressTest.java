package io.sentinelpager.platform.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.sentinelpager.platform.config.PagerConfig;
import java.io.IOException;
import java.net.ConnectException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Collections;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Health and metrics tell whoever reaches them which services run and how busy they are, so by default they answer
 * on the loopback address only; an operator widens that with health.host for a container or a remote scraper.
 */
class HealthAddressTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path dir;

    @Test
    void healthAnswersOnLoopbackAndNotOnTheHostsOtherAddressesByDefault() throws Exception {
        InetAddress external = nonLoopbackAddress();
        try (ServiceRunner runner = ServiceRunner.start(config(Map.of()), Map.of(), Clock.systemUTC())) {
            assertThat(statusOf("127.0.0.1", runner.healthPort())).isEqualTo(200);
            Throwable refused = catchThrowable(() -> statusOf(external.getHostAddress(), runner.healthPort()));
            assertThat(refused).as("what /health/live on %s answers", external.getHostAddress())
                    .isInstanceOf(ConnectException.class);
        }
    }

    @Test
    void anOperatorOpensHealthToEveryAddressWithHealthHost() throws Exception {
        InetAddress external = nonLoopbackAddress();
        try (ServiceRunner runner = ServiceRunner.start(config(Map.of("health.host", "0.0.0.0")), Map.of(),
                Clock.systemUTC())) {
            assertThat(statusOf(external.getHostAddress(), runner.healthPort())).isEqualTo(200);
        }
    }

    private PagerConfig config(Map<String, String> more) {
        return PagerConfig.empty().with(Map.of("health.port", "0", "topics.provision", "false",
                "state.dir", dir.toString())).with(more);
    }

    private static int statusOf(String host, int port) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://" + host + ":" + port + "/health/live")).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    /** An IPv4 address of this host other than loopback; the test cannot say anything on a host without one. */
    private static InetAddress nonLoopbackAddress() throws IOException {
        for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            if (nic.isUp() && !nic.isLoopback()) {
                for (InetAddress address : Collections.list(nic.getInetAddresses())) {
                    if (address instanceof Inet4Address) {
                        return address;
                    }
                }
            }
        }
        assumeTrue(false, "this host has no IPv4 address besides loopback");
        return null;
    }
}
