package io.sentinelpager.responder;

import io.sentinelpager.platform.config.ConfigException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The one place that says which address a request comes from. Without trusted proxies it is the connection's address:
 * {@code X-Forwarded-For} is the client's own word. Behind a TLS proxy every connection comes from the proxy, so when
 * the connection's peer is on {@link ResponderConfig#TRUSTED_PROXIES} the client is the rightmost
 * {@code X-Forwarded-For} entry that is not a trusted proxy: each proxy appends the address it was reached from, so
 * entries to the left of that one were written by the client and are ignored, whatever they claim.
 *
 * <p>An entry that is not an IP address (a port, a name, "unknown") is never a trusted proxy, and ends the walk: the
 * client is then the last hop we could trust to have written it, so that garbage never becomes an address of its own.
 */
public final class TrustedProxies {

    /**
     * A dotted quad of 0-255 without leading zeros, or text of IPv6 characters that starts like one and has a colon:
     * the only strings handed to {@link InetAddress#getByName}, which parses these without asking DNS (it would look
     * up anything else as a host name).
     */
    private static final String OCTET = "(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)";
    private static final Pattern IPV4 = Pattern.compile(OCTET + "(\\." + OCTET + "){3}");
    private static final Pattern IPV6 = Pattern.compile("(?=.*:)[0-9A-Fa-f:][0-9A-Fa-f:.]*");

    private record Network(byte[] prefix, int bits) {
        boolean contains(InetAddress address) {
            byte[] bytes = address.getAddress();
            if (bytes.length != prefix.length) {
                return false;
            }
            for (int i = 0; i < bits; i++) {
                int mask = 0x80 >>> (i % 8);
                if ((bytes[i / 8] & mask) != (prefix[i / 8] & mask)) {
                    return false;
                }
            }
            return true;
        }
    }

    private final List<Network> networks;

    private TrustedProxies(List<Network> networks) {
        this.networks = networks;
    }

    /**
     * @param setting comma-separated IP addresses and CIDR ranges (e.g. {@code 10.0.0.5, 10.1.0.0/16, fd00::/8})
     * @throws ConfigException naming the setting and the entry when one is not an address or range
     */
    public static TrustedProxies parse(String setting) {
        List<Network> networks = new ArrayList<>();
        for (String entry : Arrays.stream(setting.split(",")).map(String::strip).filter(e -> !e.isEmpty()).toList()) {
            String[] parts = entry.split("/", -1);
            Optional<InetAddress> address = parts.length > 2 ? Optional.empty() : address(parts[0]);
            int max = address.map(a -> a.getAddress().length * 8).orElse(0);
            int bits = max;
            if (address.isPresent() && parts.length == 2) {
                bits = parts[1].matches("\\d{1,3}") ? Integer.parseInt(parts[1]) : -1;
            }
            if (address.isEmpty() || bits < 0 || bits > max) {
                throw new ConfigException("setting " + ResponderConfig.TRUSTED_PROXIES.name() + ": '" + entry
                        + "' is not an IP address or CIDR range (e.g. 10.0.0.5, 10.1.0.0/16, fd00::/8)");
            }
            networks.add(new Network(address.get().getAddress(), bits));
        }
        return new TrustedProxies(List.copyOf(networks));
    }

    /**
     * The client's address.
     *
     * @param peer         the connection's remote address, as the server reports it
     * @param forwardedFor every {@code X-Forwarded-For} header of the request, in order (none is fine)
     */
    public String clientAddress(String peer, List<String> forwardedFor) {
        Optional<InetAddress> hop = address(peer);
        if (hop.isEmpty() || !trusted(hop.get())) {
            return peer;
        }
        List<String> entries = forwardedFor.stream().flatMap(h -> Arrays.stream(h.split(","))).map(String::strip)
                .toList();
        InetAddress client = hop.get();
        for (int i = entries.size() - 1; i >= 0 && trusted(client); i--) {
            Optional<InetAddress> next = address(entries.get(i));
            if (next.isEmpty()) {
                break;
            }
            client = next.get();
        }
        return client.getHostAddress();
    }

    private boolean trusted(InetAddress address) {
        return networks.stream().anyMatch(n -> n.contains(address));
    }

    /** The address in an IP literal (IPv6 with or without brackets); empty for anything else, without asking DNS. */
    private static Optional<InetAddress> address(String text) {
        String literal = text.startsWith("[") && text.endsWith("]") ? text.substring(1, text.length() - 1) : text;
        if (!IPV4.matcher(literal).matches() && !IPV6.matcher(literal).matches()) {
            return Optional.empty();
        }
        try {
            return Optional.of(InetAddress.getByName(literal));
        } catch (UnknownHostException notAnAddress) {
            return Optional.empty();
        }
    }
}
