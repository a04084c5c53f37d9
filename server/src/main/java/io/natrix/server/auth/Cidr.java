package io.natrix.server.auth;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/**
 * An IP network in CIDR notation, as a user JWT's {@code src} lists them ("192.168.0.0/16", "2001:db8::/32"), parsed
 * the way Go's {@code net.ParseCIDR} accepts them: a literal address (IPv4 dotted quad without leading zeros, or
 * IPv6 without a zone), a slash, and a prefix length within the address size. Parsing never touches DNS.
 *
 * <p>Immutable and thread-safe.
 *
 * @param network      the address with the host bits cleared (4 or 16 bytes)
 * @param prefixLength bits of the network part
 */
public record Cidr(byte[] network, int prefixLength) {

    public Cidr {
        if ((network.length != 4 && network.length != 16) || prefixLength < 0 || prefixLength > network.length * 8) {
            throw new IllegalArgumentException("a network has 4 or 16 bytes and a prefix within them");
        }
        network = network.clone();
    }

    /** The network, or null when {@code text} is not CIDR notation. */
    public static Cidr parse(String text) {
        int slash = text.indexOf('/');
        if (slash < 0 || slash != text.lastIndexOf('/') || text.length() > 64) {
            return null;
        }
        byte[] address = parseAddress(text.substring(0, slash));
        if (address == null) {
            return null;
        }
        String bits = text.substring(slash + 1);
        if (bits.isEmpty() || bits.length() > 3 || (bits.length() > 1 && bits.charAt(0) == '0')) {
            return null;
        }
        int prefixLength = 0;
        for (int i = 0; i < bits.length(); i++) {
            char c = bits.charAt(i);
            if (c < '0' || c > '9') {
                return null;
            }
            prefixLength = prefixLength * 10 + (c - '0');
        }
        if (prefixLength > address.length * 8) {
            return null;
        }
        for (int bit = prefixLength; bit < address.length * 8; bit++) {
            address[bit / 8] &= (byte) ~(0x80 >>> (bit % 8));
        }
        return new Cidr(address, prefixLength);
    }

    /**
     * Whether {@code address} lies in this network. An IPv4 address given in its IPv6-mapped form matches an IPv4
     * network, as in Go.
     */
    public boolean contains(InetAddress address) {
        byte[] bytes = address.getAddress();
        if (bytes.length == 16 && network.length == 4 && isIpv4Mapped(bytes)) {
            bytes = Arrays.copyOfRange(bytes, 12, 16);
        } else if (bytes.length == 4 && network.length == 16 && isIpv4Mapped(network)) {
            byte[] mapped = new byte[16];
            mapped[10] = (byte) 0xFF;
            mapped[11] = (byte) 0xFF;
            System.arraycopy(bytes, 0, mapped, 12, 4);
            bytes = mapped;
        }
        if (bytes.length != network.length) {
            return false;
        }
        for (int bit = 0; bit < prefixLength; bit++) {
            int mask = 0x80 >>> (bit % 8);
            if ((bytes[bit / 8] & mask) != (network[bit / 8] & mask)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Cidr other && prefixLength == other.prefixLength
                && Arrays.equals(network, other.network);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(network) * 31 + prefixLength;
    }

    @Override
    public String toString() {
        try {
            return InetAddress.getByAddress(network).getHostAddress() + "/" + prefixLength;
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public byte[] network() {
        return network.clone();
    }

    private static boolean isIpv4Mapped(byte[] bytes) {
        for (int i = 0; i < 10; i++) {
            if (bytes[i] != 0) {
                return false;
            }
        }
        return bytes[10] == (byte) 0xFF && bytes[11] == (byte) 0xFF;
    }

    private static byte[] parseAddress(String text) {
        if (text.indexOf(':') < 0) {
            return parseIpv4(text);
        }
        // Only hex digits, colons and dots, led by a hex digit or a colon, reach the JDK: it then treats the text as
        // a literal and fails rather than resolving it as a name.
        char first = text.charAt(0);
        if (first != ':' && Character.digit(first, 16) < 0) {
            return null;
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
            if (!hex && c != ':' && c != '.') {
                return null;
            }
        }
        try {
            InetAddress address = InetAddress.getByName(text);
            if (address instanceof Inet6Address) {
                return address.getAddress();
            }
            if (address instanceof Inet4Address) {
                // The JDK folds an IPv4-mapped literal ("::ffff:1.2.3.4") to IPv4; Go keeps 16 bytes.
                byte[] mapped = new byte[16];
                mapped[10] = (byte) 0xFF;
                mapped[11] = (byte) 0xFF;
                System.arraycopy(address.getAddress(), 0, mapped, 12, 4);
                return mapped;
            }
            return null;
        } catch (UnknownHostException e) {
            return null;
        }
    }

    private static byte[] parseIpv4(String text) {
        byte[] out = new byte[4];
        int part = 0;
        int start = 0;
        for (int i = 0; i <= text.length(); i++) {
            if (i == text.length() || text.charAt(i) == '.') {
                int length = i - start;
                if (part >= 4 || length == 0 || length > 3 || (length > 1 && text.charAt(start) == '0')) {
                    return null;
                }
                int value = 0;
                for (int j = start; j < i; j++) {
                    char c = text.charAt(j);
                    if (c < '0' || c > '9') {
                        return null;
                    }
                    value = value * 10 + (c - '0');
                }
                if (value > 255) {
                    return null;
                }
                out[part++] = (byte) value;
                start = i + 1;
            }
        }
        return part == 4 ? out : null;
    }
}
