package io.sentinelpager.platform.security;

import io.sentinelpager.platform.config.ConfigException;
import io.sentinelpager.platform.config.ConfigKey;
import io.sentinelpager.platform.config.PagerConfig;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.slf4j.LoggerFactory;

/**
 * Which push endpoints a phone may give us. A subscription's endpoint is a URL the person chose, and notify POSTs to
 * it: without this check anyone with an account could make notify call any address it can reach (server-side request
 * forgery). So an endpoint must be https on the default port of a host on {@link #HOSTS} (the browsers' push
 * services), and every address its host resolves to must be public. The responder checks when a phone subscribes,
 * notify again right before each push, since DNS answers change. Both services read the same settings, which is why
 * the check lives here.
 *
 * <p>Tests run a push service on loopback; {@link #LOCAL_ORIGIN} exempts exactly one origin, which must also be on
 * the host list, from the https, port and address rules. It has no default, so no ordinary setting opens the door.
 */
public final class PushEndpoints {

    public static final ConfigKey HOSTS = ConfigKey.of("push.hosts",
            "fcm.googleapis.com,updates.push.services.mozilla.com,push.services.mozilla.com,web.push.apple.com,"
                    + "*.push.apple.com,*.notify.windows.com",
            "hosts of the push services phones may subscribe with, comma-separated; *.example.com matches any host"
                    + " under example.com. The default: Google FCM (Chrome, Edge on Android), Mozilla autopush"
                    + " (Firefox), Apple (Safari), Microsoft WNS. A host whose address is private, loopback or"
                    + " link-local is refused all the same");
    public static final ConfigKey LOCAL_ORIGIN = ConfigKey.of("push.unsafe.local.origin", null,
            "FOR TESTS ONLY: one origin (scheme://address:port) of a push service on a private or loopback address,"
                    + " e.g. a local emulator, that is exempt from the https and address rules; its host must"
                    + " also be in push.hosts. Unset in production");
    public static final ConfigKey MAX_PER_USER = ConfigKey.of("push.subscriptions.max", "10",
            "push subscriptions (phones, browsers) one person may have; the responder refuses one more, and notify"
                    + " pushes a page to the newest this many");

    /** Why an endpoint is not one notify may push to; the message names the host, never the whole URL. */
    public static final class Refused extends Exception {
        Refused(String message) {
            super(message);
        }
    }

    private final List<String> hostPatterns;
    private final Optional<URI> localOrigin;
    private final int maxPerUser;

    public PushEndpoints(List<String> hostPatterns, Optional<URI> localOrigin, int maxPerUser) {
        this.hostPatterns = hostPatterns.stream().map(PushEndpoints::normalize).toList();
        this.localOrigin = localOrigin;
        this.maxPerUser = maxPerUser;
    }

    /** @throws ConfigException naming the key when a setting is malformed */
    public static PushEndpoints from(PagerConfig config) {
        List<String> hosts = Arrays.stream(config.string(HOSTS).split(",")).map(String::strip)
                .filter(h -> !h.isEmpty()).toList();
        for (String host : hosts) {
            if (host.contains("/") || host.contains(":") || host.indexOf('*', 1) >= 0
                    || (host.startsWith("*") && !host.startsWith("*."))) {
                throw new ConfigException("setting " + HOSTS.name() + ": '" + host + "' is not a host name or"
                        + " *.domain pattern");
            }
        }
        Optional<URI> origin = config.optional(LOCAL_ORIGIN).map(PushEndpoints::origin);
        origin.ifPresent(o -> LoggerFactory.getLogger(PushEndpoints.class).warn("{} is set: push endpoints at {}"
                + " may be on a private or loopback address; this is for tests only", LOCAL_ORIGIN.name(), o));
        int max = config.integer(MAX_PER_USER);
        if (max < 1) {
            throw new ConfigException("setting " + MAX_PER_USER.name() + " must be 1 or more, was " + max);
        }
        return new PushEndpoints(hosts, origin, max);
    }

    public int maxPerUser() {
        return maxPerUser;
    }

    /**
     * Resolves the endpoint's host and checks the URL and every address it resolves to.
     *
     * @throws UnknownHostException when the host does not resolve now, which may pass
     */
    public void check(URI endpoint) throws Refused, UnknownHostException {
        checkUrl(endpoint);
        checkAddresses(endpoint, List.of(InetAddress.getAllByName(endpoint.getHost())));
    }

