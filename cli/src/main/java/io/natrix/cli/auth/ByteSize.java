package io.natrix.cli.auth;

import io.natrix.cli.CliException;
import java.util.Locale;

/**
 * Byte sizes as natscli's {@code auth} flags take them ({@code --js-disk 1GB}): a plain number, or a number and a
 * unit of B, K/KB/KiB, M/MB/MiB, G/GB/GiB or T/TB/TiB, all powers of 1024; anything negative means unlimited
 * ({@code -1}). Stateless.
 */
final class ByteSize {

    private ByteSize() {
    }

    static long parse(String flag, String text) {
        String s = text.strip();
        if (s.startsWith("-")) {
            return -1;
        }
        int i = 0;
        while (i < s.length() && Character.isDigit(s.charAt(i))) {
            i++;
        }
        if (i == 0) {
            throw invalid(flag, text);
        }
        long number;
        try {
            number = Long.parseLong(s.substring(0, i));
        } catch (NumberFormatException e) {
            throw new CliException("invalid " + flag + " \"" + text + "\": too large");
        }
        int shift = switch (s.substring(i).strip().toUpperCase(Locale.ROOT)) {
            case "", "B" -> 0;
            case "K", "KB", "KIB" -> 10;
            case "M", "MB", "MIB" -> 20;
            case "G", "GB", "GIB" -> 30;
            case "T", "TB", "TIB" -> 40;
            default -> throw invalid(flag, text);
        };
        if (number > Long.MAX_VALUE >> shift) {
            throw new CliException("invalid " + flag + " \"" + text + "\": too large");
        }
        return number << shift;
    }

    private static CliException invalid(String flag, String text) {
        return new CliException("invalid " + flag + " \"" + text + "\": use a number of bytes, e.g. 512MB or 1GB");
    }
}
