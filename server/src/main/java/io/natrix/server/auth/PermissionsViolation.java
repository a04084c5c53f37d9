package io.natrix.server.auth;

import java.nio.charset.StandardCharsets;

/**
 * The texts a client receives as {@code -ERR '<text>'} when a permission check fails, word for word as nats-server
 * sends them (checked against nats-server 2.9.10):
 * <pre>
 *   Permissions Violation for Publish to "&lt;subject&gt;"
 *   Permissions Violation for Subscription to "&lt;subject&gt;"
 *   Permissions Violation for Subscription to "&lt;subject&gt;" using queue "&lt;queue&gt;"
 *   Permissions Violation for Publish with Reply of "&lt;reply&gt;"
 * </pre>
 * nats-server formats the names with Go's {@code %q}, so they are quoted and escaped as Go's
 * {@code strconv.Quote} does: {@code "} and {@code \} get a backslash, printable characters (ASCII and Unicode
 * letters, marks, numbers, punctuation, symbols and the ASCII space) stay as they are, {@code \a \b \f \n \r \t \v}
 * use their short escapes, other characters below U+0020 and DEL become {@code \xNN}, other non-printable ones
 * a backslash, 'u' and four hex digits (or 'U' and eight above U+FFFF), and each byte of malformed UTF-8 becomes
 * {@code \xNN}. Whether a character is printable comes from the JDK's Unicode tables, which may know a few more
 * recent characters than the Go that built a given nats-server.
 *
 * <p>Stateless and thread-safe. The connection layer sends these; nothing here writes to a connection.
 */
public final class PermissionsViolation {
    private static final char[] LOWER_HEX = "0123456789abcdef".toCharArray();

    private PermissionsViolation() {
    }

    /** The error for a publish the user may not make. */
    public static String publish(String subject) {
        return "Permissions Violation for Publish to " + quote(subject);
    }

    /** {@link #publish(String)} for a subject given as the bytes it arrived as, escaped byte for byte. */
    public static String publish(byte[] subject, int offset, int length) {
        return "Permissions Violation for Publish to " + quote(subject, offset, length);
    }

    /** The error for a subscription the user may not make; {@code queue} is null for a plain subscription. */
    public static String subscribe(String subject, String queue) {
        String text = "Permissions Violation for Subscription to " + quote(subject);
        return queue == null ? text : text + " using queue " + quote(queue);
    }

    /** The error for a publish whose reply subject is reserved for the server's own use. */
    public static String publishWithReply(String reply) {
        return "Permissions Violation for Publish with Reply of " + quote(reply);
    }

    /** Go's {@code strconv.Quote} of the string's UTF-8 bytes, as nats-server's {@code %q} formats names. */
    public static String quote(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        return quote(bytes, 0, bytes.length);
    }

    /** Go's {@code strconv.Quote} of a byte range, decoding UTF-8 as Go does (malformed bytes one at a time). */
    static String quote(byte[] bytes, int offset, int length) {
        StringBuilder out = new StringBuilder(length + 2);
        out.append('"');
        int end = offset + length;
        int i = offset;
        while (i < end) {
            int b = bytes[i] & 0xFF;
            if (b < 0x80) {
                appendRune(out, b);
                i++;
                continue;
            }
            int width = utf8Width(bytes, i, end);
            if (width == 0) {
                appendHexByte(out, b);
                i++;
                continue;
            }
            appendRune(out, decode(bytes, i, width));
            i += width;
        }
        return out.append('"').toString();
    }

    private static void appendRune(StringBuilder out, int rune) {
        if (rune == '"' || rune == '\\') {
            out.append('\\').appendCodePoint(rune);
            return;
        }
        if (isPrint(rune)) {
            out.appendCodePoint(rune);
            return;
        }
        switch (rune) {
            case 0x07 -> out.append("\\a");
            case '\b' -> out.append("\\b");
            case '\f' -> out.append("\\f");
            case '\n' -> out.append("\\n");
            case '\r' -> out.append("\\r");
            case '\t' -> out.append("\\t");
            case 0x0B -> out.append("\\v");
            default -> {
                if (rune < ' ' || rune == 0x7F) {
                    appendHexByte(out, rune);
                } else if (rune < 0x10000) {
                    out.append("\\u");
                    appendHex(out, rune, 4);
                } else {
                    out.append("\\U");
                    appendHex(out, rune, 8);
                }
            }
        }
    }