    /** The rules that need no DNS: https, default port, no user part, a host on the list. */
    public void checkUrl(URI endpoint) throws Refused {
        String host = endpoint.getHost();
        if (host == null || !endpoint.isAbsolute()) {
            throw new Refused("the endpoint must be the https URL of a push service");
        }
        if (endpoint.getRawUserInfo() != null) {
            throw new Refused("the endpoint must not carry a user name or password");
        }
        String name = normalize(host);
        if (hostPatterns.stream().noneMatch(pattern -> matches(pattern, name))) {
            throw new Refused("push service host '" + name + "' is not one of the allowed push services ("
                    + HOSTS.name() + ": " + String.join(", ", hostPatterns) + ")");
        }
        if (isLocalOrigin(endpoint)) {
            return;
        }
        if (!"https".equalsIgnoreCase(endpoint.getScheme())) {
            throw new Refused("the endpoint must be the https URL of a push service");
        }
        if (endpoint.getPort() != -1 && endpoint.getPort() != 443) {
            throw new Refused("push service host '" + name + "' must be reached on port 443, not "
                    + endpoint.getPort());
        }
    }

    /** Every address the host resolved to must be public: a name that resolves to ours is as bad as our address. */
    public void checkAddresses(URI endpoint, List<InetAddress> addresses) throws Refused {
        if (isLocalOrigin(endpoint)) {
            return;
        }
        for (InetAddress address : addresses) {
            Optional<String> kind = nonPublic(address);
            if (kind.isPresent()) {
                throw new Refused("push service host '" + normalize(endpoint.getHost()) + "' resolves to "
                        + address.getHostAddress() + ", a " + kind.get() + " address");
            }
        }
    }

    /** @return what kind of address it is when it is not a public unicast one */
    static Optional<String> nonPublic(InetAddress address) {
        if (address.isAnyLocalAddress()) {
            return Optional.of("unspecified");
        }
        if (address.isLoopbackAddress()) {
            return Optional.of("loopback");
        }
        if (address.isLinkLocalAddress()) {
            return Optional.of("link-local");
        }
        if (address.isMulticastAddress()) {
            return Optional.of("multicast");
        }
        if (address.isSiteLocalAddress()) {
            return Optional.of("private");
        }
        byte[] b = address.getAddress();
        if (address instanceof Inet4Address) {
            int first = b[0] & 0xff;
            int second = b[1] & 0xff;
            if (first == 0 || (first == 255 && second == 255)) {
                return Optional.of("unspecified");
            }
            if (first == 100 && second >= 64 && second < 128) {
                return Optional.of("private"); // carrier-grade NAT, 100.64.0.0/10
            }
        }
        if (address instanceof Inet6Address && (b[0] & 0xfe) == 0xfc) {
            return Optional.of("private"); // unique local, fc00::/7
        }
        return Optional.empty();
    }

    private boolean isLocalOrigin(URI endpoint) {
        return localOrigin.filter(o -> o.getScheme().equalsIgnoreCase(endpoint.getScheme())
                && normalize(o.getHost()).equals(normalize(endpoint.getHost()))
                && o.getPort() == endpoint.getPort()).isPresent();
    }

    private static boolean matches(String pattern, String host) {
        return pattern.startsWith("*.") ? host.endsWith(pattern.substring(1)) : pattern.equals(host);
    }

    /** Host names compare without case and without the root's trailing dot, which resolves alike. */
    private static String normalize(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        return h.endsWith(".") ? h.substring(0, h.length() - 1) : h;
    }

    private static URI origin(String text) {
        URI uri;
        try {
            uri = URI.create(text.strip());
        } catch (IllegalArgumentException e) {
            throw new ConfigException("setting " + LOCAL_ORIGIN.name() + " is not a URL: '" + text + "'");
        }
        if (uri.getHost() == null || uri.getPort() == -1 || !(uri.getPath() == null || uri.getPath().isEmpty())) {
            throw new ConfigException("setting " + LOCAL_ORIGIN.name() + " must be scheme://address:port with no"
                    + " path, was '" + text + "'");
        }
        return uri;
    }
}
