package dev.parley.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** SPEC §1: the client address is the TCP peer unless the peer is a trusted proxy. */
class ClientAddressTest {
    private final ClientAddress behindProxies = new ClientAddress(List.of("10.0.0.1", "192.168.0.0/16", "fd00::/8"));

    @Test
    void withoutTrustedProxiesTheHeaderIsIgnored() {
        ClientAddress direct = new ClientAddress(List.of());
        assertThat(direct.resolve("203.0.113.7", List.of("198.51.100.1"))).isEqualTo("203.0.113.7");
    }

    @Test
    void aPeerThatIsNoTrustedProxyCannotChooseItsAddress() {
        assertThat(behindProxies.resolve("203.0.113.7", List.of("198.51.100.1"))).isEqualTo("203.0.113.7");
    }

    @Test
    void fromATrustedProxyTheLastUntrustedHopIsTheClient() {
        // the client wrote 1.2.3.4 itself; the outer proxy saw 198.51.100.9; an inner trusted proxy forwarded it
        assertThat(behindProxies.resolve("10.0.0.1", List.of("1.2.3.4, 198.51.100.9, 192.168.4.4")))
                .isEqualTo("198.51.100.9");
        assertThat(behindProxies.resolve("10.0.0.1", List.of("1.2.3.4", "198.51.100.9"))).isEqualTo("198.51.100.9");
        assertThat(behindProxies.resolve("fd12::1", List.of("2001:db8::5"))).isEqualTo("2001:db8:0:0:0:0:0:5");
    }

    @Test
    void garbageInTheHeaderFallsBackToTheLastAddressATrustedHopVouchedFor() {
        assertThat(behindProxies.resolve("10.0.0.1", List.of("evil.example, 192.168.1.1"))).isEqualTo("192.168.1.1");
        assertThat(behindProxies.resolve("10.0.0.1", List.of("unknown"))).isEqualTo("10.0.0.1");
        assertThat(behindProxies.resolve("10.0.0.1", List.of())).isEqualTo("10.0.0.1");
    }

    @Test
    void anIpv6AddressCountsByItsSlash64AndIpv4ByItself() {
        assertThat(ClientAddress.network("2001:db8:1:2:aaaa::1")).isEqualTo(ClientAddress.network("2001:db8:1:2:bbbb::9"));
        assertThat(ClientAddress.network("2001:db8:1:2::1")).isNotEqualTo(ClientAddress.network("2001:db8:1:3::1"));
        assertThat(ClientAddress.network("203.0.113.7")).isEqualTo("203.0.113.7");
    }

    @Test
    void aTrustedProxyEntryThatIsNoAddressStopsTheStart() {
        assertThatThrownBy(() -> new ClientAddress(List.of("proxy.internal"))).hasMessageContaining("TRUSTED_PROXIES");
        assertThatThrownBy(() -> new ClientAddress(List.of("10.0.0.0/33"))).hasMessageContaining("TRUSTED_PROXIES");
        assertThatThrownBy(() -> new ClientAddress(List.of("10.0.0.0/x"))).hasMessageContaining("TRUSTED_PROXIES");
    }
}
