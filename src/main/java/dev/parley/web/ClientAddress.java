package dev.parley.web;

import dev.parley.config.ParleyConfig;
import io.netty.handler.ipfilter.IpFilterRuleType;
import io.netty.handler.ipfilter.IpSubnetFilterRule;
import io.netty.util.NetUtil;
import io.quarkus.runtime.Startup;
import io.quarkus.runtime.configuration.ConfigurationException;
import io.vertx.core.http.HttpServerRequest;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The address a request came from, for throttles (SPEC §1): the TCP peer, unless the peer is one of
 * {@code TRUSTED_PROXIES}; then {@code X-Forwarded-For} is read from its right end (the hop the nearest proxy saw)
 * leftwards, past every trusted proxy, to the first address no trusted proxy stands for. Anything a client writes
 * into the header itself lies further left and is never reached while a trusted proxy appended the real hop.
 */
@Startup
@Singleton
public class ClientAddress {
    private final List<IpSubnetFilterRule> trusted;

    @Inject
    ClientAddress(ParleyConfig config) {
        this(config.trustedProxies().orElse(List.of()));
    }

    ClientAddress(List<String> trustedProxies) {
        List<IpSubnetFilterRule> rules = new ArrayList<>();
        for (String entry : trustedProxies) {
            if (!entry.isBlank()) {
                rules.add(rule(entry.trim()));
            }
        }
        this.trusted = List.copyOf(rules);
    }

    /** An address or a CIDR block ({@code 10.0.0.0/8}, {@code fd00::/8}); anything else stops the start (one line). */
    private static IpSubnetFilterRule rule(String entry) {
        int slash = entry.indexOf('/');
        String ip = slash < 0 ? entry : entry.substring(0, slash);
        InetAddress address = NetUtil.createInetAddressFromIpAddressString(ip);
        if (address == null) {
            throw new ConfigurationException("Parley cannot start: TRUSTED_PROXIES holds " + entry + ", not an IP address or CIDR block");
        }
        int bits = address instanceof Inet6Address ? 128 : 32;
        int prefix;
        try {
            prefix = slash < 0 ? bits : Integer.parseInt(entry.substring(slash + 1));
        } catch (NumberFormatException e) {
            prefix = -1;
        }
        if (prefix < 0 || prefix > bits) {
            throw new ConfigurationException("Parley cannot start: TRUSTED_PROXIES holds " + entry + ", whose prefix length is not 0-" + bits);
        }
        return new IpSubnetFilterRule(address, prefix, IpFilterRuleType.ACCEPT);
    }

    /** The client's address as text. */
    public String of(HttpServerRequest request) {
        String peer = request.remoteAddress() == null ? "unknown" : request.remoteAddress().hostAddress();
        return resolve(peer, request.headers().getAll("X-Forwarded-For"));
    }

    /** The client's address given the TCP peer and the {@code X-Forwarded-For} header lines, in order. */
    String resolve(String peer, List<String> forwardedFor) {
        InetAddress hop = NetUtil.createInetAddressFromIpAddressString(peer);
        if (hop == null || !isTrusted(hop) || forwardedFor.isEmpty()) {
            return peer;
        }
        List<String> hops = forwardedFor.stream().flatMap(line -> Arrays.stream(line.split(","))).map(String::trim)
                .filter(s -> !s.isEmpty()).toList();
        String client = peer;
        for (int i = hops.size() - 1; i >= 0; i--) {
            InetAddress address = NetUtil.createInetAddressFromIpAddressString(hops.get(i));
            if (address == null) {
                // not an address (a name, "unknown", garbage): what the last trusted hop saw is all we know
                return client;
            }
            client = address.getHostAddress();
            if (!isTrusted(address)) {
                return client;
            }
        }
        return client;
    }

    private boolean isTrusted(InetAddress address) {
        InetSocketAddress socket = new InetSocketAddress(address, 0);
        for (IpSubnetFilterRule rule : trusted) {
            if (rule.matches(socket)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The network an address stands for in a per-address throttle: an IPv4 address itself, an IPv6 address's /64
     * (one subscriber usually holds a whole /64, so counting single IPv6 addresses would count nothing).
     */
    public static String network(String address) {
        InetAddress parsed = NetUtil.createInetAddressFromIpAddressString(address);
        if (!(parsed instanceof Inet6Address)) {
            return address;
        }
        byte[] bytes = parsed.getAddress();
        Arrays.fill(bytes, 8, 16, (byte) 0);
        return NetUtil.bytesToIpAddress(bytes) + "/64";
    }
}
