package io.sentinelpager.responder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sentinelpager.platform.config.ConfigException;
import java.util.List;
import org.junit.jupiter.api.Test;

class TrustedProxiesTest {

    final TrustedProxies proxies = TrustedProxies.parse("10.0.0.5, 10.1.0.0/16,fd00:0:0:1::/64");

    @Test
    void withoutTrustedProxiesTheHeaderIsTheClientsWord() {
        assertThat(TrustedProxies.parse("").clientAddress("198.51.100.7", List.of("203.0.113.1")))
                .isEqualTo("198.51.100.7");
        assertThat(TrustedProxies.parse("").clientAddress("10.0.0.5", List.of("203.0.113.1"))).isEqualTo("10.0.0.5");
        assertThat(proxies.clientAddress("198.51.100.7", List.of("203.0.113.1")))
                .as("a peer that is not a trusted proxy").isEqualTo("198.51.100.7");
    }

    @Test
    void fromATrustedProxyTheClientIsTheRightmostEntryThatIsNotAProxy() {
        assertThat(proxies.clientAddress("10.0.0.5", List.of("203.0.113.1"))).isEqualTo("203.0.113.1");
        assertThat(proxies.clientAddress("10.0.0.5", List.of("203.0.113.1, 10.1.200.3")))
                .as("through two proxies, the inner one in the /16").isEqualTo("203.0.113.1");
        assertThat(proxies.clientAddress("10.0.0.5", List.of("203.0.113.1", "10.1.200.3")))
                .as("the same, as two headers").isEqualTo("203.0.113.1");
        assertThat(proxies.clientAddress("10.0.0.5", List.of())).as("no header: the proxy itself")
                .isEqualTo("10.0.0.5");
    }

    @Test
    void spoofedEntriesLeftOfTheClientAreIgnored() {
        assertThat(proxies.clientAddress("10.0.0.5", List.of("192.0.2.99, 10.0.0.5, 203.0.113.1")))
                .as("what the client wrote itself, even a trusted proxy's address, is left of what the proxy added")
                .isEqualTo("203.0.113.1");
    }

    @Test
    void cidrRangesMatchIpv4AndIpv6Bitwise() {
        TrustedProxies ranges = TrustedProxies.parse("192.168.4.0/22, 2001:db8:abcd:0012::/63, ::1");
        assertThat(ranges.clientAddress("192.168.7.255", List.of("203.0.113.1"))).isEqualTo("203.0.113.1");
        assertThat(ranges.clientAddress("192.168.8.0", List.of("203.0.113.1"))).as("just past the /22")
                .isEqualTo("192.168.8.0");
        assertThat(ranges.clientAddress("2001:db8:abcd:13::1", List.of("2001:db8::7")))
                .isEqualTo("2001:db8:0:0:0:0:0:7");
        assertThat(ranges.clientAddress("2001:db8:abcd:14::1", List.of("2001:db8::7"))).as("just past the /63")
                .isEqualTo("2001:db8:abcd:14::1");
        assertThat(ranges.clientAddress("[::1]", List.of("203.0.113.1"))).as("a bracketed IPv6 peer")
                .isEqualTo("203.0.113.1");
        assertThat(ranges.clientAddress("0.0.0.1", List.of("203.0.113.1"))).as("IPv4 is never in an IPv6 range")
                .isEqualTo("0.0.0.1");
        assertThat(TrustedProxies.parse("0.0.0.0/0").clientAddress("198.51.100.7", List.of("203.0.113.1")))
                .as("a /0 trusts every IPv4 peer").isEqualTo("203.0.113.1");
    }

    @Test
    void anEntryThatIsNotAnAddressEndsTheWalkAtTheLastTrustedHop() {
        for (String malformed : List.of("unknown", "203.0.113.1:4711", "999.1.1.1", "010.0.0.1", "", "fe80::1%eth0",
                "localhost")) {
            assertThat(proxies.clientAddress("10.0.0.5", List.of("203.0.113.1, " + malformed)))
                    .as("'%s' is neither the client nor a proxy to look past", malformed).isEqualTo("10.0.0.5");
            assertThat(proxies.clientAddress("10.0.0.5", List.of(malformed + ", 10.1.0.9")))
                    .as("'%s' behind an inner proxy", malformed).isEqualTo("10.1.0.9");
        }
    }

    @Test
    void aSettingThatIsNotAnAddressOrRangeIsRefusedNamingIt() {
        for (String bad : List.of("proxy.internal", "10.0.0.0/33", "fd00::/129", "10.0.0.0/", "10.0.0.0/8/8",
                "10.0.0.0/x")) {
            assertThatThrownBy(() -> TrustedProxies.parse("10.0.0.5," + bad)).as(bad)
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining("responder.trusted.proxies").hasMessageContaining("'" + bad + "'");
        }
    }
}
