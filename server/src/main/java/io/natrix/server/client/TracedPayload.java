package io.natrix.server.client;

import io.netty.buffer.ByteBuf;

/**
 * The message bodies that -V/trace writes into the log, as nats-server writes them: after each PUB/HPUB line
 * ({@code <<-}) and each MSG/HMSG line ({@code ->>}), the whole body (headers included, as the subscriber gets
 * it) quoted the way Go's {@code %q} quotes, cut at {@code max_traced_msg_len} bytes with {@code ...} after the
 * cut:
 *
 * <pre>
 * [TRC] 127.0.0.1:51948 - cid:4 - &lt;&lt;- MSG_PAYLOAD: ["hello\x01world"]
 * [TRC] 127.0.0.1:51948 - cid:4 - &lt;&lt;- MSG_PAYLOAD: ["NATS/1.0\r\n\r\nhi"]
 * [TRC] 127.0.0.1:51948 - cid:4 - -&gt;&gt; MSG_PAYLOAD: ["hell..."]           (max_traced_msg_len: 4)
 * </pre>
 *
 * An empty body writes no line. This is nats-server 2.12's format (server/client.go, traceMsgInternal); earlier
 * releases traced only incoming bodies, wrote {@code [""]} for empty ones, and cut the quoted text rather than the
 * bytes, which can split an escape ({@code "ét\..."} where 2.12 writes {@code "ét\xc3..."}).
 *
 * <p>Quoting: {@code "} and {@code \} are escaped; printable characters (Unicode letters, marks, numbers,
 * punctuation, symbols, and the ASCII space) stay as they are; {@code \a \b \f \n \r \t \v} by name; other control
 * bytes as {@code \xNN}; other unprintable characters as {@code \}{@code uNNNN} or {@code \UNNNNNNNN}; bytes that are
 * not valid UTF-8 as {@code \xNN}.
 *
 * <p>Only called when tracing is on. Stateless and thread-safe.
 */
final class TracedPayload {
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private TracedPayload() {
    }

    /**
     * The text after {@code MSG_PAYLOAD: } for {@code length} bytes at {@code offset}, or null when there is
     * nothing to trace (an empty body).
     *
     * @param maxLength max_traced_msg_len; 0 or less traces the whole body
     */
    static String text(ByteBuf buf, int offset, int length, int maxLength) {
        if (length <= 0) {
            return null;
        }
        boolean cut = maxLength > 0 && length > maxLength;
        int n = cut ? maxLength : length;
        byte[] bytes = new byte[n];
        buf.getBytes(offset, bytes);
        StringBuilder s = new StringBuilder(n + 8).append("[\"");
        quote(bytes, s);
        return s.append(cut ? "...\"]" : "\"]").toString();
    }

    /** Appends {@code bytes} as Go's {@code strconv.Quote} writes them, without the surrounding quotes. */
    static void quote(byte[] bytes, StringBuilder s) {
        int i = 0;
        while (i < bytes.length) {
            int b = bytes[i] & 0xff;
            if (b < 0x80) {
                escape(b, s);
                i++;
                continue;
            }
            int width = utf8Width(bytes, i);
            if (width == 0) {
                s.append("\\x").append(HEX[b >> 4]).append(HEX[b & 0xf]);
                i++;
                continue;
            }
            int cp = switch (width) {
                case 2 -> ((b & 0x1f) << 6) | (bytes[i + 1] & 0x3f);
                case 3 -> ((b & 0x0f) << 12) | ((bytes[i + 1] & 0x3f) << 6) | (bytes[i + 2] & 0x3f);
                default -> ((b & 0x07) << 18) | ((bytes[i + 1] & 0x3f) << 12) | ((bytes[i + 2] & 0x3f) << 6)
                        | (bytes[i + 3] & 0x3f);
            };
            escape(cp, s);
            i += width;
        }
    }

    /**
     * The length of the well-formed UTF-8 sequence at {@code i} (2 to 4), or 0 when the byte there does not start
     * one: Go's decoding rules, which refuse overlong forms, surrogates and code points past U+10FFFF.
     */
    private static int utf8Width(byte[] bytes, int i) {
        int b = bytes[i] & 0xff;
        int width;
        int low = 0x80;
        int high = 0xbf;
        if (b >= 0xc2 && b <= 0xdf) {
            width = 2;
        } else if (b >= 0xe0 && b <= 0xef) {
            width = 3;
            if (b == 0xe0) {
                low = 0xa0;
            } else if (b == 0xed) {
                high = 0x9f;
            }
        } else if (b >= 0xf0 && b <= 0xf4) {
            width = 4;
            if (b == 0xf0) {
                low = 0x90;
            } else if (b == 0xf4) {
                high = 0x8f;
            }
        } else {
            return 0;
        }
        if (i + width > bytes.length) {
            return 0;
        }
        int second = bytes[i + 1] & 0xff;
        if (second < low || second > high) {
            return 0;
        }
        for (int k = 2; k < width; k++) {
            int next = bytes[i + k] & 0xff;
            if (next < 0x80 || next > 0xbf) {
                return 0;
            }
        }
        return width;
    }

    private static void escape(int cp, StringBuilder s) {
        if (cp == '"' || cp == '\\') {
            s.append('\\').append((char) cp);
            return;
        }
        if (printable(cp)) {
            s.appendCodePoint(cp);
            return;
        }
        switch (cp) {
            case 0x07 -> s.append("\\a");
            case '\b' -> s.append("\\b");
            case '\f' -> s.append("\\f");
            case '\n' -> s.append("\\n");
            case '\r' -> s.append("\\r");
            case '\t' -> s.append("\\t");
            case 0x0b -> s.append("\\v");
            default -> {
                if (cp < ' ' || cp == 0x7f) {
                    s.append("\\x").append(HEX[cp >> 4]).append(HEX[cp & 0xf]);
                } else if (cp < 0x10000) {
                    hex(s.append("\\u"), cp, 4);
                } else {
                    hex(s.append("\\U"), cp, 8);
                }
            }
        }
    }

    /** Go's {@code unicode.IsPrint}: letters, marks, numbers, punctuation, symbols and the ASCII space. */
    private static boolean printable(int cp) {
        if (cp < 0x80) {
            return cp >= ' ' && cp < 0x7f;
        }
        return switch (Character.getType(cp)) {
            case Character.UPPERCASE_LETTER, Character.LOWERCASE_LETTER, Character.TITLECASE_LETTER,
                 Character.MODIFIER_LETTER, Character.OTHER_LETTER, Character.NON_SPACING_MARK,
                 Character.ENCLOSING_MARK, Character.COMBINING_SPACING_MARK, Character.DECIMAL_DIGIT_NUMBER,
                 Character.LETTER_NUMBER, Character.OTHER_NUMBER, Character.DASH_PUNCTUATION,
                 Character.START_PUNCTUATION, Character.END_PUNCTUATION, Character.CONNECTOR_PUNCTUATION,
                 Character.OTHER_PUNCTUATION, Character.INITIAL_QUOTE_PUNCTUATION,
                 Character.FINAL_QUOTE_PUNCTUATION, Character.MATH_SYMBOL, Character.CURRENCY_SYMBOL,
                 Character.MODIFIER_SYMBOL, Character.OTHER_SYMBOL -> true;
            default -> false;
        };
    }

    private static void hex(StringBuilder s, int value, int digits) {
        for (int shift = (digits - 1) * 4; shift >= 0; shift -= 4) {
            s.append(HEX[(value >> shift) & 0xf]);
        }
    }
}
