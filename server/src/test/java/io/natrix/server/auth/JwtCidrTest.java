package io.natrix.server.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** CIDR parsing as Go's net.ParseCIDR accepts it (never a name lookup) and membership of addresses. */
class JwtCidrTest {

    @ParameterizedTest
    @ValueSource(strings = {"10.0.0.0/8", "0.0.0.0/0", "255.255.255.255/32", "192.168.1.77/24", "::/0", "::1/128",
        "2001:db8::/32", "fe80::1:2:3/64", "::ffff:10.1.2.3/120", "2001:DB8::/48"})
    void cidrValidNotationParses(String text) {
        assertThat(Cidr.parse(text)).isNotNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "10.0.0.0", "10.0.0.0/", "10.0.0.0/33", "10.0.0/8", "10.0.0.0.0/8", "010.0.0.0/8",
        "256.0.0.0/8", "10.0.0.0/08", "10.0.0.0/-1", "a.b.c.d/8", "localhost/8", "example.com/24", "::/129",
        "fe80::1%eth0/64", "[::1]/128", ".:1/8", "1::2::3/64", "10.0.0.0/8/8", " 10.0.0.0/8", "10.0.0.0/ 8",
        "\u0661.0.0.0/8"})
    void cidrInvalidNotationIsRefused(String text) {
        assertThat(Cidr.parse(text)).isNull();
    }

    @ParameterizedTest
    @CsvSource({"10.0.0.0/8,10.255.1.2,true", "10.0.0.0/8,11.0.0.1,false", "192.168.1.77/24,192.168.1.1,true",
        "192.168.1.0/24,192.168.2.1,false", "0.0.0.0/0,8.8.8.8,true", "2001:db8::/32,2001:db8:1::5,true",
        "2001:db8::/32,2001:db9::1,false", "10.0.0.0/8,::ffff:10.1.1.1,true", "::1/128,::1,true",
        "::1/128,127.0.0.1,false", "::ffff:10.1.2.0/120,10.1.2.3,true"})
    void cidrContainsAddressesOfItsNetwork(String cidr, String address, boolean expected) throws Exception {
        assertThat(Cidr.parse(cidr).contains(InetAddress.getByName(address))).isEqualTo(expected);
    }
}
