package io.sentinelpager.platform.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sentinelpager.platform.config.ConfigException;
import io.sentinelpager.platform.config.PagerConfig;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The rules for a push endpoint, given the allowed host patterns and the addresses its host resolved to. */
class PushEndpointsTest {

    static final PushEndpoints DEFAULTS = PushEndpoints.from(PagerConfig.empty());
    static final InetAddress PUBLIC = address("142.250.185.106");

    @ParameterizedTest
    @ValueSource(strings = {"https://fcm.googleapis.com/fcm/send/abc", "https://updates.push.services.mozilla.com/wpush/v2/x",
            "https://push.services.mozilla.com/x", "https://web.push.apple.com/QGx", "https://api.push.apple.com/x",
            "https://db5p.notify.windows.com/w/?token=x", "https://FCM.googleapis.com./fcm/send/abc",
            "https://fcm.googleapis.com:443/fcm/send/abc"})
    void theBrowsersPushServicesAreAllowedByDefault(String endpoint) {
        URI uri = URI.create(endpoint);
        assertThatCode(() -> {
            DEFAULTS.checkUrl(uri);
            DEFAULTS.checkAddresses(uri, List.of(PUBLIC));
        }).doesNotThrowAnyException();
    }

    @ParameterizedTest
    @ValueSource(strings = {"https://127.0.0.1/x", "https://10.0.0.5/x", "https://metadata.google.internal/x",
            "https://fcm.googleapis.com.evil.example/x", "https://evilfcm.googleapis.com.example/x",
            "https://notify.windows.com/x", "https://evil.example/fcm.googleapis.com", "https://[::1]/x",
            "https://push.apple.com.attacker.example/x"})
    void aHostNotOnTheListIsRefusedAndNamed(String endpoint) {
        URI uri = URI.create(endpoint);
        assertThatThrownBy(() -> DEFAULTS.checkUrl(uri)).isInstanceOf(PushEndpoints.Refused.class)
                .hasMessageContaining("'" + uri.getHost().toLowerCase() + "' is not one of the allowed push services")
                .hasMessageContaining("push.hosts");
    }

    @Test
    void plainHttpAnotherPortOrAUserPartIsRefusedEvenForAnAllowedHost() {
        assertThatThrownBy(() -> DEFAULTS.checkUrl(URI.create("http://fcm.googleapis.com/fcm/send/a")))
                .hasMessageContaining("https");
        assertThatThrownBy(() -> DEFAULTS.checkUrl(URI.create("https://fcm.googleapis.com:22/fcm/send/a")))
                .hasMessageContaining("port 443, not 22");
        assertThatThrownBy(() -> DEFAULTS.checkUrl(URI.create("https://me@fcm.googleapis.com/fcm/send/a")))
                .hasMessageContaining("user name");
    }

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1=loopback", "127.5.6.7=loopback", "::1=loopback", "10.1.2.3=private",
            "172.16.0.1=private", "192.168.1.1=private", "100.64.0.1=private", "fd00::1=private",
            "169.254.169.254=link-local", "fe80::1=link-local", "224.0.0.1=multicast", "ff02::1=multicast",
            "0.0.0.0=unspecified", "::=unspecified", "::ffff:127.0.0.1=loopback"})
    void anAllowedHostThatResolvesToANonPublicAddressIsRefused(String addressAndKind) {
        String[] parts = addressAndKind.split("=");
        URI uri = URI.create("https://fcm.googleapis.com/fcm/send/a");
        assertThatThrownBy(() -> DEFAULTS.checkAddresses(uri, List.of(PUBLIC, address(parts[0]))))
                .isInstanceOf(PushEndpoints.Refused.class)
                .hasMessageContaining("'fcm.googleapis.com' resolves to").hasMessageEndingWith("a " + parts[1]
                        + " address");
    }

    @Test
    void theLocalOriginIsExemptOnlyOnItsExactSchemeHostAndPortAndOnlyWhenItsHostIsListed() throws Exception {
        PushEndpoints tests = PushEndpoints.from(PagerConfig.empty().with(Map.of(
                PushEndpoints.HOSTS.name(), "127.0.0.1", PushEndpoints.LOCAL_ORIGIN.name(), "http://127.0.0.1:4567")));
        URI emulator = URI.create("http://127.0.0.1:4567/push/abc");
        tests.checkUrl(emulator);
        tests.checkAddresses(emulator, List.of(address("127.0.0.1")));

        URI defaultPort = URI.create("https://127.0.0.1/push/abc");
        tests.checkUrl(defaultPort);
        assertThatThrownBy(() -> tests.checkAddresses(defaultPort, List.of(address("127.0.0.1"))))
                .hasMessageContaining("loopback");
        assertThatThrownBy(() -> tests.checkUrl(URI.create("https://127.0.0.1:4568/push/abc")))
                .hasMessageContaining("port 443, not 4568");
        assertThatThrownBy(() -> tests.checkUrl(URI.create("http://127.0.0.1:4568/push/abc")))
                .hasMessageContaining("https");

        PushEndpoints unlisted = new PushEndpoints(List.of("fcm.googleapis.com"),
                Optional.of(URI.create("http://127.0.0.1:4567")), 10);
        assertThatThrownBy(() -> unlisted.checkUrl(emulator)).hasMessageContaining("not one of the allowed");
    }

    @Test
    void malformedSettingsStopStartUpNamingTheKey() {
        assertThatThrownBy(() -> PushEndpoints.from(PagerConfig.empty().with(PushEndpoints.HOSTS.name(),
                "https://fcm.googleapis.com"))).isInstanceOf(ConfigException.class).hasMessageContaining("push.hosts");
        assertThatThrownBy(() -> PushEndpoints.from(PagerConfig.empty().with(PushEndpoints.HOSTS.name(), "*com")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("push.hosts");
        assertThatThrownBy(() -> PushEndpoints.from(PagerConfig.empty().with(PushEndpoints.LOCAL_ORIGIN.name(),
                "http://127.0.0.1"))).isInstanceOf(ConfigException.class)
                .hasMessageContaining("push.unsafe.local.origin");
        assertThatThrownBy(() -> PushEndpoints.from(PagerConfig.empty().with(PushEndpoints.MAX_PER_USER.name(), "0")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("push.subscriptions.max");
        assertThat(DEFAULTS.maxPerUser()).isEqualTo(10);
    }

    private static InetAddress address(String literal) {
        try {
            return InetAddress.getByName(literal); // a literal: no DNS lookup
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