    private static void appendHexByte(StringBuilder out, int b) {
        out.append("\\x").append(LOWER_HEX[(b >> 4) & 0xF]).append(LOWER_HEX[b & 0xF]);
    }

    private static void appendHex(StringBuilder out, int value, int digits) {
        for (int shift = (digits - 1) * 4; shift >= 0; shift -= 4) {
            out.append(LOWER_HEX[(value >> shift) & 0xF]);
        }
    }

    /**
     * Go's {@code unicode.IsPrint}: graphic characters (letters, marks, numbers, punctuation, symbols) and U+0020,
     * but no other space.
     */
    private static boolean isPrint(int rune) {
        if (rune < 0x80) {
            return rune >= 0x20 && rune < 0x7F;
        }
        return switch (Character.getType(rune)) {
            case Character.UPPERCASE_LETTER, Character.LOWERCASE_LETTER, Character.TITLECASE_LETTER,
                 Character.MODIFIER_LETTER, Character.OTHER_LETTER, Character.NON_SPACING_MARK,
                 Character.ENCLOSING_MARK, Character.COMBINING_SPACING_MARK, Character.DECIMAL_DIGIT_NUMBER,
                 Character.LETTER_NUMBER, Character.OTHER_NUMBER, Character.CONNECTOR_PUNCTUATION,
                 Character.DASH_PUNCTUATION, Character.START_PUNCTUATION, Character.END_PUNCTUATION,
                 Character.INITIAL_QUOTE_PUNCTUATION, Character.FINAL_QUOTE_PUNCTUATION,
                 Character.OTHER_PUNCTUATION, Character.MATH_SYMBOL, Character.CURRENCY_SYMBOL,
                 Character.MODIFIER_SYMBOL, Character.OTHER_SYMBOL -> true;
            default -> false;
        };
    }

    /**
     * The length of the well-formed UTF-8 sequence starting at {@code i}, or 0 when it is malformed: a stray
     * continuation byte, a truncated sequence, an overlong form, a surrogate or a value above U+10FFFF. These are
     * exactly the sequences Go's decoder refuses.
     */
    private static int utf8Width(byte[] bytes, int i, int end) {
        int b0 = bytes[i] & 0xFF;
        int width;
        int low = 0x80;
        int high = 0xBF;
        if (b0 >= 0xC2 && b0 <= 0xDF) {
            width = 2;
        } else if (b0 >= 0xE0 && b0 <= 0xEF) {
            width = 3;
            if (b0 == 0xE0) {
                low = 0xA0; // shorter forms are overlong
            } else if (b0 == 0xED) {
                high = 0x9F; // U+D800..U+DFFF are surrogates
            }
        } else if (b0 >= 0xF0 && b0 <= 0xF4) {
            width = 4;
            if (b0 == 0xF0) {
                low = 0x90;
            } else if (b0 == 0xF4) {
                high = 0x8F; // above U+10FFFF otherwise
            }
        } else {
            return 0;
        }
        if (i + width > end) {
            return 0;
        }
        int b1 = bytes[i + 1] & 0xFF;
        if (b1 < low || b1 > high) {
            return 0;
        }
        for (int k = 2; k < width; k++) {
            int b = bytes[i + k] & 0xFF;
            if (b < 0x80 || b > 0xBF) {
                return 0;
            }
        }
        return width;
    }

    private static int decode(byte[] bytes, int i, int width) {
        int b0 = bytes[i] & 0xFF;
        int rune = switch (width) {
            case 2 -> b0 & 0x1F;
            case 3 -> b0 & 0x0F;
            default -> b0 & 0x07;
        };
        for (int k = 1; k < width; k++) {
            rune = (rune << 6) | (bytes[i + k] & 0x3F);
        }
        return rune;
    }
}
