package io.natrix.nex.artifact;

import java.util.Optional;

/**
 * Tells the OS and CPU a program was built for from its header, in Go's spelling, for bundles: ELF (taken as
 * {@code linux}; the machine field gives {@code amd64}, {@code arm64}, {@code 386}, {@code arm}) and 64-bit
 * Mach-O ({@code darwin}; {@code amd64} or {@code arm64}). Anything else is unknown: the caller names the platform.
 */
public final class BinaryPlatform {

    private BinaryPlatform() {
    }

    /** {@code "os/arch"} for a program that starts with {@code head} (at least 20 bytes), if known. */
    public static Optional<String> sniff(byte[] head) {
        if (head.length >= 20 && (head[0] & 0xff) == 0x7f && head[1] == 'E' && head[2] == 'L' && head[3] == 'F') {
            boolean little = head[5] == 1;
            int machine = little ? (head[18] & 0xff) | (head[19] & 0xff) << 8 : (head[18] & 0xff) << 8 | (head[19] & 0xff);
            String arch = switch (machine) {
                case 0x3e -> "amd64";
                case 0xb7 -> "arm64";
                case 0x03 -> "386";
                case 0x28 -> "arm";
                default -> null;
            };
            return Optional.ofNullable(arch).map(a -> "linux/" + a);
        }
        if (head.length >= 8 && (head[0] & 0xff) == 0xcf && (head[1] & 0xff) == 0xfa && (head[2] & 0xff) == 0xed
                && (head[3] & 0xff) == 0xfe) {
            int cpu = (head[4] & 0xff) | (head[5] & 0xff) << 8 | (head[6] & 0xff) << 16 | (head[7] & 0xff) << 24;
            String arch = switch (cpu) {
                case 0x01000007 -> "amd64";
                case 0x0100000c -> "arm64";
                default -> null;
            };
            return Optional.ofNullable(arch).map(a -> "darwin/" + a);
        }
        return Optional.empty();
    }
}
